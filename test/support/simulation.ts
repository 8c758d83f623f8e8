/**
 * Simulated days for the property suites: token providers that fail, hang or return garbage on a
 * script fast-check writes, a seeded `Math.random` (backoff jitter) so a failing run replays from
 * its seed, and a timeline of wakes, sleeps and calls run on the fake clock.
 */
import fc from 'fast-check';
import { vi } from 'vitest';
import type { AccessManager, TokenProvider } from 'access-token-manager';
import { craftToken, goodPayload } from './tokens.js';
import { MINUTE, SECOND, T0 } from './time.js';

export const DAY = 24 * 60 * MINUTE;

/**
 * A real-shaped token, valid from the fake wall clock's now for `ttlSeconds` (HMAC-signed, fast),
 * or from a token server whose clock runs `aheadMs` fast.
 */
export function freshToken(ttlSeconds: number, aheadMs = 0): string {
  const nowSeconds = Math.floor((Date.now() + aheadMs) / 1000);
  return craftToken(goodPayload({ iat: nowSeconds, exp: nowSeconds + ttlSeconds }));
}

/** A token that expired an hour ago by the fake wall clock. */
export function expiredToken(): string {
  const nowSeconds = Math.floor(Date.now() / 1000);
  return craftToken(goodPayload({ iat: nowSeconds - 7200, exp: nowSeconds - 3600 }));
}

/**
 * What the provider does on one call. Failures: reject or throw, hang for ever (ignoring its
 * signal), return garbage or an expired token, or return the token already held. Each may come
 * after `delayMs`.
 */
export type ProviderOutcome =
  | { kind: 'ok'; delayMs: number }
  | { kind: 'reject' | 'throw' | 'hang' | 'garbage' | 'expired' | 'held'; delayMs: number };

export type FailureKind = Exclude<ProviderOutcome['kind'], 'ok'>;
export const FAILURE_KINDS: readonly FailureKind[] = [
  'reject',
  'throw',
  'hang',
  'garbage',
  'expired',
  'held',
];

/** One provider outcome that fails, in any of the ways above, after up to 20 s. */
export const failure = (kinds: readonly FailureKind[] = FAILURE_KINDS): fc.Arbitrary<ProviderOutcome> =>
  fc.record({ kind: fc.constantFrom(...kinds), delayMs: fc.integer({ min: 0, max: 20 * SECOND }) });

/** One provider outcome that succeeds, after up to 20 s (inside the 30 s attempt limit). */
export const success: fc.Arbitrary<ProviderOutcome> = fc.record({
  kind: fc.constant('ok' as const),
  delayMs: fc.integer({ min: 0, max: 20 * SECOND }),
});

/**
 * A provider script in which the provider works eventually, every time: episodes of at most
 * `maxStreak` failures in a row, each ended by a success. The script repeats for ever.
 */
export const flakyScript = (maxStreak: number, kinds?: readonly FailureKind[]) =>
  fc
    .array(fc.tuple(fc.array(failure(kinds), { maxLength: maxStreak }), success), {
      minLength: 1,
      maxLength: 12,
    })
    .map((episodes) => episodes.flatMap(([failures, ok]) => [...failures, ok]));

/** A record of one provider call. */
export interface ProviderCall {
  atMs: number;
  reason: string;
  outcome: ProviderOutcome;
}

/**
 * A token provider that follows `script` (repeated), records each call, and tracks how many calls
 * are in flight at once (settled or aborted ends one).
 *
 * @param script - what each call does, in order.
 * @param ttlSeconds - the lifetime of the tokens it mints.
 * @param held - the token the manager holds now, for the `held` outcome.
 */
export function scriptedProvider(script: ProviderOutcome[], ttlSeconds: number, held: () => string | null) {
  const calls: ProviderCall[] = [];
  const stats = { inFlight: 0, maxInFlight: 0 };
  const provider: TokenProvider = ({ reason, signal }) => {
    const outcome = script[calls.length % script.length]!;
    calls.push({ atMs: Date.now(), reason, outcome });
    if (outcome.kind === 'throw') throw new Error('token server bug');
    stats.inFlight += 1;
    stats.maxInFlight = Math.max(stats.maxInFlight, stats.inFlight);
    let ended = false;
    const end = () => {
      if (!ended) stats.inFlight -= 1;
      ended = true;
    };
    signal.addEventListener('abort', end, { once: true });
    if (outcome.kind === 'hang') return new Promise<string>(() => {});
    const answer = (): string => {
      switch (outcome.kind) {
        case 'ok':
          return freshToken(ttlSeconds);
        case 'garbage':
          return outcome.delayMs % 2 === 0 ? 'not a token' : ({ token: freshToken(ttlSeconds) } as never);
        case 'expired':
          return expiredToken();
        case 'held':
          return held() ?? freshToken(ttlSeconds);
        default:
          throw new Error('503 from the token server');
      }
    };
    return new Promise<string>((resolve, reject) => {
      setTimeout(() => {
        end();
        try {
          resolve(answer());
        } catch (error) {
          reject(error);
        }
      }, outcome.delayMs);
    });
  };
  return { provider, calls, stats };
}

