// Properties of a manager whose registered SDKs' servers refuse some or all tokens, or speak late
// about tokens already replaced, over simulated hours on the fake clock. Each run draws the token
// lifetime, which tokens are refused and how long after their push, the provider's delays, the
// SDKs' lateness, and a seed for the backoff jitter; fast-check prints the seed and the shrunk run
// of any failure.
import fc from 'fast-check';
import { describe, expect, it, vi } from 'vitest';
import { AccessManager, type TokenClientHost } from 'access-token-manager';
import { HOUR, MINUTE, SECOND, fakeClock, useFakeTime } from './support/time.js';
import { seedRandom, startRun } from './support/simulation.js';
import { runs, timeLimitMs } from './support/runs.js';
import { craftToken, goodPayload } from './support/tokens.js';

useFakeTime();

const RUNS = runs(25);
const TIME_LIMIT_MS = timeLimitMs(60_000);
/** The manager's defaults: a warning lead of 3 minutes, retries up to 30 s apart. */
const LEAD_MS = 3 * MINUTE;
const MARGIN_MS = MINUTE;
/** A refusal's backoff tops out at 8 × retry.maxDelayMs, drawn from its upper half: 120 s at least. */
const RAMPED_GAP_MS = 120 * SECOND;

let minted = 0;
/** A token valid from now for `ttlSeconds`, unique (its jti), as a token server mints them. */
function freshToken(ttlSeconds: number): string {
  const nowSeconds = Math.floor(Date.now() / 1000);
  return craftToken(goodPayload({ jti: `SK-${++minted}`, iat: nowSeconds, exp: nowSeconds + ttlSeconds }));
}

/** A registered SDK client whose server answers each token it is handed as `refuses` says. */
function refusingSdk(refuses: (index: number) => number | null) {
  const state: { host: TokenClientHost | null; handed: number } = { host: null, handed: 0 };
  const client = {
    updateToken() {
      const afterMs = refuses(state.handed++);
      if (afterMs !== null) setTimeout(() => state.host?.rejected(new Error('denied')), afterMs);
    },
    attach(host: TokenClientHost) {
      state.host = host;
      return () => {};
    },
  };
  return { client, state };
}

/** A manager kept alive by a provider that answers after `delayMs`, with its logs. */
function kept(ttlSeconds: number, delayMs: (call: number) => number) {
  const { clock } = fakeClock();
  const calls: { atMs: number; reason: string; leftMs: number }[] = [];
  let inFlight = 0;
  let maxInFlight = 0;
  const holder: { manager?: AccessManager } = {};
  const manager = new AccessManager(freshToken(ttlSeconds), {
    clock,
    tokenProvider: ({ reason }) => {
      const expires = holder.manager?.expires?.getTime() ?? Date.now();
      calls.push({ atMs: Date.now(), reason, leftMs: expires - Date.now() });
      maxInFlight = Math.max(maxInFlight, ++inFlight);
      return new Promise((resolve) =>
        setTimeout(() => {
          inFlight -= 1;
          resolve(freshToken(ttlSeconds));
        }, delayMs(calls.length)),
      );
    },
  });
  holder.manager = manager;
  const expiredAtMs: number[] = [];
  manager.on('tokenExpired', () => void expiredAtMs.push(Date.now()));
  manager.on('tokenError', () => {});
  manager.on('refreshFailed', () => {});
  return { manager, calls, expiredAtMs, maxInFlight: () => maxInFlight };
}

/** The most calls in any half-open window of `windowMs` starting at or after `fromMs`. */
function mostInWindow(atMs: number[], windowMs: number, fromMs = -Infinity): number {
  let most = 0;
  for (const [i, startMs] of atMs.entries()) {
    if (startMs < fromMs) continue;
    most = Math.max(most, atMs.slice(i).filter((t) => t < startMs + windowMs).length);
  }
  return most;
}

