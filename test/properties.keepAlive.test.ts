// Properties of a manager kept alive by a tokenProvider, over simulated days on the fake clock.
// Each run draws a token lifetime, a provider script (failures of every kind: rejects, throws,
// hangs, garbage, expired or unchanged tokens, each after up to 20 s), the app's wakes, checks,
// refresh() calls and sleeps, and a seed for the backoff jitter; fast-check prints the seed and
// the shrunk run of any failure.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { AccessManager, type TokenProvider } from 'access-token-manager';
import { HOUR, MINUTE, SECOND, fakeClock, useFakeTime } from './support/time.js';
import {
  DAY,
  expectKnownCounterexample,
  failure,
  flakyScript,
  freshToken,
  happenings,
  runTimeline,
  scriptedProvider,
  seedRandom,
  startRun,
  success,
  type Happening,
} from './support/simulation.js';

useFakeTime();

/** Simulated days per run, and runs per property: 40 runs × 3 days = 120 days per property. */
const DAYS_PER_RUN = 3;
const RUNS = 40;
/** A generous limit: the 2 cores are shared, and a property runs a few seconds at most. */
const TIME_LIMIT_MS = 60_000;
/** A provider that always fails is called every 15-30 s: 6 simulated hours per run suffice. */
const FAILING_HOURS_PER_RUN = 6;

const ttlSeconds = fc.integer({ min: 10 * 60, max: 24 * 3600 });
const seed = fc.nat();

/** A manager whose provider follows `script`, with the logs the properties read. */
function keptAlive(script: Parameters<typeof scriptedProvider>[0], ttl: number) {
  const { clock, wake } = fakeClock();
  const holder: { manager?: AccessManager } = {};
  const provider = scriptedProvider(script, ttl, () => holder.manager?.token ?? null);
  const manager = new AccessManager(null, { clock, tokenProvider: provider.provider });
  holder.manager = manager;
  const expiredAtMs: number[] = [];
  const accepted: string[] = [];
  manager.on('tokenExpired', () => expiredAtMs.push(Date.now()));
  manager.on('tokenUpdated', ({ token }) => accepted.push(token!));
  manager.on('tokenError', () => {});
  manager.on('refreshFailed', () => {});
  return { manager, wake, expiredAtMs, accepted, ...provider };
}

