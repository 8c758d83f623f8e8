// Regressions found in the second review: each test pins a behaviour that an earlier version of
// the refresh, tab and event code missed.
import { describe, expect, it, vi } from 'vitest';
import { AccessManager, AccessTokenError } from 'access-manager';
import { tabSharing } from 'access-manager/tabs';
import { mintToken } from './support/tokens.js';
import { fakeTabs } from './support/tabs.js';
import {
  HOUR,
  MINUTE,
  SECOND,
  advance,
  deferred,
  fakeClock,
  mintAt,
  settle,
  useFakeTime,
} from './support/time.js';

// Captured before the fake timers are installed: unhandled rejections are reported after a real macrotask.
const realSetTimeout = globalThis.setTimeout;

useFakeTime();

/** Web Locks as browsers grant them: the callback runs later, never inside request(). */
function asyncLockGrants() {
  const { locks } = navigator as unknown as { locks: { request: (...args: unknown[]) => Promise<unknown> } };
  const request = locks.request.bind(locks);
  vi.stubGlobal('navigator', {
    onLine: true,
    locks: { request: async (...args: unknown[]) => (await Promise.resolve(), request(...args)) },
  });
}

describe('shareAcrossTabs: peer failures', () => {
  it('a healthy tab still refreshes (and never sees tokenExpired) while another tab keeps failing', async () => {
    fakeTabs();
    // Tab B's provider fails for a reason of its own (its session expired, an old deploy…).
    const failing = vi.fn(() => Promise.reject(new Error('401 from the token server')));
    const working = vi.fn(() => mintToken());
    const b = new AccessManager(mintAt(-MINUTE), {
      tokenProvider: failing,
      shareAcrossTabs: tabSharing('app:alice'),
    });
    const a = new AccessManager(mintToken(), {
      tokenProvider: working,
      shareAcrossTabs: tabSharing('app:alice'),
    });
    b.on('refreshFailed', () => {});
    const aFailures: string[] = [];
    a.on('refreshFailed', (error) => aFailures.push(error.reason));
    const expired = vi.fn();
    a.on('tokenExpired', expired);

    await advance(HOUR + MINUTE);

    expect(working).toHaveBeenCalled();
    expect(expired).not.toHaveBeenCalled();
    a.destroy();
    b.destroy();
  });

  it('refresh() asks the provider again once the failing peer has recovered', async () => {
    fakeTabs();
    let aFails = true;
    const aProvider = vi.fn(() => {
      if (aFails) {
        aFails = false;
        return Promise.reject(new Error('503'));
      }
      return mintToken();
    });
    const bProvider = vi.fn(() => mintToken());
    const retry = { baseDelayMs: 30 * SECOND, maxDelayMs: 30 * SECOND };
    const token = mintToken();
    const a = new AccessManager(token, { tokenProvider: aProvider, shareAcrossTabs: tabSharing('k'), retry });
    const b = new AccessManager(token, { tokenProvider: bProvider, shareAcrossTabs: tabSharing('k'), retry });
    a.on('refreshFailed', () => {});
    const bFailures: string[] = [];
    b.on('refreshFailed', (error) => bFailures.push(error.reason));
    await advance(SECOND);

    const aRefresh = a.refresh(); // fails, tells B it retries in 15-30 s
    await settle();
    void a.refresh(); // "asks now": succeeds, B adopts the token
    await aRefresh;
    await settle();
    expect(b.token).toBe(a.token);

    await advance(SECOND);
    void b.refresh().catch(() => {});
    await settle();

    // Nobody is failing any more, yet B waits for a retry that will never happen.
    expect(bFailures).toEqual([]);
    expect(bProvider).toHaveBeenCalledTimes(1);
    a.destroy();
    b.destroy();
  });

  it('never calls the provider after destroy(), when the lock is granted after it (browsers grant asynchronously)', async () => {
    fakeTabs();
    asyncLockGrants();
    const provider = vi.fn(() => mintToken());
    const manager = new AccessManager(mintToken(), {
      tokenProvider: provider,
      shareAcrossTabs: tabSharing('app:alice'),
    });
    await advance(SECOND);

    manager.refresh().catch(() => {});
    manager.destroy();
    await settle();

    expect(provider).not.toHaveBeenCalled();
  });

  it('leaves no unhandled rejection when destroyed before the lock is granted and the provider returns the held token', async () => {
    fakeTabs();
    asyncLockGrants();
    const unhandled: unknown[] = [];
    const onUnhandled = (reason: unknown) => unhandled.push(reason);
    process.on('unhandledRejection', onUnhandled);
    const token = mintToken();
    // A token server that caches: it answers with the token the tab already holds.
    const manager = new AccessManager(token, {
      tokenProvider: () => token,
      shareAcrossTabs: tabSharing('app:alice'),
    });

    manager.refresh().catch(() => {});
    manager.destroy();
    await settle();
    await new Promise((resolve) => realSetTimeout(resolve, 10));
    process.off('unhandledRejection', onUnhandled);

    expect(unhandled).toEqual([]);
  });
});

