// The promises of issue #10 (items 1, 2, 3, 6) and the ones that held before it (liveness under a
// flaky provider, bounded provider calls), over random simulated days on the fake clock: sleeps
// with frozen timers, providers that fail, hang or return garbage, re-entrant listeners, and
// destroy() at random moments from random places. Each property names what it pins.
import fc from 'fast-check';
import { describe, expect, it, vi } from 'vitest';
import { AccessManager, type AccessManagerEventName } from 'access-token-manager';
import { tabSharing } from 'access-token-manager/tabs';
import { fakeTabs } from './support/tabs.js';
import {
  HOUR,
  MINUTE,
  SECOND,
  T0,
  deferred,
  fakeClock,
  settle,
  suspend,
  useFakeTime,
} from './support/time.js';
import { mintToken } from './support/tokens.js';
import { runs, timeLimitMs } from './support/runs.js';

useFakeTime();
// Simulated days take a few seconds on a shared machine; PROPERTY_RUNS_FACTOR scales both.
vi.setConfig({ testTimeout: timeLimitMs(30_000) });

const DAY = 24 * HOUR;
/** The default warning, and so the refresh moment: three minutes before exp. */
const WARNING_MS = 3 * MINUTE;
/** The alarm's step with the default warning: three minutes less one (alarmStepMs in src/schedule.ts). */
const STEP_MS = 2 * MINUTE;

/** Starts a run of a property from a clean slate: no timer left, the clock back at T0. */
function freshRun(): void {
  vi.clearAllTimers();
  vi.setSystemTime(T0);
}

/** Runs the fake timers (and the promises between them) for `ms`. */
const run = (ms: number) => vi.advanceTimersByTimeAsync(ms);

/** Mints a token as a server whose clock is `offsetMs` ahead of ours would, now. */
function mintFromServer(offsetMs: number, ttlSeconds: number): string {
  const nowMs = Date.now();
  vi.setSystemTime(nowMs + offsetMs);
  try {
    return mintToken({ ttl: ttlSeconds });
  } finally {
    vi.setSystemTime(nowMs);
  }
}

const EXPIRY_EVENTS = ['tokenAboutToExpire', 'tokenWillExpire', 'tokenExpired'] as const;

/** Each event of `manager` with the token current when it fired and the wall-clock time. */
function recordMoments(manager: AccessManager) {
  const log: { event: AccessManagerEventName; token: string | null; atMs: number; expiresAtMs: number }[] =
    [];
  for (const event of [...EXPIRY_EVENTS, 'tokenUpdated', 'tokenError'] as const) {
    manager.on(event, () =>
      log.push({
        event,
        token: manager.token,
        atMs: Date.now(),
        expiresAtMs: manager.expires?.getTime() ?? NaN,
      }),
    );
  }
  return log;
}