describe(AccessManager, () => {
  describe('kept alive by a tokenProvider (properties over simulated days)', () => {
    it(
      'never lets the app see tokenExpired while the provider works eventually (at most 3 failures in a row)',
      async () => {
        await fc.assert(
          fc.asyncProperty(
            ttlSeconds,
            flakyScript(3),
            happenings({ maxGapMs: 8 * HOUR, maxSleepMs: 4 * HOUR }),
            seed,
            async (ttl, script, timeline, jitterSeed) => {
              startRun();
              seedRandom(jitterSeed);
              const run = keptAlive(script, ttl);
              // A sleep that ends past the moment the refresh is due leaves the provider no time to
              // work before exp: the app slept through it, and tokenExpired is then right.
              const sleepsBeforeRefresh = (happening: Happening): boolean =>
                happening.kind !== 'sleep' ||
                run.manager.expires === null ||
                Date.now() + happening.sleepMs <= run.manager.expires.getTime() - 5 * MINUTE;

              await runTimeline(run.manager, timeline, DAYS_PER_RUN * DAY, {
                wake: run.wake,
                before: sleepsBeforeRefresh,
              });
              const { isExpired, token } = run.manager;
              run.manager.destroy();

              expect(run.expiredAtMs).toEqual([]);
              expect(token).not.toBeNull();
              expect(isExpired).toBe(false);
              expect(run.stats.maxInFlight).toBeLessThanOrEqual(1); // single flight
            },
          ),
          { numRuns: RUNS, endOnFailure: true },
        );
      },
      TIME_LIMIT_MS,
    );

    // The limit of a timer-only design, kept as a tripwire. Browsers pause timers while the machine
    // sleeps; with no wake signal after it (no focus, visibilitychange, pageshow, online, resume),
    // only the alarm's next step notices. The alarm steps by half of what is left (at most about 12
    // wake-ups a day), so a sleep longer than the current step that ends shortly before the refresh
    // is due can still carry the refresh past exp; only steps no longer than the three-minute lead
    // (about 480 wake-ups a day) would rule that out. What the core does keep is pinned in
    // reliability.property.test.ts; README "Timing" states both. If this ever holds, make it an
    // fc.assert.
    it('can still show tokenExpired after a sleep with no wake signal longer than the alarm step (a documented limit)', async () => {
      const result = await fc.check(
        fc.asyncProperty(
          ttlSeconds,
          flakyScript(0),
          happenings({
            maxGapMs: 8 * HOUR,
            maxSleepMs: 4 * HOUR,
            kinds: ['sleep'],
            sleepsWake: 'never',
          }),
          seed,
          async (ttl, script, timeline, jitterSeed) => {
            startRun();
            seedRandom(jitterSeed);
            const run = keptAlive(script, ttl);
            const sleepsBeforeRefresh = (happening: Happening): boolean =>
              happening.kind !== 'sleep' ||
              run.manager.expires === null ||
              Date.now() + happening.sleepMs <= run.manager.expires.getTime() - 5 * MINUTE;

            await runTimeline(run.manager, timeline, DAY, { wake: run.wake, before: sleepsBeforeRefresh });
            run.manager.destroy();

            expect(run.expiredAtMs).toEqual([]);
          },
        ),
        { numRuns: RUNS, endOnFailure: true },
      );
      expectKnownCounterexample(result, /expected \[ \d+.* to deeply equal \[\]/);
    }, 60_000);

    // Issue 10 item 6: one token from a server whose clock ran fast used to make every later token
    // 'stale' until that iat had passed, and the app saw tokenExpired.
    it('never lets one token from a fast server clock make the later ones stale', async () => {
      await fc.assert(
        fc.asyncProperty(
          fc.integer({ min: 10 * 60, max: 2 * 3600 }),
          fc.integer({ min: 10 * MINUTE, max: 2 * HOUR }),
          seed,
          async (ttl, aheadMs, jitterSeed) => {
            startRun();
            seedRandom(jitterSeed);
            const { clock, wake } = fakeClock();
            let calls = 0;
            const tokenProvider: TokenProvider = () => freshToken(ttl, calls++ === 0 ? aheadMs : 0);
            const manager = new AccessManager(null, { clock, tokenProvider });
            const expired: number[] = [];
            manager.on('tokenExpired', () => expired.push(Date.now()));
            manager.on('tokenError', () => {});
            manager.on('refreshFailed', () => {});

            await runTimeline(manager, [], DAY, { wake });
            manager.destroy();

            expect(expired).toEqual([]);
          },
        ),
        { numRuns: 20, endOnFailure: true },
      );
    }, 60_000);

    it(
      'calls a provider that always fails at most once per backoff step, plus once per wake or call',
      async () => {
        await fc.assert(
          fc.asyncProperty(
            fc.array(failure(), { minLength: 1, maxLength: 8 }),
            happenings({ maxGapMs: HOUR, maxSleepMs: HOUR }),
            seed,
            async (script, timeline, jitterSeed) => {
              startRun();
              seedRandom(jitterSeed);
              const run = keptAlive(script, 3600);
              const startMs = Date.now();

              await runTimeline(run.manager, timeline, FAILING_HOURS_PER_RUN * HOUR, { wake: run.wake });
              const elapsedMs = Date.now() - startMs;
              run.manager.destroy();

              // Backoff: the first five delays are at least 0.5, 1, 2, 4 and 8 s, every later one at
              // least 15 s (half of maxDelayMs). A wake, check() or refresh() may retry at once.
              const bound = 6 + elapsedMs / (15 * SECOND) + timeline.length;
              expect(run.calls.length).toBeLessThanOrEqual(bound);
              expect(run.stats.maxInFlight).toBeLessThanOrEqual(1);
            },
          ),
          { numRuns: RUNS, endOnFailure: true },
        );
      },
      TIME_LIMIT_MS,
    );

    it(
      'calls a provider that always works once per token lifetime, unless the app asks',
      async () => {
        await fc.assert(
          fc.asyncProperty(
            ttlSeconds,
            fc.array(success, { minLength: 1, maxLength: 5 }),
            happenings({ maxGapMs: 8 * HOUR, maxSleepMs: 4 * HOUR }),
            seed,
            async (ttl, script, timeline, jitterSeed) => {
              startRun();
              seedRandom(jitterSeed);
              const run = keptAlive(script, ttl);
              const startMs = Date.now();

              await runTimeline(run.manager, timeline, DAYS_PER_RUN * DAY, { wake: run.wake });
              const elapsedMs = Date.now() - startMs;
              run.manager.destroy();

              // A token is refreshed 3 min before exp, or half-way through a shorter life; a sleep
              // makes one refresh late, never two early. Only refresh() asks more often.
              const lifetimeMs = Math.max(ttl * 1000 - 3 * MINUTE, (ttl * 1000) / 2) - 20 * SECOND;
              const asked = timeline.filter(({ kind }) => kind === 'refresh').length;
              expect(run.calls.length).toBeLessThanOrEqual(1 + Math.ceil(elapsedMs / lifetimeMs) + asked);
              expect(run.accepted.length).toBe(new Set(run.accepted).size); // each token once
            },
          ),
          { numRuns: RUNS, endOnFailure: true },
        );
      },
      TIME_LIMIT_MS,
    );
  });
});