/** Replaces `Math.random` (backoff jitter) with a generator seeded by fast-check, for replay. */
export function seedRandom(seed: number): void {
  let state = seed >>> 0 || 1;
  vi.spyOn(Math, 'random').mockImplementation(() => {
    // xorshift32: enough for jitter, and the same sequence for the same seed.
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    return (state >>> 0) / 2 ** 32;
  });
}

/** Starts a simulated run: no timer left from the previous one, and the wall clock at T0. */
export function startRun(): void {
  vi.clearAllTimers();
  vi.setSystemTime(T0);
}

/**
 * Something that happens to the app at a moment of the run: the page wakes (focus, visibility),
 * the app calls `check()` or `refresh()`, or the machine sleeps for `sleepMs`. Browsers pause timers
 * during a sleep: the wall clock jumps and no timer runs. `wakes` says whether a wake signal
 * follows the sleep (the window was hidden, or had focus, before it).
 */
export type Happening =
  | { afterMs: number; kind: 'wake' | 'check' | 'refresh' }
  | { afterMs: number; kind: 'sleep'; sleepMs: number; wakes: boolean };

/**
 * Happenings spaced up to `maxGapMs` apart, of the given kinds; sleeps last up to `maxSleepMs` and
 * are followed by a wake signal always (the default), sometimes or never.
 */
export const happenings = ({
  maxGapMs,
  maxSleepMs,
  kinds = ['wake', 'check', 'refresh', 'sleep'],
  sleepsWake = 'always',
}: {
  maxGapMs: number;
  maxSleepMs: number;
  kinds?: Happening['kind'][];
  sleepsWake?: 'always' | 'sometimes' | 'never';
}): fc.Arbitrary<Happening[]> =>
  fc.array(
    fc.oneof(
      ...(kinds.some((kind) => kind !== 'sleep')
        ? [
            fc.record({
              afterMs: fc.integer({ min: 0, max: maxGapMs }),
              kind: fc.constantFrom(...kinds.filter((kind) => kind !== 'sleep')),
            }) as fc.Arbitrary<Happening>,
          ]
        : []),
      ...(kinds.includes('sleep')
        ? [
            fc.record({
              afterMs: fc.integer({ min: 0, max: maxGapMs }),
              kind: fc.constant('sleep' as const),
              sleepMs: fc.integer({ min: SECOND, max: maxSleepMs }),
              wakes: sleepsWake === 'sometimes' ? fc.boolean() : fc.constant(sleepsWake === 'always'),
            }),
          ]
        : []),
    ),
    { maxLength: 30 },
  );

/**
 * Runs `timeline` on the fake clock against `manager`, then lets time run to `totalMs` after the
 * start: timers and promises settle between happenings.
 *
 * @param before - called before each happening; may veto it (return `false`), for instance a sleep
 *   that would end too close to the token's expiry for the property at hand.
 */
export async function runTimeline(
  manager: AccessManager,
  timeline: Happening[],
  totalMs: number,
  { wake, before = () => true }: { wake: () => void; before?: (happening: Happening) => boolean },
): Promise<void> {
  const endMs = Date.now() + totalMs;
  for (const happening of timeline) {
    const waitMs = Math.min(happening.afterMs, endMs - Date.now());
    if (waitMs <= 0) break;
    await vi.advanceTimersByTimeAsync(waitMs);
    if (!before(happening)) continue;
    if (happening.kind === 'sleep') {
      vi.setSystemTime(Date.now() + happening.sleepMs); // the wall clock jumps; no timer runs
      if (happening.wakes) wake();
    } else if (happening.kind === 'wake') wake();
    else if (happening.kind === 'check') manager.check();
    else manager.refresh().catch(() => {});
  }
  const leftMs = endMs - Date.now();
  if (leftMs > 0) await vi.advanceTimersByTimeAsync(leftMs);
}