describe(AccessManager, () => {
  describe('timing across a suspend with no wake signal (issues #10 and #14, item 1)', () => {
    it('refreshes at most one alarm step after the wake, so at least a minute before exp after any sleep that ends before the warning', async () => {
      await fc.assert(
        fc.asyncProperty(
          fc.integer({ min: 10 * 60, max: 24 * 3600 }),
          fc.double({ min: 0, max: 1, noNaN: true }),
          fc.double({ min: 0, max: 1, noNaN: true }),
          async (ttlSeconds, startFraction, lengthFraction) => {
            freshRun();
            const { clock } = fakeClock(); // never wakes
            const calls: number[] = [];
            const manager = new AccessManager(mintToken({ ttl: ttlSeconds }), {
              clock,
              tokenProvider: () => {
                calls.push(Date.now());
                return mintToken({ ttl: ttlSeconds });
              },
            });
            let expired = 0;
            manager.on('tokenExpired', () => (expired += 1));
            const expMs = T0 + ttlSeconds * SECOND;
            const dueAtMs = expMs - WARNING_MS;
            const sleepsAtMs = T0 + Math.floor(startFraction * (dueAtMs - T0 - 1));
            await run(sleepsAtMs - Date.now());
            const leftMs = dueAtMs - sleepsAtMs;
            const sleepMs = Math.floor(lengthFraction * leftMs); // it ends before the refresh moment
            suspend(sleepMs);
            const wokeAtMs = sleepsAtMs + sleepMs;
            const latestMs = Math.max(dueAtMs, wokeAtMs + STEP_MS);
            await run(expMs + MINUTE - Date.now());

            expect(calls.length).toBeGreaterThanOrEqual(1);
            expect(calls[0]).toBeGreaterThanOrEqual(dueAtMs);
            expect(calls[0]).toBeLessThanOrEqual(latestMs);
            expect(calls[0]).toBeLessThanOrEqual(expMs - MINUTE);
            expect(expired).toBe(0);
            manager.destroy();
          },
        ),
        { numRuns: runs(60) },
      );
    });
  });

  describe('tokenAboutToExpire and tokenWillExpire (issue #10, item 2)', () => {
    it('fire both, in that order, back to back, for the current token at its moment; tokenExpired only at exp', async () => {
      const action = fc.constantFrom('update', 'update-refused', 'check', 'refresh', 'destroy', 'nothing');
      await fc.assert(
        fc.asyncProperty(
          action,
          fc.constantFrom('tokenAboutToExpire', 'tokenWillExpire', 'tokenExpired') as fc.Arbitrary<
            (typeof EXPIRY_EVENTS)[number]
          >,
          fc.integer({ min: 0, max: 2 * HOUR }),
          fc.boolean(),
          async (act, inListenerOf, sleepMs, withProvider) => {
            freshRun();
            const { clock } = fakeClock();
            const manager = new AccessManager(mintToken({ ttl: 3600 }), {
              clock,
              ...(withProvider ? { tokenProvider: () => mintToken({ ttl: 3600 }) } : {}),
            });
            const log = recordMoments(manager);
            let acted = false;
            manager.on(inListenerOf, (m) => {
              if (acted) return;
              acted = true;
              if (act === 'update') m.updateToken(mintToken({ ttl: 3600 })).catch(() => {});
              if (act === 'update-refused') m.updateToken('garbage').catch(() => {});
              if (act === 'check') m.check();
              if (act === 'refresh') m.refresh().catch(() => {});
              if (act === 'destroy') m.destroy();
            });
            await run(30 * MINUTE);
            suspend(sleepMs);
            await run(3 * HOUR);

            const warned = new Set<string | null>();
            log.forEach((entry, i) => {
              if (entry.event === 'tokenAboutToExpire') {
                expect(warned.has(entry.token)).toBe(false); // once per token
                warned.add(entry.token);
                const destroyedInListener = act === 'destroy' && inListenerOf === 'tokenAboutToExpire';
                if (!destroyedInListener)
                  expect(log[i + 1]).toMatchObject({ event: 'tokenWillExpire', token: entry.token });
              }
              if (entry.event === 'tokenWillExpire') {
                expect(log[i - 1]).toMatchObject({ event: 'tokenAboutToExpire', token: entry.token });
              }
              if (entry.event === 'tokenAboutToExpire' || entry.event === 'tokenWillExpire') {
                expect(entry.atMs).toBeGreaterThanOrEqual(entry.expiresAtMs - WARNING_MS);
              }
              if (entry.event === 'tokenExpired')
                expect(entry.atMs).toBeGreaterThanOrEqual(entry.expiresAtMs);
            });
            manager.destroy();
          },
        ),
        { numRuns: runs(80) },
      );
    });
  });

  describe('destroy() (issue #10, item 3)', () => {
    const places = [
      'provider',
      'provider-later',
      'tokenAboutToExpire',
      'tokenWillExpire',
      'tokenExpired',
      'tokenUpdated',
      'refreshFailed',
      'clientError',
      'client',
      'timer',
    ] as const;
    const outcomes = fc.array(fc.constantFrom('ok', 'fail', 'hang', 'garbage'), {
      minLength: 1,
      maxLength: 6,
    });

    it('leaves no timer, listener or provider call behind, from wherever it is called', async () => {
      await fc.assert(
        fc.asyncProperty(
          fc.constantFrom(...places),
          outcomes,
          fc.integer({ min: 0, max: 3 * HOUR }),
          fc.integer({ min: 0, max: 2 * HOUR }),
          fc.boolean(),
          async (place, answers, atMs, sleepMs, startsEmpty) => {
            freshRun();
            const { clock, wake } = fakeClock();
            let calls = 0;
            let destroyedAtCall = -1;
            /** The timers pending once the code that called destroy() has run to its end. */
            const timersAfterDestroy: number[] = [];
            const destroy = () => {
              if (destroyedAtCall < 0) destroyedAtCall = calls;
              manager.destroy();
              void Promise.resolve().then(() => timersAfterDestroy.push(vi.getTimerCount()));
            };
            const manager: AccessManager = new AccessManager(startsEmpty ? null : mintToken({ ttl: 3600 }), {
              clock,
              tokenProvider: () => {
                calls += 1;
                if (place === 'provider' && calls === answers.length) destroy();
                if (place === 'provider-later' && calls === answers.length) setTimeout(destroy, SECOND);
                const answer = answers[(calls - 1) % answers.length];
                if (answer === 'fail') return Promise.reject(new Error('500'));
                if (answer === 'hang') return new Promise<string>(() => {});
                if (answer === 'garbage') return 'garbage';
                return mintToken({ ttl: 3600 });
              },
            });
            let tokensAfterDestroy = 0;
            manager.register({
              updateToken: () => {
                if (destroyedAtCall >= 0) tokensAfterDestroy += 1;
                if (place === 'client') destroy();
              },
            });
            manager.register({ updateToken: () => Promise.reject(new Error('client down')) });
            if (
              place !== 'provider' &&
              place !== 'provider-later' &&
              place !== 'client' &&
              place !== 'timer'
            ) {
              manager.on(place, destroy);
            }
            if (place === 'timer') setTimeout(destroy, atMs);

            await run(Math.min(atMs, HOUR));
            suspend(sleepMs);
            wake();
            await run(3 * HOUR);
            if (destroyedAtCall < 0) destroy(); // the place was never reached: destroy from outside
            await settle();

            expect(timersAfterDestroy[0]).toBe(0);
            expect(vi.getTimerCount()).toBe(0);
            const callsAtEnd = calls;
            await run(DAY);
            wake();
            await settle();
            expect(calls).toBe(callsAtEnd);
            expect(calls - destroyedAtCall).toBeLessThanOrEqual(0);
            expect(tokensAfterDestroy).toBe(0);
            expect(manager.listenerCount('tokenUpdated')).toBe(0);
          },
        ),
        { numRuns: runs(120) },
      );
    });

    it('leaves no timer and no provider call when a tab is destroyed at a random moment of a shared refresh', async () => {
      await fc.assert(
        fc.asyncProperty(fc.integer({ min: 0, max: 2 * SECOND }), fc.boolean(), async (atMs, holderFirst) => {
          freshRun();
          fakeTabs();
          const answer = deferred<string>();
          let calls = 0;
          const provider = () => {
            calls += 1;
            return answer.promise;
          };
          const holder = new AccessManager(null, {
            tokenProvider: provider,
            shareAcrossTabs: tabSharing('k'),
          });
          await run(SECOND);
          const waiting = new AccessManager(null, {
            tokenProvider: provider,
            shareAcrossTabs: tabSharing('k'),
          });
          await run(atMs);
          for (const tab of holderFirst ? [holder, waiting] : [waiting, holder]) tab.destroy();
          await settle();

          expect(vi.getTimerCount()).toBe(0);
          answer.resolve(mintToken());
          await run(HOUR);
          expect(calls).toBe(1);
          expect(vi.getTimerCount()).toBe(0);
        }),
        { numRuns: runs(30) },
      );
    });
  });

  describe('stale (issue #10, item 6)', () => {
    it('never refuses the tokens of a working provider whose servers disagree by up to an hour', async () => {
      await fc.assert(
        fc.asyncProperty(
          fc.array(fc.integer({ min: -5 * MINUTE, max: HOUR }), { minLength: 1, maxLength: 30 }),
          fc.integer({ min: 20 * 60, max: 2 * 3600 }),
          async (offsets, ttlSeconds) => {
            freshRun();
            const { clock } = fakeClock();
            let calls = 0;
            const manager = new AccessManager(null, {
              clock,
              tokenProvider: () => mintFromServer(offsets[calls++ % offsets.length]!, ttlSeconds),
            });
            const log = recordMoments(manager);
            await run(DAY);

            expect(log.filter((entry) => entry.event === 'tokenError')).toEqual([]);
            expect(log.filter((entry) => entry.event === 'tokenExpired')).toEqual([]);
            manager.destroy();
          },
        ),
        { numRuns: runs(25) },
      );
    });

    it('refuses a token issued before the one held that expires no later, and takes one that expires later', async () => {
      await fc.assert(
        fc.asyncProperty(
          fc.integer({ min: 1, max: 50 * 60 }),
          fc.integer({ min: 20 * 60, max: 2 * 3600 }),
          fc.integer({ min: -3600, max: 3600 }),
          async (olderBySeconds, ttlSeconds, longerBySeconds) => {
            freshRun();
            const cachedTtl = Math.max(olderBySeconds + 60, ttlSeconds + longerBySeconds);
            const cached = mintToken({ ttl: cachedTtl });
            await run(olderBySeconds * SECOND);
            const manager = new AccessManager(mintToken({ ttl: ttlSeconds }));
            const cachedExpiresLater = T0 + cachedTtl * SECOND > Date.now() + ttlSeconds * SECOND;

            const outcome = await manager.updateToken(cached).then(
              () => 'taken',
              (error: { reason: string }) => error.reason,
            );

            expect(outcome).toBe(cachedExpiresLater ? 'taken' : 'stale');
            manager.destroy();
          },
        ),
        { numRuns: runs(60) },
      );
    });
  });

  describe('liveness and bounded calls under a flaky provider', () => {
    it('holds a valid token again soon after the provider recovers, without calling it more than the backoff allows', async () => {
      await fc.assert(
        fc.asyncProperty(
          fc.array(fc.constantFrom('fail', 'hang', 'garbage', 'ok'), { maxLength: 12 }),
          fc.integer({ min: 0, max: 90 * MINUTE }),
          async (flaky, sleepMs) => {
            freshRun();
            const { clock, wake } = fakeClock();
            let calls = 0;
            const manager = new AccessManager(null, {
              clock,
              tokenProvider: () => {
                const answer = flaky[calls++] ?? 'ok';
                if (answer === 'fail') return Promise.reject(new Error('503'));
                if (answer === 'hang') return new Promise<string>(() => {});
                if (answer === 'garbage') return 'garbage';
                return mintToken({ ttl: 3600 });
              },
            });
            // At most 30 s (maxDelayMs) between attempts, each at most 30 s (refreshTimeoutMs).
            await run(flaky.length * MINUTE + SECOND);
            expect(manager.token).not.toBeNull();
            expect(manager.isExpired).toBe(false);
            suspend(sleepMs);
            wake();
            await run(DAY);
            expect(manager.isExpired).toBe(false);
            // One call per refresh (every 57 min for 1-hour tokens), after the flaky ones.
            expect(calls).toBeLessThanOrEqual(
              flaky.length + 1 + Math.ceil((DAY + sleepMs) / (57 * MINUTE)) + 1,
            );
            manager.destroy();
          },
        ),
        { numRuns: runs(40) },
      );
    });
  });
});