describe(AccessManager, () => {
  describe('SDK servers refusing tokens (properties over simulated hours)', () => {
    it(
      'a server refusing every token: one call in flight, ≤ 10 calls in the first 5 minutes, ≤ 30 in any hour once ramped',
      async () => {
        await fc.assert(
          fc.asyncProperty(
            fc.integer({ min: 10 * 60, max: 24 * 3600 }),
            fc.array(fc.integer({ min: 0, max: 10 * SECOND }), { minLength: 1, maxLength: 20 }),
            fc.integer({ min: 0, max: 5 * SECOND }),
            fc.nat(),
            async (ttl, refusalDelays, providerDelayMs, seed) => {
              startRun();
              seedRandom(seed);
              const run = kept(ttl, () => providerDelayMs);
              const sdk = refusingSdk((i) => refusalDelays[i % refusalDelays.length]!);
              run.manager.register(sdk.client);
              const startMs = Date.now();
              sdk.state.host!.rejected(new Error('denied')); // the first token too

              await vi.advanceTimersByTimeAsync(6 * HOUR);

              const atMs = run.calls.map((call) => call.atMs);
              expect(run.maxInFlight()).toBe(1);
              expect(atMs.filter((t) => t < startMs + 5 * MINUTE).length).toBeLessThanOrEqual(10);
              // Ramped: the ninth refusal in a row waits at least RAMPED_GAP_MS.
              expect(mostInWindow(atMs, HOUR, atMs[8] ?? Infinity)).toBeLessThanOrEqual(30);
              expect(mostInWindow(atMs, HOUR)).toBeLessThanOrEqual(38);
              for (const [i, t] of atMs.entries()) {
                if (i >= 9) expect(t - atMs[i - 1]!).toBeGreaterThanOrEqual(RAMPED_GAP_MS);
              }
              run.manager.destroy();
            },
          ),
          { numRuns: RUNS, interruptAfterTimeLimit: TIME_LIMIT_MS },
        );
      },
      TIME_LIMIT_MS + 10_000,
    );

    it(
      'a server refusing some tokens: each refused token is replaced within its backoff, by one call; no tokenExpired',
      async () => {
        await fc.assert(
          fc.asyncProperty(
            fc.integer({ min: 10 * 60, max: 4 * 3600 }),
            // For each token handed, in turn: refused after that many ms, or taken (null).
            fc.array(fc.option(fc.integer({ min: 0, max: 20 * SECOND }), { nil: null }), {
              minLength: 1,
              maxLength: 30,
            }),
            fc.integer({ min: 0, max: 5 * SECOND }),
            fc.nat(),
            async (ttl, answers, providerDelayMs, seed) => {
              startRun();
              seedRandom(seed);
              const run = kept(ttl, () => providerDelayMs);
              const refusedAtMs: number[] = [];
              const sdk = refusingSdk((i) => answers[i % answers.length]!);
              const rejected = (host: TokenClientHost): TokenClientHost => ({
                ...host,
                rejected: (cause) => {
                  refusedAtMs.push(Date.now());
                  host.rejected(cause);
                },
              });
              const attach = sdk.client.attach;
              sdk.client.attach = (host) => attach(rejected(host));
              run.manager.register(sdk.client);

              await vi.advanceTimersByTimeAsync(24 * HOUR);

              expect(run.maxInFlight()).toBe(1);
              expect(run.expiredAtMs).toEqual([]);
              const rejectedCalls = run.calls.filter((call) => call.reason === 'rejected');
              expect(rejectedCalls.length).toBeLessThanOrEqual(refusedAtMs.length);
              // Each call for a refusal follows one within the longest backoff (8 × 30 s).
              for (const call of rejectedCalls) {
                const refusal = refusedAtMs.filter((t) => t <= call.atMs).at(-1);
                expect(refusal).toBeDefined();
                expect(call.atMs - refusal!).toBeLessThanOrEqual(8 * 30 * SECOND);
              }
              run.manager.destroy();
            },
          ),
          { numRuns: RUNS, interruptAfterTimeLimit: TIME_LIMIT_MS },
        );
      },
      TIME_LIMIT_MS + 10_000,
    );
  });

  describe("SDKs' late words about tokens already replaced (properties over simulated hours)", () => {
    it(
      'start no refresh and no warning while the current token has more than the lead plus a minute left, whatever the delay',
      async () => {
        await fc.assert(
          fc.asyncProperty(
            fc.integer({ min: 10 * 60, max: 24 * 3600 }),
            // Each token's SDK warns this long before its exp (Voice: 10 s; Twilsock: about 3 min)…
            fc.integer({ min: 0, max: 5 * MINUTE }),
            // …and each word comes this much later than that, about the token it was armed for.
            fc.array(fc.integer({ min: 0, max: 24 * HOUR }), { minLength: 1, maxLength: 10 }),
            fc.boolean(),
            fc.nat(),
            async (ttl, sdkLeadMs, latenesses, expiredWords, seed) => {
              startRun();
              seedRandom(seed);
              const run = kept(ttl, () => SECOND);
              const warnedLeftMs: number[] = [];
              run.manager.on('tokenAboutToExpire', (manager) => {
                warnedLeftMs.push(manager.expires!.getTime() - Date.now());
              });
              const state: { host: TokenClientHost | null; handed: number } = { host: null, handed: 0 };
              // Like Voice's Device: a timer per token it is handed, never cleared.
              const arm = (token: string): void => {
                const expMs = JSON.parse(atob(token.split('.')[1]!)).exp * 1000;
                const lateMs = latenesses[state.handed++ % latenesses.length]!;
                setTimeout(
                  () => (expiredWords ? state.host?.expired() : state.host?.aboutToExpire()),
                  Math.max(0, expMs - sdkLeadMs - Date.now()) + lateMs,
                );
              };
              run.manager.register({
                updateToken: arm,
                attach(host) {
                  state.host = host;
                  return () => {};
                },
              });
              arm(run.manager.token!);

              await vi.advanceTimersByTimeAsync(24 * HOUR);

              // Every refresh and every warning came when the token held was near its end.
              for (const call of run.calls) expect(call.leftMs).toBeLessThanOrEqual(LEAD_MS + MARGIN_MS);
              for (const leftMs of warnedLeftMs) expect(leftMs).toBeLessThanOrEqual(LEAD_MS + MARGIN_MS);
              expect(run.expiredAtMs).toEqual([]);
              run.manager.destroy();
            },
          ),
          { numRuns: RUNS, interruptAfterTimeLimit: TIME_LIMIT_MS },
        );
      },
      TIME_LIMIT_MS + 10_000,
    );
  });
});
