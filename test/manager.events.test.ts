import { describe, expect, it, vi } from 'vitest';
import { AccessManager, AccessTokenError } from 'access-token-manager';
import { craftToken, goodPayload, mintToken, without } from './support/tokens.js';
import { HOUR, MINUTE, SECOND, T0, advanceTo, fakeClock, mintAt, useFakeTime } from './support/time.js';

const DAY = 24 * HOUR;
const MAX_TIMER_DELAY_MS = 2_147_483_647;

const EXPIRY_EVENTS = ['tokenAboutToExpire', 'tokenWillExpire', 'tokenExpired'] as const;
type ExpiryEvent = (typeof EXPIRY_EVENTS)[number];

useFakeTime();

/** Records every expiry event of `manager`, in order. */
function recordExpiryEvents(manager: AccessManager): ExpiryEvent[] {
  const log: ExpiryEvent[] = [];
  for (const event of EXPIRY_EVENTS) manager.on(event, () => log.push(event));
  return log;
}

const count = (log: ExpiryEvent[], event: ExpiryEvent): number => log.filter((e) => e === event).length;

describe(AccessManager, () => {
  describe('tokenAboutToExpire and tokenWillExpire', () => {
    it('fire together, once, three minutes before exp and not before', () => {
      const manager = new AccessManager(mintToken({ ttl: 3600 }));
      const log = recordExpiryEvents(manager);

      advanceTo(57 * MINUTE - 1);
      expect(log).toEqual([]);

      advanceTo(57 * MINUTE);
      expect(log).toEqual(['tokenAboutToExpire', 'tokenWillExpire']);

      advanceTo(60 * MINUTE - 1);
      expect(log).toEqual(['tokenAboutToExpire', 'tokenWillExpire']);
    });

    it('pass the manager to their listeners', () => {
      const manager = new AccessManager(mintToken({ ttl: 3600 }));
      const aboutToExpire = vi.fn();
      const willExpire = vi.fn();
      manager.on('tokenAboutToExpire', aboutToExpire).on('tokenWillExpire', willExpire);

      advanceTo(57 * MINUTE);

      expect(aboutToExpire).toHaveBeenCalledExactlyOnceWith(manager);
      expect(willExpire).toHaveBeenCalledExactlyOnceWith(manager);
    });

    it('fire at once, but asynchronously, when less than three minutes are left', () => {
      const manager = new AccessManager(mintToken({ ttl: 120 }));
      // Added after the constructor returned: it must still hear the warning.
      const log = recordExpiryEvents(manager);
      expect(log).toEqual([]);

      vi.advanceTimersByTime(0);

      expect(log).toEqual(['tokenAboutToExpire', 'tokenWillExpire']);
    });

    it('fire at once, asynchronously, for a short-lived token given to updateToken', async () => {
      const manager = new AccessManager(mintToken({ ttl: 3600 }));
      const log = recordExpiryEvents(manager);
      advanceTo(10 * MINUTE);

      const updating = manager.updateToken(mintToken({ ttl: 60 }));
      expect(log).toEqual([]);
      await updating;
      vi.advanceTimersByTime(0);

      expect(log).toEqual(['tokenAboutToExpire', 'tokenWillExpire']);
    });

    it('fire aboutToExpireMs before exp when that option is given', () => {
      const manager = new AccessManager(mintToken({ ttl: 3600 }), { aboutToExpireMs: 10 * MINUTE });
      const log = recordExpiryEvents(manager);

      advanceTo(50 * MINUTE - 1);
      expect(log).toEqual([]);

      advanceTo(50 * MINUTE);
      expect(log).toEqual(['tokenAboutToExpire', 'tokenWillExpire']);
    });

    it('fire for every accepted token, not only the first one', async () => {
      const manager = new AccessManager(mintToken({ ttl: 3600 }));
      const log = recordExpiryEvents(manager);
      advanceTo(57 * MINUTE);
      expect(count(log, 'tokenAboutToExpire')).toBe(1);

      await manager.updateToken(mintToken({ ttl: 3600 })); // expires at 117 min

      advanceTo(114 * MINUTE - 1);
      expect(count(log, 'tokenAboutToExpire')).toBe(1);
      advanceTo(114 * MINUTE);
      expect(count(log, 'tokenAboutToExpire')).toBe(2);
      expect(count(log, 'tokenWillExpire')).toBe(2);
    });

    it('keep a page alive that refreshes on each warning: one warning per token, never expired', () => {
      const manager = new AccessManager(mintToken({ ttl: 3600 }));
      const log = recordExpiryEvents(manager);
      manager.on('tokenAboutToExpire', () => void manager.updateToken(mintToken({ ttl: 3600 })));

      // Tokens expire at 60, 117, 174, 231, 288 and 345 min; each is replaced at its warning.
      advanceTo(5 * HOUR);

      expect(count(log, 'tokenAboutToExpire')).toBe(5);
      expect(count(log, 'tokenWillExpire')).toBe(5);
      expect(count(log, 'tokenExpired')).toBe(0);
      expect(manager.isExpired).toBe(false);
    });
  });

  describe('tokenExpired', () => {
    it('fires once, at exp, after the warning', () => {
      const manager = new AccessManager(mintToken({ ttl: 3600 }));
      const log = recordExpiryEvents(manager);
      const expired = vi.fn();
      manager.on('tokenExpired', expired);

      advanceTo(HOUR - 1);
      expect(expired).not.toHaveBeenCalled();

      advanceTo(HOUR);
      expect(expired).toHaveBeenCalledExactlyOnceWith(manager);

      advanceTo(3 * HOUR);
      expect(log).toEqual(['tokenAboutToExpire', 'tokenWillExpire', 'tokenExpired']);
    });

    it('fires at exp for a token with less than three minutes left', () => {
      const manager = new AccessManager(mintToken({ ttl: 120 }));
      const log = recordExpiryEvents(manager);

      advanceTo(2 * MINUTE - 1);
      expect(log).not.toContain('tokenExpired');

      advanceTo(2 * MINUTE);
      expect(log).toEqual(['tokenAboutToExpire', 'tokenWillExpire', 'tokenExpired']);
    });
  });

  describe('updateToken re-arms the expiry events', () => {
    it('leaves nothing armed from the previous token', async () => {
      const manager = new AccessManager(mintToken({ ttl: 3600 }));
      const log = recordExpiryEvents(manager);
      advanceTo(10 * MINUTE);

      await manager.updateToken(mintToken({ ttl: 3600 })); // expires at 70 min

      // The first token's moments (57 and 60 min) pass in silence.
      advanceTo(67 * MINUTE - 1);
      expect(log).toEqual([]);

      advanceTo(67 * MINUTE);
      expect(log).toEqual(['tokenAboutToExpire', 'tokenWillExpire']);
      advanceTo(70 * MINUTE);
      expect(log).toEqual(['tokenAboutToExpire', 'tokenWillExpire', 'tokenExpired']);
    });

    it("does not fire the previous token's tokenExpired after its warning was answered", async () => {
      const manager = new AccessManager(mintToken({ ttl: 3600 }));
      const log = recordExpiryEvents(manager);
      advanceTo(58 * MINUTE);

      await manager.updateToken(mintToken({ ttl: 3600 })); // expires at 118 min
      advanceTo(115 * MINUTE - 1);

      expect(log).toEqual(['tokenAboutToExpire', 'tokenWillExpire']);
    });

    it('arms the events again after the previous token expired', async () => {
      const manager = new AccessManager(mintToken({ ttl: 3600 }));
      const log = recordExpiryEvents(manager);
      advanceTo(2 * HOUR);
      expect(count(log, 'tokenExpired')).toBe(1);

      await manager.updateToken(mintToken({ ttl: 3600 })); // expires at 3 h
      expect(manager.isExpired).toBe(false);
      advanceTo(3 * HOUR);

      expect(log).toEqual([...EXPIRY_EVENTS, ...EXPIRY_EVENTS]);
    });
  });

  describe('a timer that fires late', () => {
    it('fires every missed event, in order, once each, when it finally runs', () => {
      const manager = new AccessManager(mintToken({ ttl: 3600 }));
      const log = recordExpiryEvents(manager);

      // The wall clock moves past exp while no timer runs (a throttled tab, a frozen process).
      vi.setSystemTime(T0 + 2 * HOUR);
      expect(log).toEqual([]);
      vi.runOnlyPendingTimers();

      expect(log).toEqual(['tokenAboutToExpire', 'tokenWillExpire', 'tokenExpired']);
      vi.runAllTimers();
      expect(log).toEqual(['tokenAboutToExpire', 'tokenWillExpire', 'tokenExpired']);
    });

    it('fires only the warning when it lands between the warning and exp, then tokenExpired at exp', () => {
      const { clock, state } = fakeClock();
      const manager = new AccessManager(mintToken({ ttl: 3600 }), { clock });
      const log = recordExpiryEvents(manager);

      // The timer set for 57 min runs when the wall clock already reads 58 min.
      state.jumpMs = MINUTE;
      advanceTo(57 * MINUTE);
      expect(log).toEqual(['tokenAboutToExpire', 'tokenWillExpire']);

      advanceTo(59 * MINUTE - 1); // 60 min - 1 by the wall clock
      expect(log).toEqual(['tokenAboutToExpire', 'tokenWillExpire']);
      advanceTo(59 * MINUTE);
      expect(log).toEqual(['tokenAboutToExpire', 'tokenWillExpire', 'tokenExpired']);
    });

    it('fires nothing when it runs before its moment by the wall clock, and waits again', () => {
      const { clock, state } = fakeClock();
      const manager = new AccessManager(mintToken({ ttl: 3600 }), { clock });
      const log = recordExpiryEvents(manager);

      // The wall clock was set back ten minutes after the timer was armed.
      state.jumpMs = -10 * MINUTE;
      advanceTo(57 * MINUTE);
      expect(log).toEqual([]);

      advanceTo(67 * MINUTE);
      expect(log).toEqual(['tokenAboutToExpire', 'tokenWillExpire']);
    });
  });

  describe('check', () => {
    it('fires, in order and once each, the events whose moment passed while time stood still', () => {
      const manager = new AccessManager(mintToken({ ttl: 3600 }));
      const log = recordExpiryEvents(manager);
      vi.setSystemTime(T0 + 2 * HOUR);

      manager.check();
      manager.check();

      expect(log).toEqual(['tokenAboutToExpire', 'tokenWillExpire', 'tokenExpired']);
    });

    it('fires only what is due', () => {
      const manager = new AccessManager(mintToken({ ttl: 3600 }));
      const log = recordExpiryEvents(manager);

      vi.setSystemTime(T0 + 30 * MINUTE);
      manager.check();
      expect(log).toEqual([]);

      vi.setSystemTime(T0 + 58 * MINUTE);
      manager.check();
      expect(log).toEqual(['tokenAboutToExpire', 'tokenWillExpire']);
    });

    it('does nothing without a token', () => {
      const manager = new AccessManager();
      const log = recordExpiryEvents(manager);
      vi.setSystemTime(T0 + 2 * HOUR);

      manager.check();

      expect(log).toEqual([]);
    });
  });

  describe('after a laptop sleep', () => {
    it('fires the missed events in order when the clock signals a wake', () => {
      const { clock, state, wake } = fakeClock();
      const manager = new AccessManager(mintToken({ ttl: 3600 }), { clock });
      const log = recordExpiryEvents(manager);

      // Asleep for two hours: the wall clock jumped, no timer ran.
      state.jumpMs = 2 * HOUR;
      expect(log).toEqual([]);
      wake();

      expect(log).toEqual(['tokenAboutToExpire', 'tokenWillExpire', 'tokenExpired']);
      wake();
      vi.runAllTimers();
      expect(log).toEqual(['tokenAboutToExpire', 'tokenWillExpire', 'tokenExpired']);
    });

    it('fires nothing on a wake before any moment is due', () => {
      const { clock, state, wake } = fakeClock();
      const manager = new AccessManager(mintToken({ ttl: 3600 }), { clock });
      const log = recordExpiryEvents(manager);

      state.jumpMs = 20 * MINUTE;
      wake();

      expect(log).toEqual([]);
    });
  });

  describe('isExpired', () => {
    it('is computed when read, so it is right before any timer has run', () => {
      const manager = new AccessManager(mintToken({ ttl: 3600 }));
      const log = recordExpiryEvents(manager);

      vi.setSystemTime(T0 + HOUR - 1);
      expect(manager.isExpired).toBe(false);
      vi.setSystemTime(T0 + HOUR);
      expect(manager.isExpired).toBe(true);
      expect(log).toEqual([]); // no timer ran: the property did not wait for one
    });

    it('is false without a token', () => {
      expect(new AccessManager().isExpired).toBe(false);
    });

    it('follows the injected clock', () => {
      const { clock, state } = fakeClock();
      const manager = new AccessManager(mintToken({ ttl: 3600 }), { clock });

      state.jumpMs = 3 * HOUR;

      expect(manager.isExpired).toBe(true);
    });
  });

  describe('clock skew', () => {
    it('schedules in server time when the token was issued ahead of the local clock', () => {
      // The server's clock reads 10 min later than ours: iat and exp are 10 min "ahead".
      const token = mintAt(10 * MINUTE, { ttl: 3600 }); // exp at 70 min server time = 60 min local
      const manager = new AccessManager(token);
      const log = recordExpiryEvents(manager);

      advanceTo(57 * MINUTE - 1);
      expect(log).toEqual([]);
      advanceTo(57 * MINUTE);
      expect(log).toEqual(['tokenAboutToExpire', 'tokenWillExpire']);

      advanceTo(HOUR - 1);
      expect(manager.isExpired).toBe(false);
      advanceTo(HOUR);
      expect(log).toEqual(['tokenAboutToExpire', 'tokenWillExpire', 'tokenExpired']);
      expect(manager.isExpired).toBe(true);
    });

    it('does not schedule later for a token issued before the local clock (it may have been cached)', () => {
      const token = mintAt(-10 * MINUTE, { ttl: 3600 }); // exp at 50 min
      const manager = new AccessManager(token);
      const log = recordExpiryEvents(manager);

      advanceTo(47 * MINUTE - 1);
      expect(log).toEqual([]);
      advanceTo(47 * MINUTE);
      expect(log).toEqual(['tokenAboutToExpire', 'tokenWillExpire']);
      advanceTo(50 * MINUTE);
      expect(log).toEqual(['tokenAboutToExpire', 'tokenWillExpire', 'tokenExpired']);
    });

    it('accepts a token that is expired by the local clock but not by the server clock', () => {
      // Our clock is 2 h behind the server's: the token looks expired to us, but is fresh.
      const token = mintAt(2 * HOUR, { ttl: 3600 });

      const manager = new AccessManager(token);

      expect(manager.token).toBe(token);
      expect(manager.isExpired).toBe(false);
    });

    it('schedules a token given to updateToken in server time too', async () => {
      const manager = new AccessManager(mintToken({ ttl: 3600 }));
      const log = recordExpiryEvents(manager);
      advanceTo(20 * MINUTE);

      // Issued by a server clock 5 min ahead of ours: exp at 85 min server time = 80 min local.
      await manager.updateToken(mintAt(25 * MINUTE, { ttl: 3600 }));

      advanceTo(77 * MINUTE - 1);
      expect(log).toEqual([]);
      advanceTo(77 * MINUTE);
      expect(log).toEqual(['tokenAboutToExpire', 'tokenWillExpire']);
      advanceTo(80 * MINUTE);
      expect(log).toEqual(['tokenAboutToExpire', 'tokenWillExpire', 'tokenExpired']);
    });
  });

  describe('timers', () => {
    it('clamps every delay to what setTimeout can hold', () => {
      const { clock, delays } = fakeClock();
      // No iat, so no lifetime limit applies: exp is 60 days away, the warning 30 days before it,
      // and the alarm's step (aboutToExpireMs less a minute) is 30 days less a minute, over the limit.
      const exp = (T0 + 60 * DAY) / 1000;
      const token = craftToken(without(goodPayload({ exp }), 'iat'));

      const manager = new AccessManager(token, { clock, aboutToExpireMs: 30 * DAY });
      const log = recordExpiryEvents(manager);

      expect(delays).toEqual([MAX_TIMER_DELAY_MS]);
      advanceTo(30 * DAY - 1);
      expect(log).toEqual([]);
      advanceTo(30 * DAY);
      expect(log).toEqual(['tokenAboutToExpire', 'tokenWillExpire']);
      expect(delays.length).toBeGreaterThan(1);
      for (const delayMs of delays) {
        expect(delayMs).toBeGreaterThanOrEqual(0);
        expect(delayMs).toBeLessThanOrEqual(MAX_TIMER_DELAY_MS);
      }
    });

    it('clamps the delays of the default clock too', () => {
      const exp = (T0 + 60 * DAY) / 1000;
      const manager = new AccessManager(craftToken(without(goodPayload({ exp }), 'iat')), {
        aboutToExpireMs: 30 * DAY,
      });
      const log = recordExpiryEvents(manager);

      // An unclamped step of 30 days less a minute would overflow and fire at once.
      vi.advanceTimersByTime(SECOND);
      expect(log).toEqual([]);
      advanceTo(30 * DAY);
      expect(log).toEqual(['tokenAboutToExpire', 'tokenWillExpire']);
    });

    it('keeps at most two timers pending and wakes once per alarm step while idle', () => {
      const { clock, delays } = fakeClock();
      const manager = new AccessManager(mintToken({ ttl: 3600 }), { clock });
      manager.register({ updateToken: () => {} });
      recordExpiryEvents(manager);
      expect(vi.getTimerCount()).toBeLessThanOrEqual(2);
      const armed = delays.length;

      advanceTo(50 * MINUTE);

      // No polling, and no timer longer than the step (aboutToExpireMs less a minute: 2 minutes),
      // so a timer paused by a suspended machine fires at most 2 minutes after it wakes (issue #14).
      expect(delays.length - armed).toBe(25);
      for (const delayMs of delays) expect(delayMs).toBeLessThanOrEqual(2 * MINUTE);
      expect(vi.getTimerCount()).toBeLessThanOrEqual(2);
    });

    it('leaves no timer (so no interval) behind once the token has expired', () => {
      const manager = new AccessManager(mintToken({ ttl: 3600 }));
      recordExpiryEvents(manager);

      advanceTo(HOUR);

      expect(manager.isExpired).toBe(true);
      expect(vi.getTimerCount()).toBe(0);
    });

    it('keeps at most two timers pending across many updates', async () => {
      const manager = new AccessManager(mintToken({ ttl: 3600 }));
      for (let minute = 1; minute <= 20; minute += 1) {
        advanceTo(minute * MINUTE);
        await manager.updateToken(mintToken({ ttl: 3600 }));
      }

      expect(vi.getTimerCount()).toBeLessThanOrEqual(2);
    });
  });

  describe('destroy', () => {
    it('clears its timers', () => {
      const manager = new AccessManager(mintToken({ ttl: 3600 }));
      expect(vi.getTimerCount()).toBeGreaterThan(0);

      manager.destroy();

      expect(vi.getTimerCount()).toBe(0);
    });

    it('clears the time limit of a client still taking a token', async () => {
      const manager = new AccessManager(mintToken({ ttl: 3600 }));
      manager.register({ updateToken: () => new Promise(() => {}) });
      advanceTo(MINUTE);
      void manager.updateToken(mintToken({ ttl: 3600 }));
      await Promise.resolve();

      manager.destroy();

      expect(vi.getTimerCount()).toBe(0);
    });

    it('stops listening for wake signals', () => {
      const { clock, wakeListeners } = fakeClock();
      const manager = new AccessManager(mintToken({ ttl: 3600 }), { clock });
      expect(wakeListeners.size).toBe(1);

      manager.destroy();

      expect(wakeListeners.size).toBe(0);
    });

    it('fires no event afterwards, whether by timer, check or wake', () => {
      const { clock, wake } = fakeClock();
      const manager = new AccessManager(mintToken({ ttl: 3600 }), { clock });
      const log = recordExpiryEvents(manager);

      manager.destroy();
      advanceTo(2 * HOUR);
      manager.check();
      wake();

      expect(log).toEqual([]);
    });

    it('fires no event afterwards even for a warning that was already due', () => {
      const manager = new AccessManager(mintToken({ ttl: 60 }));
      const log = recordExpiryEvents(manager);

      manager.destroy();
      vi.runAllTimers();

      expect(log).toEqual([]);
    });

    it("makes a later updateToken reject with reason 'destroyed'", async () => {
      const manager = new AccessManager(mintToken({ ttl: 3600 }));
      manager.destroy();
      advanceTo(MINUTE);

      const updating = manager.updateToken(mintToken({ ttl: 3600 }));

      await expect(updating).rejects.toBeInstanceOf(AccessTokenError);
      await expect(updating).rejects.toMatchObject({ reason: 'destroyed' });
      expect(vi.getTimerCount()).toBe(0);
    });

    it('can be called twice', () => {
      const manager = new AccessManager(mintToken({ ttl: 3600 }));
      manager.destroy();

      expect(() => manager.destroy()).not.toThrow();
    });
  });
});
