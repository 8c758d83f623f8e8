// access-token-manager/tabs as an entry: how an app turns tab sharing on, and what it is told when it
// passes the option's old form. The sharing itself (one fetch, peers, failures) is pinned in
// refresh.test.ts and tabs.sharing.test.ts.
import { describe, expect, it, vi } from 'vitest';
import { AccessManager, AccessTokenError, type SharingHost } from 'access-token-manager';
import { tabSharing } from 'access-token-manager/tabs';
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

  it("releases the lock when the holder's provider hangs past refreshTimeoutMs, so another tab gets it", async () => {
    fakeTabs();
    const hanging = vi.fn(() => new Promise<string>(() => {})); // ignores its signal too
    const working = vi.fn(() => mintToken());
    const options = { refreshTimeoutMs: 5_000, retry: { baseDelayMs: 10_000, maxDelayMs: 10_000 } };
    const holder = new AccessManager(null, {
      ...options,
      tokenProvider: hanging,
      shareAcrossTabs: tabSharing('k'),
    });
    await vi.advanceTimersByTimeAsync(1_000); // the holder asked its peers, then its provider
    const other = new AccessManager(null, {
      ...options,
      tokenProvider: working,
      shareAcrossTabs: tabSharing('k'),
    });
    const otherFailures: string[] = [];
    other.on('refreshFailed', (error) => otherFailures.push(error.reason));
    await vi.advanceTimersByTimeAsync(1_000);
    expect(otherFailures).toEqual([]); // it waits for the lock

    await vi.advanceTimersByTimeAsync(4_000); // the holder's attempt times out and lets go

    // The other tab got the lock: it defers to the holder's retry (the holder said it failed).
    expect(otherFailures).toEqual(['peer-retrying']);
    // A few rounds later at most, it calls its own provider, and both tabs hold its token.
    await vi.advanceTimersByTimeAsync(60_000);
    expect(working).toHaveBeenCalledTimes(1);
    expect(other.token).toBe(working.mock.results[0]!.value);
    expect(holder.token).toBe(other.token);
    holder.destroy();
    other.destroy();
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
      endSession: () => {},
      wait: async () => true,
    };

    expect(tabSharing('app').connect(host)).toBeNull();
  });
});

describe(AccessManager, () => {
  describe('shareAcrossTabs', () => {
    it('refuses a string key (the option before access-token-manager/tabs) and shows the import', () => {
      const error = thrownBy(() => new AccessManager(null, { shareAcrossTabs: 'my-app:alice' as never }));

      expect(error).toBeInstanceOf(AccessTokenError);
      expect(error.reason).toBe('invalid-argument');
      expect(error.facts.field).toBe('options.shareAcrossTabs');
      expect(error.facts.expected).toContain("import { tabSharing } from 'access-token-manager/tabs'");
      expect(error.message).toContain("import { tabSharing } from 'access-token-manager/tabs'");
      expect(error.message).not.toContain('my-app:alice');
    });
  });
});
