// Properties of the fan-out to SDK clients: clients that take the token, take it slowly, throw,
// reject, hang, or need a grant the token may lack, registered and unregistered at random while
// the app hands new tokens. One client never holds up or changes what the others get.
import fc from 'fast-check';
import { describe, expect, it, vi } from 'vitest';
import { AccessManager, AccessTokenError, type TokenClient } from 'access-token-manager';
import { craftToken, goodPayload } from './support/tokens.js';
import { HOUR, SECOND, useFakeTime } from './support/time.js';
import { startRun } from './support/simulation.js';

useFakeTime();

const RUNS = 150;
const CLIENT_TIMEOUT_MS = 10 * SECOND;

type Kind = 'takes' | 'slow' | 'throws' | 'rejects' | 'hangs' | 'late';
const HEALTHY: Kind[] = ['takes', 'slow'];

interface Spec {
  kind: Kind;
  needsVoice: boolean;
  delayMs: number;
}

type Step =
  | { kind: 'update'; withVoice: boolean; afterMs: number }
  | { kind: 'unregister' | 'register'; index: number; afterMs: number };

const spec: fc.Arbitrary<Spec> = fc.record({
  kind: fc.constantFrom<Kind>('takes', 'slow', 'throws', 'rejects', 'hangs', 'late'),
  needsVoice: fc.boolean(),
  delayMs: fc.integer({ min: 1, max: CLIENT_TIMEOUT_MS - 1 }),
});

const step: fc.Arbitrary<Step> = fc.oneof(
  {
    weight: 3,
    arbitrary: fc.record({
      kind: fc.constant('update' as const),
      withVoice: fc.boolean(),
      afterMs: fc.integer({ min: 0, max: HOUR }),
    }),
  },
  fc.record({
    kind: fc.constantFrom('unregister' as const, 'register' as const),
    index: fc.nat({ max: 7 }),
    afterMs: fc.integer({ min: 0, max: HOUR }),
  }),
);

let minted = 0;

/** A new token for alice (its own jti) with the chat grant, and the voice grant when asked. */
function tokenWith(voice: boolean): string {
  minted += 1;
  const grants: Record<string, unknown> = { identity: 'alice', chat: { service_sid: 'IS' + '0'.repeat(32) } };
  if (voice) grants.voice = { outgoing: { application_sid: 'AP' + '0'.repeat(32) } };
  return craftToken(goodPayload({ grants, jti: `SK${'0'.repeat(32)}-${minted}` }));
}

/** A client that behaves as `spec` says and records the tokens it is handed. */
function client({ kind, delayMs }: Spec) {
  const handed: string[] = [];
  const sdk: TokenClient = {
    updateToken(token: string) {
      handed.push(token);
      switch (kind) {
        case 'takes':
          return undefined;
        case 'slow':
          return new Promise((resolve) => setTimeout(resolve, delayMs));
        case 'late':
          return new Promise((resolve) => setTimeout(resolve, CLIENT_TIMEOUT_MS + delayMs));
        case 'throws':
          throw new Error('socket closed');
        case 'rejects':
          return Promise.reject(new Error('socket closed'));
        default:
          return new Promise(() => {});
      }
    },
  };
  return { sdk, handed };
}

describe(AccessManager, () => {
  describe('clients (properties)', () => {
    it('hands each token once to every client registered for it, within clientTimeoutMs, whatever the others do', async () => {
      await fc.assert(
        fc.asyncProperty(
          fc.array(spec, { minLength: 1, maxLength: 8 }),
          fc.array(step, { minLength: 1, maxLength: 20 }),
          async (specs, steps) => {
            startRun();
            const manager = new AccessManager(tokenWith(true), { clientTimeoutMs: CLIENT_TIMEOUT_MS });
            const clients = specs.map(client);
            const errors = new Map<TokenClient, AccessTokenError[]>();
            manager.on('clientError', (error, sdk) => errors.set(sdk, [...(errors.get(sdk) ?? []), error]));
            const registered = new Set<number>();
            const register = (index: number) => {
              const options = specs[index]!.needsVoice ? { requires: 'voice' as const } : {};
              manager.register(clients[index]!.sdk, options);
              registered.add(index);
            };
            specs.forEach((_spec, index) => register(index));

            for (const next of steps) {
              await vi.advanceTimersByTimeAsync(next.afterMs);
              if (next.kind !== 'update') {
                const index = next.index % specs.length;
                if (next.kind === 'register') register(index);
                else manager.unregister(clients[index]!.sdk);
                if (next.kind === 'unregister') registered.delete(index);
              } else {
                const token = tokenWith(next.withVoice);
                const before = clients.map(({ handed }) => handed.length);
                const errorsBefore = clients.map(({ sdk }) => errors.get(sdk)?.length ?? 0);
                const startMs = Date.now();
                let doneMs = Infinity;
                const updating = manager.updateToken(token).then(() => (doneMs = Date.now()));
                await vi.advanceTimersByTimeAsync(CLIENT_TIMEOUT_MS);
                await updating;

                // No client holds the others (or the caller) past its own time limit.
                expect(doneMs - startMs).toBeLessThanOrEqual(CLIENT_TIMEOUT_MS);
                specs.forEach((spec, i) => {
                  const { handed, sdk } = clients[i]!;
                  const got = handed.slice(before[i]);
                  const newErrors = (errors.get(sdk) ?? [])
                    .slice(errorsBefore[i])
                    .map(({ reason }) => reason);
                  if (!registered.has(i)) {
                    expect(got).toEqual([]);
                    expect(newErrors).toEqual([]);
                  } else if (spec.needsVoice && !next.withVoice) {
                    expect(got).toEqual([]);
                    expect(newErrors).toEqual(['client-missing-grant']);
                  } else {
                    expect(got).toEqual([token]);
                    const expected = HEALTHY.includes(spec.kind)
                      ? []
                      : [
                          spec.kind === 'hangs' || spec.kind === 'late'
                            ? 'client-timeout'
                            : 'client-rejected',
                        ];
                    expect(newErrors).toEqual(expected);
                  }
                });
              }
            }
            manager.destroy();
          },
        ),
        { numRuns: RUNS, endOnFailure: true },
      );
    }, 60_000);
  });
});