describe('refreshTimeoutMs', () => {
  it('a manual refresh whose token is accepted is not re-fetched in a loop because a client is slow (default options)', async () => {
    const { clock } = fakeClock();
    // A slow but working token server (25 s, inside the 30 s limit) and a client that hangs
    // until its own 10 s limit.
    const provider = vi.fn(
      () => new Promise<string>((resolve) => setTimeout(() => resolve(mintToken()), 25 * SECOND)),
    );
    const manager = new AccessManager(mintToken(), { clock, tokenProvider: provider });
    manager.register({ updateToken: () => new Promise(() => {}) }, { name: 'voice' });
    manager.on('clientError', () => {});
    const failures: string[] = [];
    manager.on('refreshFailed', (error) => failures.push(error.reason));
    await advance(SECOND);

    let result: string | undefined;
    void manager.refresh().then((token) => (result = token));
    await advance(3 * MINUTE);

    expect(provider).toHaveBeenCalledTimes(1);
    expect(failures).toEqual([]);
    expect(result).toBe(manager.token);
    manager.destroy();
  });
});

describe('destroy() from a refreshFailed listener', () => {
  it('leaves no timer behind and settles refresh() at once', async () => {
    const { clock } = fakeClock();
    const manager = new AccessManager(mintToken(), {
      clock,
      tokenProvider: () => Promise.reject(new Error('503')),
      retry: { baseDelayMs: 30 * SECOND, maxDelayMs: 30 * SECOND },
    });
    // An app that gives up after a failure.
    manager.on('refreshFailed', () => manager.destroy());
    let outcome: unknown;
    manager.refresh().catch((error) => (outcome = error));

    await settle();

    expect(vi.getTimerCount()).toBe(0);
    expect((outcome as AccessTokenError | undefined)?.reason).toBe('destroyed');
  });
});

describe('updateToken superseded by a clientError listener', () => {
  it('resolves only once the newer token reached every client', async () => {
    const manager = new AccessManager(mintToken({ grants: ['chat', 'voice'] }));
    const withoutVoice = mintAt(SECOND, { grants: ['chat'] });
    const withVoice = mintAt(2 * SECOND, { grants: ['chat', 'voice'] });
    const chatTook = deferred();
    manager.register({ updateToken: vi.fn() }, { requires: 'voice', name: 'voice' });
    manager.register({ updateToken: () => chatTook.promise }, { name: 'chat' });
    manager.on('clientError', (error) => {
      if (error.reason === 'client-missing-grant') manager.updateToken(withVoice).catch(() => {});
    });
    let resolved = false;

    const updating = manager.updateToken(withoutVoice).then(() => (resolved = true));
    await settle();

    expect(manager.token).toBe(withVoice);
    expect(resolved).toBe(false); // the chat client has not taken withVoice yet
    chatTook.resolve();
    await updating;
  });
});

describe('options', () => {
  it('rejects a tokenProvider that is not a function with invalid-argument, instead of retrying it for ever', () => {
    let thrown: unknown;
    try {
      new AccessManager(null, { tokenProvider: '/token' } as never).destroy();
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(AccessTokenError);
    expect((thrown as AccessTokenError).reason).toBe('invalid-argument');
  });

  it('throws no TypeError for retry: null (an AccessTokenError, or the defaults)', () => {
    let thrown: unknown;
    try {
      new AccessManager(null, { retry: null } as never).destroy();
    } catch (error) {
      thrown = error;
    }
    expect(thrown === undefined || thrown instanceof AccessTokenError).toBe(true);
  });
});

describe('events after destroy()', () => {
  it('calls no other listener of the same event once one of them destroyed the manager', async () => {
    const manager = new AccessManager(mintToken());
    const later = vi.fn();
    manager.on('tokenUpdated', () => manager.destroy());
    manager.on('tokenUpdated', later);

    await manager.updateToken(mintAt(SECOND)).catch(() => {});

    expect(later).not.toHaveBeenCalled();
  });
});
