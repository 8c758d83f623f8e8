// access-manager/tabs as an entry: how an app turns tab sharing on, and what it is told when it
// passes the option's old form. The sharing itself (one fetch, peers, failures) is pinned in
// refresh.test.ts and regressions*.test.ts.
import { describe, expect, it, vi } from 'vitest';
import { AccessManager, AccessTokenError, type SharingHost } from 'access-manager';
import { tabSharing } from 'access-manager/tabs';
import { fakeTabs } from './support/tabs.js';
import { fakeClock, settle, useFakeTime } from './support/time.js';
import { mintToken } from './support/tokens.js';

useFakeTime();

/** The error `run` throws, or a failure of the test when it throws none. */
function thrownBy(run: () => unknown): AccessTokenError {
  try {
    run();
  } catch (error) {
    return error as AccessTokenError;
  }
  throw new Error('expected a throw');
}

describe(tabSharing, () => {
  it('turns sharing on through the shareAcrossTabs option: two tabs, one provider call', async () => {
    fakeTabs();
    const provider = vi.fn(() => mintToken());
    const first = new AccessManager(null, {
      tokenProvider: provider,
      shareAcrossTabs: tabSharing('app:alice'),
    });
    await settle();
    const second = new AccessManager(null, {
      tokenProvider: provider,
      shareAcrossTabs: tabSharing('app:alice'),
    });
    await vi.advanceTimersByTimeAsync(1_000);

    expect(provider).toHaveBeenCalledTimes(1);
    expect(second.token).toBe(first.token);
    first.destroy();
    second.destroy();
  });

  it.each([
    ['an empty string', ''],
    ['a number', 42],
    ['undefined', undefined],
  ])('refuses %s as the key with invalid-argument', (_name, key) => {
    const error = thrownBy(() => tabSharing(key as string));

    expect(error).toBeInstanceOf(AccessTokenError);
    expect(error.reason).toBe('invalid-argument');
    expect(error.facts.field).toBe('tabSharing(key)');
  });

  it('connects nothing where the browser lacks Web Locks or BroadcastChannel', () => {
    vi.stubGlobal('navigator', { onLine: true });
    const host: SharingHost = {
      clock: fakeClock().clock,
      held: () => null,
      adopt: () => false,
      wait: async () => true,
    };

    expect(tabSharing('app').connect(host)).toBeNull();
  });
});

describe(AccessManager, () => {
  describe('shareAcrossTabs', () => {
    it('refuses a string key (the option before access-manager/tabs) and shows the import', () => {
      const error = thrownBy(() => new AccessManager(null, { shareAcrossTabs: 'my-app:alice' as never }));

      expect(error).toBeInstanceOf(AccessTokenError);
      expect(error.reason).toBe('invalid-argument');
      expect(error.facts.field).toBe('options.shareAcrossTabs');
      expect(error.facts.expected).toContain("import { tabSharing } from 'access-manager/tabs'");
      expect(error.message).toContain("import { tabSharing } from 'access-manager/tabs'");
      expect(error.message).not.toContain('my-app:alice');
    });
  });
});
