// Properties of the manager's snapshot over simulated time: whatever happens (tokens accepted and
// refused, a flaky provider, warnings, expiries, sleeps, sign-outs, destroy), a subscriber hears
// each new snapshot exactly once, and the snapshot object changes exactly when one of its fields does.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { AccessManager, type AccessTokenSnapshot } from 'access-token-manager';
import { MINUTE, SECOND, advance, fakeClock, settle, useFakeTime } from './support/time.js';
import { flakyScript, freshToken, scriptedProvider } from './support/simulation.js';

useFakeTime();

type Step =
  | { kind: 'advance'; ms: number }
  | { kind: 'sleep'; ms: number }
  | { kind: 'updateToken'; ttlSeconds: number }
  | { kind: 'garbage' }
  | { kind: 'signOut' }
  | { kind: 'refresh' }
  | { kind: 'check' }
  | { kind: 'getToken'; minValidityMs: number };

const step: fc.Arbitrary<Step> = fc.oneof(
  fc.record({ kind: fc.constant('advance' as const), ms: fc.integer({ min: 0, max: 40 * MINUTE }) }),
  fc.record({ kind: fc.constant('sleep' as const), ms: fc.integer({ min: 0, max: 90 * MINUTE }) }),
  fc.record({ kind: fc.constant('updateToken' as const), ttlSeconds: fc.integer({ min: 120, max: 7200 }) }),
  fc.constant({ kind: 'garbage' as const }),
  fc.constant({ kind: 'signOut' as const }),
  fc.constant({ kind: 'refresh' as const }),
  fc.constant({ kind: 'check' as const }),
  fc.record({
    kind: fc.constant('getToken' as const),
    minValidityMs: fc.integer({ min: 0, max: 30 * MINUTE }),
  }),
);

/** The fields of a snapshot, to compare two by value. */
const fields = (s: AccessTokenSnapshot) => [s.token, s.identity, s.expires?.getTime(), s.status, s.error];

describe(AccessManager, () => {
  describe('getSnapshot and subscribe', () => {
    it('hand each change to every subscriber once, and keep the same object while nothing changes', async () => {
      await fc.assert(
        fc.asyncProperty(
          fc.boolean(),
          flakyScript(3),
          fc.array(step, { minLength: 1, maxLength: 25 }),
          async (withProvider, script, steps) => {
            const { clock, state, wake } = fakeClock();
            let manager: AccessManager | null = null;
            const provider = scriptedProvider(script, 3600, () => manager?.token ?? null);
            manager = new AccessManager(freshToken(3600), {
              clock,
              ...(withProvider ? { tokenProvider: provider.provider } : {}),
            });
            const heard: AccessTokenSnapshot[] = [];
            manager.subscribe((snapshot) => heard.push(snapshot));
            const late: AccessTokenSnapshot[] = [];
            for (const next of steps) {
              const before = manager.getSnapshot();
              const heardBefore = heard.length;
              if (next.kind === 'advance') await advance(next.ms);
              if (next.kind === 'sleep') {
                state.jumpMs += next.ms;
                wake();
              }
              if (next.kind === 'updateToken')
                await manager.updateToken(freshToken(next.ttlSeconds, state.jumpMs)).catch(() => {});
              if (next.kind === 'garbage') await manager.updateToken('garbage').catch(() => {});
              if (next.kind === 'signOut') manager.signOut();
              if (next.kind === 'refresh') manager.refresh().catch(() => {});
              if (next.kind === 'check') manager.check();
              if (next.kind === 'getToken') {
                manager.getToken({ minValidityMs: next.minValidityMs, timeoutMs: SECOND }).catch(() => {});
              }
              await settle();
              const after = manager.getSnapshot();
              expect(Object.isFrozen(after)).toBe(true);
              // The subscriber holds the newest snapshot, and heard something exactly when it changed.
              expect(heard[heard.length - 1]).toBe(after);
              expect(heard.length > heardBefore).toBe(after !== before);
              if (after === before) expect(manager.getSnapshot()).toBe(before);
              expect(after.token).toBe(manager.token);
              if (after.status === 'valid' || after.status === 'aboutToExpire')
                expect(after.token).not.toBeNull();
              if (next.kind === 'signOut')
                expect(after).toMatchObject({ status: 'sessionEnded', token: null });
            }
            // Never the same snapshot twice in a row, nor one whose every field is the one before's.
            for (let i = 1; i < heard.length; i++) {
              expect(heard[i]).not.toBe(heard[i - 1]);
              const [now, then] = [fields(heard[i]!), fields(heard[i - 1]!)];
              expect(now.some((value, at) => !Object.is(value, then[at]))).toBe(true);
            }
            manager.subscribe((snapshot) => late.push(snapshot));
            expect(late).toEqual([manager.getSnapshot()]);
            manager.destroy();
            expect(heard[heard.length - 1]).toMatchObject({
              status: 'error',
              error: { reason: 'destroyed' },
            });
            const count = heard.length;
            await advance(2 * 60 * MINUTE);
            expect(heard.length).toBe(count);
          },
        ),
        { numRuns: 120 },
      );
    });

    it('call no provider between signOut() and the next refresh() or updateToken(), whatever the time does', async () => {
      await fc.assert(
        fc.asyncProperty(
          fc.array(
            fc.oneof(step.filter((s) => s.kind === 'advance' || s.kind === 'sleep' || s.kind === 'check')),
            {
              maxLength: 15,
            },
          ),
          fc.integer({ min: 0, max: 70 * MINUTE }),
          async (steps, signOutAfterMs) => {
            const { clock, state, wake } = fakeClock();
            let calls = 0;
            const manager = new AccessManager(freshToken(3600), {
              clock,
              tokenProvider: () => {
                calls += 1;
                return freshToken(3600, state.jumpMs);
              },
            });
            await advance(signOutAfterMs);
            manager.signOut();
            const callsAtSignOut = calls;
            for (const next of steps) {
              if (next.kind === 'advance') await advance(next.ms);
              if (next.kind === 'sleep') {
                state.jumpMs += next.ms;
                wake();
              }
              if (next.kind === 'check') manager.check();
            }
            await advance(5 * 60 * MINUTE);
            expect(calls).toBe(callsAtSignOut);
            expect(manager.getSnapshot()).toMatchObject({ status: 'sessionEnded', token: null });
            manager.destroy();
          },
        ),
        { numRuns: 80 },
      );
    });
  });
});
