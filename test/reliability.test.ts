// The scenarios of issues #10 (items 1, 2, 3 and 6) and #14 (items 1 and 4), each replayed as
// the issue tells it, on the fake clock. The same promises are pinned over random simulated days in reliability.property.test.ts.
import { describe, expect, it, vi } from 'vitest';
import { AccessManager, type AccessTokenError } from 'access-token-manager';
import { tabSharing } from 'access-token-manager/tabs';
import { fakeTabs } from './support/tabs.js';
import {
  HOUR,
  MINUTE,
  SECOND,
  T0,
  advance,
  deferred,
  fakeClock,
  mintAt,
  settle,
  suspend,
  useFakeTime,
} from './support/time.js';
import { mintToken } from './support/tokens.js';

useFakeTime();

/** Every event of `manager`, in order, with the token it was about (first 8 characters of its signature). */
function recordEvents(manager: AccessManager) {
  const log: string[] = [];
  for (const event of [
    'tokenUpdated',
    'tokenAboutToExpire',
    'tokenWillExpire',
    'tokenExpired',
    'tokenError',
    'refreshFailed',
  ] as const) {
    manager.on(event, () => log.push(event));
  }
  return log;
}

describe(AccessManager, () => {
  describe('a suspend with no wake signal', () => {
    it('still refreshes before exp: a 20-minute token, suspended for 3 minutes at minute 1', async () => {
      const { clock } = fakeClock(); // never wakes: the window was visible before and after
      const calls: number[] = [];
      const manager = new AccessManager(mintToken({ ttl: 20 * 60 }), {
        clock,
        tokenProvider: () => {
          calls.push(Date.now() - T0);
          return mintToken({ ttl: 20 * 60 });
        },
      });
      const log = recordEvents(manager);

      await advance(MINUTE);
      suspend(3 * MINUTE);
      await advance(16 * MINUTE); // the wall clock reads minute 20: the first token's exp

      expect(calls).toHaveLength(1);
      expect(calls[0]).toBeLessThan(20 * MINUTE);
      expect(log).not.toContain('tokenExpired');
      expect(manager.isExpired).toBe(false);
      manager.destroy();
    });
    it('refreshes at the warning: a 60-minute token, the laptop closed from minute 1 to minute 33 (issue #14)', async () => {
      const { clock } = fakeClock(); // never wakes
      const calls: number[] = [];
      const manager = new AccessManager(mintToken({ ttl: 3600 }), {
        clock,
        tokenProvider: () => {
          calls.push(Date.now() - T0);
          return mintToken({ ttl: 3600 });
        },
      });
      const log = recordEvents(manager);

      await advance(MINUTE);
      suspend(32 * MINUTE); // the timers stand still; no wake signal follows
      await advance(27 * MINUTE); // the wall clock reads minute 60: the first token's exp

      // Awake for the last 27 minutes: asked at minute 57, not at 60.5 (a timer armed for 28.5
      // before the sleep, as the halving alarm did).
      expect(calls).toEqual([57 * MINUTE]);
      // The first tokenUpdated is the constructor's token, announced a tick after `new`.
      expect(log).toEqual(['tokenUpdated', 'tokenAboutToExpire', 'tokenWillExpire', 'tokenUpdated']);
      expect(manager.isExpired).toBe(false);
      manager.destroy();
    });
  });

  describe('a server clock that runs ahead, then a cached token (issue #14)', () => {
    it('refreshes before exp in server time: server an hour ahead, then a token it cached 10 minutes earlier', async () => {
      const { clock } = fakeClock();
      const calls: number[] = [];
      const server = (agoMs: number, ttl: number) => mintAt(Date.now() - T0 + HOUR - agoMs, { ttl });
      // An hour token from the server; then the one it cached 10 minutes before, living 2 hours;
      // then fresh ones.
      const answers = [() => server(10 * MINUTE, 2 * 3600), () => server(0, 3600)];
      const manager = new AccessManager(server(0, 3600), {
        clock,
        tokenProvider: () => {
          calls.push(Date.now() - T0);
          return answers[Math.min(calls.length - 1, answers.length - 1)]!();
        },
      });
      const log = recordEvents(manager);

      await advance(57 * MINUTE);
      expect(calls).toEqual([57 * MINUTE]);
      // The cached token was minted at minute 47 of our clock (107 by the server's), so it expires
      // at minute 167 of ours; its own iat would put that at 177.
      await advance(110 * MINUTE);

      expect(calls).toEqual([57 * MINUTE, 164 * MINUTE]);
      expect(log).not.toContain('tokenExpired');
      manager.destroy();
    });

    it('does not loop when the server clock is set back: the hour it ran ahead is checked once, then dropped', async () => {
      const { clock } = fakeClock();
      const calls: number[] = [];
      let aheadMs = HOUR;
      const manager = new AccessManager(null, {
        clock,
        tokenProvider: () => {
          calls.push(Date.now() - T0);
          const token = mintAt(Date.now() - T0 + aheadMs, { ttl: 3600 });
          aheadMs = 0; // the server's clock is corrected after the first token
          return token;
        },
      });
      const log = recordEvents(manager);

      await advance(4 * HOUR);

      // Under the hour learned first, the first token from the corrected server looks expired on
      // arrival, as a cached token would (issue #23 item 8): it is checked by one more call at once,
      // after the first retry's 0.5 to 1 s (and the next retry's 1 to 2 s when that call, in the
      // same second, brings the very same token). The next token looks the same: the server's
      // clock was set back, and each token is judged by its own iat from then on: one call an hour.
      const checks = calls.filter((atMs) => atMs > 57 * MINUTE && atMs < 57 * MINUTE + 3 * SECOND);
      const settledAtMs = checks.at(-1)!;
      const issuedAtMs = Math.floor(settledAtMs / SECOND) * SECOND; // iat is in whole seconds
      expect(checks.length).toBeGreaterThanOrEqual(1);
      expect(checks.length).toBeLessThanOrEqual(2);
      expect(calls).toEqual([
        0,
        57 * MINUTE,
        ...checks,
        issuedAtMs + 57 * MINUTE,
        issuedAtMs + 114 * MINUTE,
        issuedAtMs + 171 * MINUTE,
      ]);
      expect(log.filter((event) => event === 'refreshFailed')).toHaveLength(checks.length);
      expect(log).not.toContain('tokenExpired');
      manager.destroy();
    });
  });

  describe('tokenAboutToExpire and tokenWillExpire', () => {
    it('fire both for the token they warn about when a listener gives the next token at once', async () => {
      const manager = new AccessManager(mintToken({ ttl: 3600 }));
      const next = mintAt(57 * MINUTE, { ttl: 3600 });
      const log = recordEvents(manager);
      const warnedAbout: (string | null)[] = [];
      manager.on('tokenAboutToExpire', (m) => {
        warnedAbout.push(m.token);
        void m.updateToken(next); // an app with the next token cached
      });
      manager.on('tokenWillExpire', (m) => warnedAbout.push(m.token));
      const first = manager.token;

      await advance(57 * MINUTE);

      // The first tokenUpdated is the constructor's token, announced a tick after `new`.
      expect(log).toEqual(['tokenUpdated', 'tokenAboutToExpire', 'tokenWillExpire', 'tokenUpdated']);
      expect(warnedAbout).toEqual([first, first]);
      expect(manager.token).toBe(next);
      // The next token warns once, an hour later, not now.
      await advance(HOUR - 3 * MINUTE - SECOND);
      expect(log).toEqual(['tokenUpdated', 'tokenAboutToExpire', 'tokenWillExpire', 'tokenUpdated']);
      manager.destroy();
    });

    it('fire both before tokenExpired when a listener calls check() after a sleep past exp', async () => {
      const manager = new AccessManager(mintToken({ ttl: 3600 }));
      const log = recordEvents(manager);
      manager.on('tokenAboutToExpire', (m) => m.check());

      suspend(61 * MINUTE);
      await advance(HOUR);

      // The first tokenUpdated is the constructor's token, announced a tick after `new`.
      expect(log).toEqual(['tokenUpdated', 'tokenAboutToExpire', 'tokenWillExpire', 'tokenExpired']);
      manager.destroy();
    });
  });

  describe('destroy() from inside', () => {
    it('leaves no timer when the token provider calls it (a logout on a 401)', async () => {
      const { clock } = fakeClock();
      const provider = vi.fn(() => {
        manager.destroy();
        return Promise.reject(new Error('401'));
      });
      const manager: AccessManager = new AccessManager(mintToken({ ttl: 3600 }), {
        clock,
        tokenProvider: provider,
      });

      await advance(57 * MINUTE);

      expect(provider).toHaveBeenCalledTimes(1);
      expect(vi.getTimerCount()).toBe(0);
      await advance(2 * HOUR);
      expect(provider).toHaveBeenCalledTimes(1);
    });

    it.each([
      ['tokenAboutToExpire', 'tokenAboutToExpire'],
      ['tokenWillExpire', 'tokenWillExpire'],
      ['tokenUpdated', 'tokenUpdated'],
      ['refreshFailed', 'refreshFailed'],
    ] as const)('leaves no timer when a %s listener calls it', async (_name, event) => {
      const { clock } = fakeClock();
      let fail = true;
      const manager = new AccessManager(mintToken({ ttl: 3600 }), {
        clock,
        tokenProvider: () => (fail ? Promise.reject(new Error('down')) : mintToken()),
      });
      manager.on(event, () => manager.destroy());
      manager.on('refreshFailed', () => (fail = false));

      await advance(HOUR);

      expect(vi.getTimerCount()).toBe(0);
    });

    it("leaves no timer when a client's updateToken calls it, mid-push", async () => {
      const manager = new AccessManager(mintToken());
      const hung = { updateToken: () => new Promise(() => {}) };
      manager.register(hung);
      manager.register({ updateToken: () => manager.destroy() });

      const pushed = manager.updateToken(mintAt(SECOND));
      await settle();

      expect(vi.getTimerCount()).toBe(0);
      await expect(pushed).resolves.toBe(manager);
    });

    it('leaves no timer when called mid-refresh, with the provider still fetching', async () => {
      const answer = deferred<string>();
      const manager = new AccessManager(null, { tokenProvider: () => answer.promise });
      await settle();

      manager.destroy();

      expect(vi.getTimerCount()).toBe(0);
      answer.resolve(mintToken());
      await settle();
      expect(manager.token).toBeNull();
    });

    it('leaves no timer and calls no provider when called while a tab waits for the lock', async () => {
      fakeTabs();
      const slow = deferred<string>();
      const provider = vi.fn(() => slow.promise);
      const holder = new AccessManager(null, { tokenProvider: provider, shareAcrossTabs: tabSharing('k') });
      await advance(SECOND); // the holder asked its peers, then its provider: it holds the lock
      const waiting = new AccessManager(null, { tokenProvider: provider, shareAcrossTabs: tabSharing('k') });
      await settle();

      waiting.destroy();
      holder.destroy();

      expect(vi.getTimerCount()).toBe(0);
      slow.resolve(mintToken());
      await advance(MINUTE);
      expect(provider).toHaveBeenCalledTimes(1);
    });
  });

  describe('stale', () => {
    it('takes tokens from correctly set servers after one from a server an hour ahead', async () => {
      const { clock } = fakeClock();
      const errors: AccessTokenError[] = [];
      let calls = 0;
      const manager = new AccessManager(null, {
        clock,
        // The first answer comes from a server whose clock runs an hour ahead; the rest are right.
        tokenProvider: () => (++calls === 1 ? mintAt(Date.now() - T0 + HOUR) : mintToken()),
      });
      manager.on('tokenError', (error) => errors.push(error));
      const log = recordEvents(manager);

      await advance(3 * HOUR);

      expect(errors).toEqual([]);
      expect(log).not.toContain('tokenExpired');
      expect(calls).toBeGreaterThanOrEqual(3);
      manager.destroy();
    });

    it('still refuses a genuinely older token: issued before the one held and expiring no later', async () => {
      const cached = mintToken({ ttl: 3600 });
      await advance(5 * MINUTE);
      const manager = new AccessManager(mintToken({ ttl: 3600 }));

      await expect(manager.updateToken(cached)).rejects.toMatchObject({ reason: 'stale' });
      // An older token that lives longer brings something: it is taken.
      const olderButLonger = mintAt(-MINUTE, { ttl: 2 * 3600 });
      await manager.updateToken(olderButLonger);
      expect(manager.token).toBe(olderButLonger);
      manager.destroy();
    });
  });
});
