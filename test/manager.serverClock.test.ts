// Issue #23 item 8, as the issue tells it: the two holes of the learned server clock, each on one
// script, and the set-back the rule must still tell from them.
import { describe, expect, it, vi } from 'vitest';
import { AccessManager } from 'access-token-manager';
import { HOUR, MINUTE, SECOND, advance, fakeClock, settle, useFakeTime } from './support/time.js';
import { craftToken, goodPayload } from './support/tokens.js';

useFakeTime();

let minted = 0;

/** A token from a server whose clock is `aheadMs` ahead of ours, minted `ageMs` ago by it. */
function fromServer(aheadMs: number, ttlSeconds: number, ageMs = 0): string {
  const iat = Math.floor((Date.now() + aheadMs - ageMs) / SECOND);
  return craftToken(goodPayload({ iat, exp: iat + ttlSeconds, jti: `SK-${++minted}` }));
}

/** The moments each event fired at, in milliseconds since the start. */
function recordEvents(manager: AccessManager) {
  const startMs = Date.now();
  const log: string[] = [];
  for (const event of ['tokenUpdated', 'tokenAboutToExpire', 'tokenExpired'] as const) {
    manager.on(event, () => log.push(`${event} at ${Math.round((Date.now() - startMs) / SECOND)} s`));
  }
  manager.on('tokenError', (error) => log.push(`tokenError ${error.reason}`));
  manager.on('refreshFailed', (error) => log.push(`refreshFailed ${error.reason}`));
  return log;
}

describe(AccessManager, () => {
  describe("the token server's clock (issue #23, item 8)", () => {
    describe('a token is never judged by less skew than its own iat shows', () => {
      it('warns at once of a 90 s token from a server an hour ahead, held after one from a correct server', async () => {
        const { clock } = fakeClock();
        const manager = new AccessManager(fromServer(0, 3600), { clock, aboutToExpireMs: 3 * MINUTE });
        await advance(10 * MINUTE);
        const log = recordEvents(manager);

        await manager.updateToken(fromServer(HOUR, 90));
        await advance(2 * MINUTE);

        expect(manager.isExpired).toBe(true);
        expect(log).toEqual(['tokenUpdated at 0 s', 'tokenAboutToExpire at 0 s', 'tokenExpired at 90 s']);
        manager.destroy();
      });

      it('asks the provider for its successor half-way through its life, not an hour later', async () => {
        const { clock } = fakeClock();
        const answers = [fromServer(0, 3600), fromServer(HOUR, 90)];
        const askedAtMs: number[] = [];
        const tokenProvider = vi.fn(() => {
          askedAtMs.push(Date.now());
          return answers.shift() ?? fromServer(HOUR, 3600);
        });
        const manager = new AccessManager(null, { clock, tokenProvider, aboutToExpireMs: 3 * MINUTE });
        await settle();
        const startMs = Date.now();
        await manager.refresh(); // the short token from the server an hour ahead

        await advance(2 * MINUTE);

        expect(askedAtMs.map((atMs) => atMs - startMs)).toEqual([0, 0, 45 * SECOND]);
        expect(manager.isExpired).toBe(false);
        manager.destroy();
      });
    });

    describe('a learned skew that finds a new token due is checked, not dropped', () => {
      // Server an hour ahead, 24-hour tokens; at the warning the provider returns a cached token
      // issued 10 minutes before the one held: expired by the server's clock for 7 minutes.
      const cachedAtTheWarning = async (tokenProvider?: () => string) => {
        const { clock } = fakeClock();
        const held = fromServer(HOUR, 24 * 3600);
        const cached = fromServer(HOUR, 24 * 3600, 10 * MINUTE); // minted 10 min before it
        const manager = new AccessManager(held, { clock, ...(tokenProvider && { tokenProvider }) });
        return { manager, cached };
      };

      it('asks the provider once more at once, and holds the fresh token it gets by the learned clock', async () => {
        const answers: string[] = [];
        const tokenProvider = vi.fn(() => answers.shift() ?? fromServer(HOUR, 24 * 3600));
        const { manager, cached } = await cachedAtTheWarning(tokenProvider);
        answers.push(cached);
        await advance(24 * HOUR - 3 * MINUTE - SECOND); // a second before the warning
        const log = recordEvents(manager);

        await advance(3 * SECOND);

        expect(tokenProvider).toHaveBeenCalledTimes(2);
        expect(log).toEqual([
          'tokenAboutToExpire at 1 s',
          'tokenUpdated at 1 s',
          'refreshFailed unchanged',
          'tokenAboutToExpire at 1 s',
          'tokenUpdated at 2 s',
        ]);
        // The fresh token is judged by the server's clock, an hour ahead: due 23 h 57 min on.
        await advance(23 * HOUR + 56 * MINUTE);
        expect(tokenProvider).toHaveBeenCalledTimes(2);
        await advance(2 * MINUTE);
        expect(tokenProvider).toHaveBeenCalledTimes(3);
        manager.destroy();
      });

      it('getToken() waits for that check instead of handing out the token in doubt', async () => {
        const answers: string[] = [];
        const tokenProvider = vi.fn(() => answers.shift() ?? fromServer(HOUR, 24 * 3600));
        const { manager, cached } = await cachedAtTheWarning(tokenProvider);
        answers.push(cached);
        await advance(24 * HOUR - 3 * MINUTE); // the warning: the cached token is taken, in doubt
        expect(manager.token).toBe(cached);

        const asked = manager.getToken();
        await advance(3 * SECOND);

        const token = await asked;
        expect(token).not.toBe(cached); // expired for 7 minutes by the server's clock
        expect(token).toBe(manager.token);
        expect(tokenProvider).toHaveBeenCalledTimes(2);
        manager.destroy();
      });

      it('warns of it at once without a provider', async () => {
        const { manager, cached } = await cachedAtTheWarning();
        await advance(24 * HOUR - 3 * MINUTE);
        const log = recordEvents(manager);

        await manager.updateToken(cached);
        await settle();

        expect(manager.token).toBe(cached);
        expect(manager.isAboutToExpire).toBe(true);
        expect(log).toEqual(['tokenUpdated at 0 s', 'tokenAboutToExpire at 0 s']);
        manager.destroy();
      });

      it('takes a second such token in a row as proof that the server clock was set back, with no loop and no tokenExpired', async () => {
        // An hour ahead, then set back to the right time: its good 1-hour tokens look expired.
        let aheadMs = HOUR;
        const tokenProvider = vi.fn(() => fromServer(aheadMs, 3600));
        const { clock } = fakeClock();
        const manager = new AccessManager(null, { clock, tokenProvider });
        await settle();
        await advance(30 * MINUTE);
        aheadMs = 0;
        const log = recordEvents(manager);

        manager.refresh().catch(() => {});
        await advance(2 * HOUR);

        // One more call checks the learned clock; the second token settles it, and is then held
        // by its own iat: refreshed 57 minutes on, and again 57 minutes later.
        expect(log.filter((entry) => entry.startsWith('tokenExpired'))).toEqual([]);
        expect(log.filter((entry) => entry.startsWith('refreshFailed'))).toEqual(['refreshFailed unchanged']);
        expect(tokenProvider).toHaveBeenCalledTimes(1 + 2 + 2);
        manager.destroy();
      });
    });
  });
});
