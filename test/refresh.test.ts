import { describe, expect, it, vi } from 'vitest';
import {
  AccessManager,
  AccessTokenError,
  type AccessManagerEvents,
  type AccessManagerOptions,
  type Clock,
} from 'access-token-manager';
import { tabSharing } from 'access-token-manager/tabs';
import { craftToken, goodPayload, mintToken } from './support/tokens.js';
import {
  HOUR as HOUR_MS,
  MINUTE as MINUTE_MS,
  SECOND as SECOND_MS,
  T0 as NOW_MS,
  advance,
  deferred,
  fakeClock,
  settle,
  useFakeTime,
} from './support/time.js';

type TokenProvider = NonNullable<AccessManagerOptions['tokenProvider']>;
type ProviderContext = Parameters<TokenProvider>[0];
type RefreshReason = ProviderContext['reason'];
type RefreshFailure = AccessManagerEvents['refreshFailed'][1];

/** The default warning: `tokenAboutToExpire` (and the refresh) comes three minutes before exp. */
const WARNING_MS = 3 * MINUTE_MS;

useFakeTime();

interface ProviderCall {
  reason: RefreshReason;
  signal: AbortSignal;
  /** Milliseconds since the test started (NOW_MS), by the fake clock. */
  atMs: number;
}

/**
 * A token provider that records each call and answers with `answer` (by default a fresh real token
 * minted at the current fake time).
 */
function recordingProvider(answer: (call: ProviderCall) => Promise<string> | string = () => mintToken()) {
  const calls: ProviderCall[] = [];
  const provider: TokenProvider = ({ reason, signal }) => {
    const call = { reason, signal, atMs: Date.now() - NOW_MS };
    calls.push(call);
    return answer(call);
  };
  return { provider, calls };
}

/** The events of `manager`, recorded in order with their arguments. */
function recordEvents(manager: AccessManager) {
  const refreshFailed: { error: AccessTokenError; failure: RefreshFailure; atMs: number }[] = [];
  const tokenErrors: AccessTokenError[] = [];
  const log: string[] = [];
  manager.on('refreshFailed', (error, failure) => {
    refreshFailed.push({ error, failure, atMs: Date.now() - NOW_MS });
    log.push('refreshFailed');
  });
  manager.on('tokenError', (error) => {
    tokenErrors.push(error);
    log.push('tokenError');
  });
  for (const event of ['tokenUpdated', 'tokenAboutToExpire', 'tokenExpired'] as const) {
    manager.on(event, () => log.push(event));
  }
  const count = (event: string) => log.filter((entry) => entry === event).length;
  return { refreshFailed, tokenErrors, log, count };
}

/** A client that records every token it is handed. */
function recordingClient() {
  const tokens: string[] = [];
  return { tokens, client: { updateToken: (token: string) => void tokens.push(token) } };
}

/** What `promise` settles with: its value, or the error it rejected with (so it is never unhandled). */
const outcomeOf = <T>(promise: Promise<T>): Promise<T | unknown> => promise.catch((error: unknown) => error);

/** The gaps between consecutive times. */
const gaps = (times: number[]) => times.slice(1).map((time, index) => time - times[index]!);

describe(AccessManager, () => {
  describe('tokenProvider', () => {
    describe('with no token at start', () => {
      it('asks the provider at once, with reason "initial"', async () => {
        const { provider, calls } = recordingProvider();
        const manager = new AccessManager(null, { tokenProvider: provider });
        const events = recordEvents(manager);

        await settle();

        expect(calls).toHaveLength(1);
        expect(calls[0]).toMatchObject({ reason: 'initial', atMs: 0 });
        expect(calls[0]!.signal).toBeInstanceOf(AbortSignal);
        expect(manager.token).toBe(mintToken());
        expect(manager.identity).toBe('alice');
        expect(events.count('tokenUpdated')).toBe(1);
        manager.destroy();
      });

      it('asks at once when the token given to the constructor is refused', async () => {
        const { provider, calls } = recordingProvider();
        const manager = new AccessManager('not a token', { tokenProvider: provider });
        const events = recordEvents(manager);

        await settle();

        expect(events.tokenErrors.map((error) => error.reason)).toEqual(['malformed']);
        expect(calls.map((call) => call.reason)).toEqual(['initial']);
        expect(manager.token).toBe(mintToken());
        manager.destroy();
      });

      it('does not ask when a good token is given', async () => {
        const { provider, calls } = recordingProvider();
        const manager = new AccessManager(mintToken(), { tokenProvider: provider });

        await advance(10 * MINUTE_MS);

        expect(calls).toHaveLength(0);
        manager.destroy();
      });
    });

    describe('one call per token lifetime', () => {
      it('asks the provider once per token lifetime over ten lifetimes, and tokenExpired never fires', async () => {
        const { provider, calls } = recordingProvider();
        const manager = new AccessManager(mintToken({ ttl: 3600 }), { tokenProvider: provider });
        const events = recordEvents(manager);
        const { client, tokens } = recordingClient();
        manager.register(client, { name: 'conversations' });

        await advance(10 * HOUR_MS);

        // Each token lives an hour and is replaced three minutes before its end: every 57 minutes.
        expect(calls).toHaveLength(10);
        expect(calls.map((call) => call.atMs)).toEqual(
          Array.from({ length: 10 }, (_, index) => (index + 1) * (HOUR_MS - WARNING_MS)),
        );
        expect(new Set(calls.map((call) => call.reason))).toEqual(new Set(['about-to-expire']));
        expect(events.count('tokenExpired')).toBe(0);
        expect(events.count('tokenAboutToExpire')).toBe(10);
        expect(events.refreshFailed).toHaveLength(0);
        expect(tokens).toHaveLength(10);
        expect(new Set(tokens).size).toBe(10);
        expect(tokens.at(-1)).toBe(manager.token);
        expect(manager.isExpired).toBe(false);
        manager.destroy();
      });
    });

    describe('refreshing before expiry', () => {
      it('asks the provider at the warning, before exp, with reason "about-to-expire"', async () => {
        const { provider, calls } = recordingProvider();
        const first = mintToken({ ttl: 3600 });
        const manager = new AccessManager(first, { tokenProvider: provider });
        const { client, tokens } = recordingClient();
        manager.register(client);

        await advance(HOUR_MS - WARNING_MS - 1);
        expect(calls).toHaveLength(0);

        await advance(1);
        expect(calls).toEqual([expect.objectContaining({ reason: 'about-to-expire', atMs: 57 * MINUTE_MS })]);
        expect(manager.token).not.toBe(first);
        expect(manager.expires?.getTime()).toBe(NOW_MS + 57 * MINUTE_MS + HOUR_MS);
        expect(tokens).toEqual([manager.token]);
        manager.destroy();
      });

      it('fetches again when a token given with updateToken comes due', async () => {
        const { provider, calls } = recordingProvider();
        const manager = new AccessManager(mintToken({ ttl: 3600 }), { tokenProvider: provider });
        await advance(10 * MINUTE_MS);
        await manager.updateToken(mintToken({ ttl: 3600 }));

        await advance(HOUR_MS - WARNING_MS - 1);
        expect(calls).toHaveLength(0);
        await advance(1);

        expect(calls.map((call) => call.atMs)).toEqual([10 * MINUTE_MS + HOUR_MS - WARNING_MS]);
        manager.destroy();
      });
    });

    describe('single flight', () => {
      it('shares one provider call between three refresh() calls, which all resolve to its token', async () => {
        const answer = deferred<string>();
        const { provider, calls } = recordingProvider(() => answer.promise);
        const manager = new AccessManager(mintToken(), { tokenProvider: provider });
        await advance(SECOND_MS);

        const refreshes = [manager.refresh(), manager.refresh(), manager.refresh()];
        await settle();
        expect(calls).toHaveLength(1);
        expect(calls[0]!.reason).toBe('manual');

        const next = mintToken();
        answer.resolve(next);
        await expect(Promise.all(refreshes)).resolves.toEqual([next, next, next]);
        expect(calls).toHaveLength(1);
        expect(manager.token).toBe(next);
        manager.destroy();
      });

      it('lets refresh() join the refresh already started by the warning', async () => {
        const answer = deferred<string>();
        const { provider, calls } = recordingProvider(() => answer.promise);
        const manager = new AccessManager(mintToken({ ttl: 3600 }), { tokenProvider: provider });
        await advance(HOUR_MS - WARNING_MS);
        expect(calls).toHaveLength(1);

        const joined = manager.refresh();
        await settle();
        const next = mintToken();
        answer.resolve(next);

        await expect(joined).resolves.toBe(next);
        expect(calls).toHaveLength(1);
        manager.destroy();
      });

      it('starts a new call for a refresh() after the previous one settled', async () => {
        const { provider, calls } = recordingProvider();
        const manager = new AccessManager(mintToken(), { tokenProvider: provider });
        await advance(SECOND_MS);
        const first = await manager.refresh();
        await advance(SECOND_MS);

        const second = await manager.refresh();

        expect(calls).toHaveLength(2);
        expect(second).not.toBe(first);
        expect(manager.token).toBe(second);
        manager.destroy();
      });
    });

    describe('backoff', () => {
      it('retries with growing delays that cap at maxDelayMs, reporting each failure', async () => {
        vi.spyOn(Math, 'random').mockReturnValue(0.5);
        const failure = new Error('token server down');
        const { provider, calls } = recordingProvider(() => Promise.reject(failure));
        const manager = new AccessManager(null, {
          tokenProvider: provider,
          retry: { baseDelayMs: 1_000, maxDelayMs: 8_000 },
        });
        const events = recordEvents(manager);

        await advance(23_250);

        // Ceilings 1, 2, 4, 8, 8, 8, 8 s; Math.random() = 0.5 draws three quarters of each.
        const expectedDelays = [750, 1_500, 3_000, 6_000, 6_000, 6_000, 6_000];
        expect(events.refreshFailed.map(({ failure }) => failure)).toEqual(
          expectedDelays.map((retryInMs, index) => ({ attempt: index + 1, retryInMs })),
        );
        expect(calls.map((call) => call.atMs)).toEqual([0, 750, 2_250, 5_250, 11_250, 17_250, 23_250]);
        expect(new Set(calls.map((call) => call.reason))).toEqual(new Set(['initial']));
        manager.destroy();
      });

      it('uses 1 s and 30 s by default', async () => {
        vi.spyOn(Math, 'random').mockReturnValue(0.5);
        const { provider } = recordingProvider(() => Promise.reject(new Error('down')));
        const manager = new AccessManager(null, { tokenProvider: provider });
        const events = recordEvents(manager);

        await advance(5 * MINUTE_MS);

        // Ceilings 1, 2, 4, 8, 16, 30 (not 32), 30 … s.
        expect(events.refreshFailed.slice(0, 8).map(({ failure }) => failure.retryInMs)).toEqual([
          750, 1_500, 3_000, 6_000, 12_000, 22_500, 22_500, 22_500,
        ]);
        expect(Math.max(...events.refreshFailed.map(({ failure }) => failure.retryInMs))).toBe(22_500);
        manager.destroy();
      });

      it.each([
        { random: 0, delays: [500, 1_000, 2_000, 4_000, 4_000] },
        { random: 0.999_999, delays: [1_000, 2_000, 4_000, 8_000, 8_000] },
      ])('draws each delay from the upper half of its ceiling (Math.random() = $random)', async (row) => {
        vi.spyOn(Math, 'random').mockReturnValue(row.random);
        const { provider, calls } = recordingProvider(() => Promise.reject(new Error('down')));
        const manager = new AccessManager(null, {
          tokenProvider: provider,
          retry: { baseDelayMs: 1_000, maxDelayMs: 8_000 },
        });
        const events = recordEvents(manager);

        await advance(row.delays.slice(0, 4).reduce((sum, delay) => sum + delay, 0));

        expect(events.refreshFailed.map(({ failure }) => failure.retryInMs)).toEqual(row.delays);
        expect(gaps(calls.map((call) => call.atMs))).toEqual(row.delays.slice(0, 4));
        manager.destroy();
      });

      it('wraps what the provider threw or rejected with as a provider-failed error with a cause', async () => {
        const thrown = new TypeError('Failed to fetch');
        let attempt = 0;
        const { provider } = recordingProvider(() => {
          attempt += 1;
          if (attempt === 1) throw thrown;
          return Promise.reject('a plain string');
        });
        const manager = new AccessManager(null, { tokenProvider: provider });
        const events = recordEvents(manager);

        await advance(5 * SECOND_MS);

        const [first, second] = events.refreshFailed.map(({ error }) => error);
        expect(first).toBeInstanceOf(AccessTokenError);
        expect(first).toMatchObject({ reason: 'provider-failed', cause: thrown });
        expect(second).toMatchObject({ reason: 'provider-failed', cause: 'a plain string' });
        expect(events.tokenErrors).toHaveLength(0);
        manager.destroy();
      });

      it('stops retrying once the provider succeeds, and refresh() resolves to that token', async () => {
        let failuresLeft = 3;
        const { provider, calls } = recordingProvider(() =>
          failuresLeft-- > 0 ? Promise.reject(new Error('busy')) : mintToken(),
        );
        const manager = new AccessManager(mintToken(), { tokenProvider: provider });
        const events = recordEvents(manager);
        await advance(SECOND_MS);

        const refreshed = manager.refresh();
        await advance(MINUTE_MS);

        await expect(refreshed).resolves.toBe(manager.token);
        expect(events.refreshFailed.map(({ failure }) => failure.attempt)).toEqual([1, 2, 3]);
        expect(calls).toHaveLength(4);
        await advance(30 * MINUTE_MS);
        expect(calls).toHaveLength(4);
        manager.destroy();
      });
    });

    describe('offline', () => {
      it('makes no attempt while offline, and asks as soon as the clock wakes online', async () => {
        const { clock, state, wake } = fakeClock({ online: false });
        const { provider, calls } = recordingProvider();
        const manager = new AccessManager(null, { tokenProvider: provider, clock });
        const events = recordEvents(manager);

        await advance(10 * MINUTE_MS);
        expect(calls).toHaveLength(0);
        expect(events.refreshFailed).toHaveLength(0);

        state.online = true;
        wake();
        await settle();

        expect(calls).toEqual([expect.objectContaining({ reason: 'initial', atMs: 10 * MINUTE_MS })]);
        expect(manager.token).toBe(mintToken());
        manager.destroy();
      });

      it('keeps waiting when it wakes still offline', async () => {
        const { clock, wake } = fakeClock({ online: false });
        const { provider, calls } = recordingProvider();
        const manager = new AccessManager(null, { tokenProvider: provider, clock });

        await advance(MINUTE_MS);
        wake();
        await advance(MINUTE_MS);

        expect(calls).toHaveLength(0);
        manager.destroy();
      });

      it('stops burning retries when the network drops during backoff', async () => {
        const { clock, state, wake } = fakeClock();
        let serverUp = false;
        const { provider, calls } = recordingProvider(() =>
          serverUp ? mintToken() : Promise.reject(new Error('timeout')),
        );
        const manager = new AccessManager(null, { tokenProvider: provider, clock });
        await settle();
        expect(calls).toHaveLength(1);

        state.online = false;
        await advance(10 * MINUTE_MS);
        expect(calls).toHaveLength(1);

        serverUp = true;
        state.online = true;
        wake();
        await settle();
        expect(calls.map((call) => call.atMs)).toEqual([0, 10 * MINUTE_MS]);
        expect(manager.token).toBe(mintToken());
        manager.destroy();
      });
    });

    describe('pauseWhenHidden', () => {
      it('makes no attempt while the page is hidden, and asks once it wakes visible', async () => {
        const { clock, state, wake } = fakeClock({ hidden: true });
        const { provider, calls } = recordingProvider();
        const manager = new AccessManager(null, { tokenProvider: provider, clock, pauseWhenHidden: true });

        await advance(10 * MINUTE_MS);
        expect(calls).toHaveLength(0);

        state.hidden = false;
        wake();
        await settle();

        expect(calls).toEqual([expect.objectContaining({ reason: 'initial', atMs: 10 * MINUTE_MS })]);
        expect(manager.token).toBe(mintToken());
        manager.destroy();
      });

      it('holds the refresh at the warning while hidden', async () => {
        const { clock, state, wake } = fakeClock({ hidden: true });
        const { provider, calls } = recordingProvider();
        const manager = new AccessManager(mintToken({ ttl: 3600 }), {
          tokenProvider: provider,
          clock,
          pauseWhenHidden: true,
        });
        const events = recordEvents(manager);

        await advance(HOUR_MS - WARNING_MS + MINUTE_MS);
        expect(events.count('tokenAboutToExpire')).toBe(1);
        expect(calls).toHaveLength(0);

        state.hidden = false;
        wake();
        await settle();

        expect(calls.map((call) => call.atMs)).toEqual([HOUR_MS - WARNING_MS + MINUTE_MS]);
        expect(manager.expires?.getTime()).toBe(NOW_MS + HOUR_MS - WARNING_MS + MINUTE_MS + HOUR_MS);
        manager.destroy();
      });

      it('keeps refreshing in a hidden page by default', async () => {
        const { clock } = fakeClock({ hidden: true });
        const { provider, calls } = recordingProvider();
        const manager = new AccessManager(mintToken({ ttl: 3600 }), { tokenProvider: provider, clock });
        const events = recordEvents(manager);

        await advance(3 * HOUR_MS);

        expect(calls.map((call) => call.atMs)).toEqual([57, 114, 171].map((minutes) => minutes * MINUTE_MS));
        expect(events.count('tokenExpired')).toBe(0);
        manager.destroy();
      });
    });

    describe('destroy()', () => {
      it('aborts the provider call in flight through its signal, and refresh() rejects with "destroyed"', async () => {
        // Like fetch(url, { signal }): rejects with an AbortError when the signal is aborted.
        const { provider, calls } = recordingProvider(
          ({ signal }) =>
            new Promise<string>((_, reject) =>
              signal.addEventListener('abort', () => reject(new DOMException('aborted', 'AbortError'))),
            ),
        );
        const manager = new AccessManager(mintToken(), { tokenProvider: provider });
        const events = recordEvents(manager);
        const refreshed = outcomeOf(manager.refresh());
        await settle();
        const { signal } = calls[0]!;
        expect(signal.aborted).toBe(false);

        manager.destroy();
        await settle();

        expect(signal.aborted).toBe(true);
        const error = await refreshed;
        expect(error).toBeInstanceOf(AccessTokenError);
        expect(error).toMatchObject({ reason: 'destroyed' });
        expect(events.refreshFailed).toHaveLength(0);
      });

      it('rejects a pending refresh() with "destroyed" even when the provider ignores its signal', async () => {
        const { provider, calls } = recordingProvider(() => new Promise<string>(() => {}));
        const manager = new AccessManager(mintToken(), { tokenProvider: provider });
        const refreshed = outcomeOf(manager.refresh());
        await settle();

        manager.destroy();
        await advance(SECOND_MS);

        expect(calls[0]!.signal.aborted).toBe(true);
        await expect(Promise.race([refreshed, 'still pending'])).resolves.toMatchObject({
          reason: 'destroyed',
        });
      });

      it('ignores a token the provider returns after destroy', async () => {
        const answer = deferred<string>();
        const { provider } = recordingProvider(() => answer.promise);
        const first = mintToken();
        const manager = new AccessManager(first, { tokenProvider: provider });
        const { client, tokens } = recordingClient();
        manager.register(client);
        const refreshed = outcomeOf(manager.refresh());
        await advance(SECOND_MS);

        manager.destroy();
        answer.resolve(mintToken());
        await settle();

        await expect(refreshed).resolves.toMatchObject({ reason: 'destroyed' });
        expect(manager.token).toBe(first);
        expect(tokens).toHaveLength(0);
      });

      it('stops retrying, and no event fires after it', async () => {
        const { provider, calls } = recordingProvider(() => Promise.reject(new Error('down')));
        const manager = new AccessManager(mintToken({ ttl: 3600 }), { tokenProvider: provider });
        const events = recordEvents(manager);
        await advance(HOUR_MS - WARNING_MS);
        expect(calls).toHaveLength(1);
        expect(events.refreshFailed).toHaveLength(1);
        const logged = events.log.length;

        manager.destroy();
        await advance(2 * HOUR_MS);

        expect(calls).toHaveLength(1);
        expect(events.log).toHaveLength(logged);
      });

      it('never asks for the initial token when destroyed right after the constructor', async () => {
        const { provider, calls } = recordingProvider();
        const manager = new AccessManager(null, { tokenProvider: provider });

        manager.destroy();
        await advance(MINUTE_MS);

        expect(calls).toHaveLength(0);
      });

      it('makes a later refresh() reject with "destroyed"', async () => {
        const { provider, calls } = recordingProvider();
        const manager = new AccessManager(mintToken(), { tokenProvider: provider });
        manager.destroy();

        await expect(manager.refresh()).rejects.toMatchObject({ reason: 'destroyed' });
        expect(calls).toHaveLength(0);
      });
    });

    describe('a bad token from the provider', () => {
      const badAnswers: { name: string; answer: () => unknown; reason: string }[] = [
        { name: 'garbage text', answer: () => '<html>502 Bad Gateway</html>', reason: 'malformed' },
        {
          name: 'the JSON object of the token endpoint',
          answer: () => ({ token: mintToken() }),
          reason: 'not-a-string',
        },
        {
          name: 'an expired token',
          answer: () => {
            const nowS = Math.floor(Date.now() / 1000);
            return craftToken(goodPayload({ iat: nowS - 7200, exp: nowS - 3600 }));
          },
          reason: 'expired',
        },
      ];

      it.each(badAnswers)(
        'reports $name as tokenError and refreshFailed each time, retrying with backoff, never in a loop',
        async ({ answer, reason }) => {
          // The worst case for the count: every delay drawn at the bottom of its range.
          vi.spyOn(Math, 'random').mockReturnValue(0);
          const { provider, calls } = recordingProvider(() => answer() as string);
          const manager = new AccessManager(null, { tokenProvider: provider });
          const events = recordEvents(manager);

          await advance(MINUTE_MS);

          // Delays 0.5, 1, 2, 4, 8, 15, 15 s: eight attempts in the first minute, about log2 of it.
          expect(calls.length).toBeGreaterThanOrEqual(2);
          expect(calls.length).toBeLessThanOrEqual(Math.ceil(Math.log2(MINUTE_MS / SECOND_MS)) + 2);
          expect(events.tokenErrors).toHaveLength(calls.length);
          expect(events.refreshFailed).toHaveLength(calls.length);
          expect(new Set(events.tokenErrors.map((error) => error.reason))).toEqual(new Set([reason]));
          expect(new Set(events.refreshFailed.map(({ error }) => error.reason))).toEqual(new Set([reason]));
          expect(events.log.slice(0, 2)).toEqual(['tokenError', 'refreshFailed']);
          const spacing = gaps(calls.map((call) => call.atMs));
          expect(Math.min(...spacing)).toBeGreaterThanOrEqual(500);
          expect(spacing).toEqual([...spacing].sort((a, b) => a - b));
          expect(manager.token).toBeNull();
          manager.destroy();
        },
      );

      it('keeps the good token and its clients when the replacement is refused', async () => {
        const { provider, calls } = recordingProvider(() => 'garbage');
        const first = mintToken({ ttl: 3600 });
        const manager = new AccessManager(first, { tokenProvider: provider });
        const events = recordEvents(manager);
        const { client, tokens } = recordingClient();
        manager.register(client);

        await advance(HOUR_MS - WARNING_MS + MINUTE_MS);

        expect(calls.length).toBeGreaterThan(1);
        expect(calls.length).toBeLessThanOrEqual(9);
        expect(events.refreshFailed).toHaveLength(calls.length);
        expect(manager.token).toBe(first);
        expect(tokens).toHaveLength(0);
        manager.destroy();
      });

      it('refuses a token for another identity, and keeps retrying', async () => {
        const { provider, calls } = recordingProvider(() => mintToken({ identity: 'mallory' }));
        const manager = new AccessManager(mintToken({ ttl: 3600 }), { tokenProvider: provider });
        const events = recordEvents(manager);

        await advance(HOUR_MS - WARNING_MS + 10 * SECOND_MS);

        expect(calls.length).toBeGreaterThan(1);
        expect(events.refreshFailed[0]?.error.reason).toBe('identity-changed');
        expect(events.tokenErrors[0]?.reason).toBe('identity-changed');
        expect(manager.identity).toBe('alice');
        manager.destroy();
      });
    });

    describe('expiry while retrying', () => {
      it('fires tokenExpired as usual, and the next success hands the new token to every client', async () => {
        let serverUp = false;
        const { provider, calls } = recordingProvider(() =>
          serverUp ? mintToken({ ttl: 3600 }) : Promise.reject(new Error('down')),
        );
        const manager = new AccessManager(mintToken({ ttl: 3600 }), { tokenProvider: provider });
        const events = recordEvents(manager);
        const conversations = recordingClient();
        const voice = recordingClient();
        manager.register(conversations.client, { name: 'conversations' });
        manager.register(voice.client, { name: 'voice' });

        await advance(HOUR_MS);
        expect(events.count('tokenExpired')).toBe(1);
        expect(manager.isExpired).toBe(true);
        expect(calls.length).toBeGreaterThan(1);

        serverUp = true;
        await advance(30 * SECOND_MS);

        expect(manager.isExpired).toBe(false);
        expect(conversations.tokens).toEqual([manager.token]);
        expect(voice.tokens).toEqual([manager.token]);
        expect(events.count('tokenUpdated')).toBe(2); // the constructor's token (a tick after `new`), then this one
        expect(events.count('tokenExpired')).toBe(1);

        // The new token is kept alive like the first.
        const callsSoFar = calls.length;
        await advance(HOUR_MS);
        expect(calls).toHaveLength(callsSoFar + 1);
        expect(events.count('tokenExpired')).toBe(1);
        manager.destroy();
      });
    });

    describe('after a wake', () => {
      it.each([
        { state: 'expired', sleptMs: 2 * HOUR_MS },
        { state: 'nearly expired', sleptMs: HOUR_MS - 2 * MINUTE_MS },
      ])('refreshes an $state token at once, with reason "wake"', async ({ sleptMs }) => {
        const { clock, wake } = fakeClock();
        const { provider, calls } = recordingProvider();
        const manager = new AccessManager(mintToken({ ttl: 3600 }), { tokenProvider: provider, clock });
        const { client, tokens } = recordingClient();
        manager.register(client);
        await advance(MINUTE_MS);

        // The laptop sleeps: the wall clock jumps, the timers have not fired.
        vi.setSystemTime(NOW_MS + MINUTE_MS + sleptMs);
        wake();
        await settle();

        expect(calls).toEqual([expect.objectContaining({ reason: 'wake', atMs: MINUTE_MS + sleptMs })]);
        expect(manager.isExpired).toBe(false);
        expect(tokens).toEqual([manager.token]);
        manager.destroy();
      });

      it('does not refresh a token with plenty of time left', async () => {
        const { clock, wake } = fakeClock();
        const { provider, calls } = recordingProvider();
        const manager = new AccessManager(mintToken({ ttl: 3600 }), { tokenProvider: provider, clock });

        vi.setSystemTime(NOW_MS + 30 * MINUTE_MS);
        wake();
        await settle();

        expect(calls).toHaveLength(0);
        manager.destroy();
      });

      it('refreshes an expired token at once when the app calls check()', async () => {
        const { provider, calls } = recordingProvider();
        const manager = new AccessManager(mintToken({ ttl: 3600 }), { tokenProvider: provider });
        const events = recordEvents(manager);

        vi.setSystemTime(NOW_MS + 2 * HOUR_MS);
        manager.check();
        await settle();

        expect(calls).toHaveLength(1);
        expect(calls[0]!.atMs).toBe(2 * HOUR_MS);
        expect(events.log.slice(0, 3)).toEqual(['tokenAboutToExpire', 'tokenExpired', 'tokenUpdated']);
        expect(manager.isExpired).toBe(false);
        manager.destroy();
      });

      it('tells the provider the reason is "wake" when the app calls check() after a sleep', async () => {
        const { provider, calls } = recordingProvider();
        const manager = new AccessManager(mintToken({ ttl: 3600 }), { tokenProvider: provider });

        vi.setSystemTime(NOW_MS + HOUR_MS - 2 * MINUTE_MS);
        manager.check();
        await settle();

        expect(calls.map((call) => call.reason)).toEqual(['wake']);
        manager.destroy();
      });

      it('ends a backoff wait early and retries at once', async () => {
        vi.spyOn(Math, 'random').mockReturnValue(0.5);
        const { clock, wake } = fakeClock();
        let serverUp = false;
        const { provider, calls } = recordingProvider(() =>
          serverUp ? mintToken() : Promise.reject(new Error('down')),
        );
        const manager = new AccessManager(null, { tokenProvider: provider, clock });
        const events = recordEvents(manager);
        await advance(45_750); // attempts at 0, 0.75, 2.25, 5.25, 11.25, 23.25, 45.75 s
        expect(events.refreshFailed.at(-1)?.failure.retryInMs).toBe(22_500);

        serverUp = true;
        await advance(SECOND_MS);
        wake();
        await settle();

        expect(calls.at(-1)?.atMs).toBe(46_750);
        expect(manager.token).toBe(mintToken());
        manager.destroy();
      });
    });

    describe('a token shorter-lived than the warning', () => {
      it('warns a 200-second token at +20 s and asks the provider at +100 s: each token is held at least half its life (docs/timing.md)', async () => {
        const { provider, calls } = recordingProvider(() => mintToken({ ttl: 200 }));
        const manager = new AccessManager(mintToken({ ttl: 200 }), { tokenProvider: provider });
        const warnedAtMs: number[] = [];
        manager.on('tokenAboutToExpire', () => warnedAtMs.push(Date.now() - NOW_MS));

        await advance(99 * SECOND_MS);
        const callsBeforeHalfLife = calls.length;
        await advance(SECOND_MS);

        expect(warnedAtMs).toEqual([20 * SECOND_MS]);
        expect(callsBeforeHalfLife).toBe(0);
        expect(calls.map(({ reason, atMs }) => [reason, atMs])).toEqual([
          ['about-to-expire', 100 * SECOND_MS],
        ]);
        manager.destroy();
      });

      it('refreshes a 3-minute token half-way through its life, never in a tight loop', async () => {
        const { provider, calls } = recordingProvider(() => mintToken({ ttl: 180 }));
        const manager = new AccessManager(mintToken({ ttl: 180 }), { tokenProvider: provider });
        const events = recordEvents(manager);

        await advance(10 * MINUTE_MS);

        expect(calls.map((call) => call.atMs)).toEqual([1, 2, 3, 4, 5, 6].map((n) => n * 90 * SECOND_MS));
        expect(events.refreshFailed).toHaveLength(0);
        expect(events.count('tokenExpired')).toBe(0);
        manager.destroy();
      });
    });

    describe('refresh()', () => {
      it('rejects with "no-token-provider" without a provider', async () => {
        const manager = new AccessManager(mintToken());

        const refreshed = manager.refresh();

        await expect(refreshed).rejects.toBeInstanceOf(AccessTokenError);
        await expect(refreshed).rejects.toMatchObject({ reason: 'no-token-provider' });
        manager.destroy();
      });
    });

    describe('a provider that returns the token already held', () => {
      it('fails with "unchanged" when the token is due, and retries with backoff', async () => {
        vi.spyOn(Math, 'random').mockReturnValue(0.5);
        const first = mintToken({ ttl: 3600 });
        const { provider, calls } = recordingProvider(() => first);
        const manager = new AccessManager(first, { tokenProvider: provider });
        const events = recordEvents(manager);

        await advance(HOUR_MS - WARNING_MS + 2_250);

        expect(events.refreshFailed.map(({ error, failure }) => [error.reason, failure])).toEqual([
          ['unchanged', { attempt: 1, retryInMs: 750 }],
          ['unchanged', { attempt: 2, retryInMs: 1_500 }],
          ['unchanged', { attempt: 3, retryInMs: 3_000 }],
        ]);
        expect(events.refreshFailed[0]?.error).toBeInstanceOf(AccessTokenError);
        expect(calls).toHaveLength(3);
        expect(manager.token).toBe(first);
        manager.destroy();
      });
    });

    describe('shareAcrossTabs without Web Locks', () => {
      it('falls back to one provider call per manager', async () => {
        vi.stubGlobal('navigator', { onLine: true });
        const one = recordingProvider();
        const two = recordingProvider();
        const first = new AccessManager(null, {
          tokenProvider: one.provider,
          shareAcrossTabs: tabSharing('demo'),
        });
        const second = new AccessManager(null, {
          tokenProvider: two.provider,
          shareAcrossTabs: tabSharing('demo'),
        });

        await settle();

        expect(one.calls).toHaveLength(1);
        expect(two.calls).toHaveLength(1);
        expect(first.token).toBe(mintToken());
        expect(second.token).toBe(mintToken());
        first.destroy();
        second.destroy();
      });
    });
  });
});

describe('refreshTimeoutMs', () => {
  it('aborts an attempt that hangs (a fetch left half-open by a sleep) and retries', async () => {
    let answer: () => Promise<string> = () => new Promise<string>(() => {});
    const { provider, calls } = recordingProvider(() => answer());
    const manager = new AccessManager(null, { tokenProvider: provider, refreshTimeoutMs: 10 * SECOND_MS });
    const { refreshFailed } = recordEvents(manager);
    await settle();
    expect(calls).toHaveLength(1);

    await advance(10 * SECOND_MS);
    expect(calls[0]?.signal.aborted).toBe(true);
    expect(refreshFailed[0]?.error).toMatchObject({
      reason: 'provider-timeout',
      facts: { timeoutMs: 10_000 },
    });

    answer = async () => mintToken();
    await advance(refreshFailed[0]!.failure.retryInMs);
    expect(calls).toHaveLength(2);
    expect(manager.token).not.toBeNull();
    manager.destroy();
  });

  it('leaves no time-limit timer behind once an attempt succeeded', async () => {
    const { provider } = recordingProvider();
    const manager = new AccessManager(null, { tokenProvider: provider });
    await settle();
    expect(manager.token).not.toBeNull();
    // One timer: the alarm for the next refresh. Not the 30 s limit of the finished attempt.
    expect(vi.getTimerCount()).toBe(1);
    manager.destroy();
  });
});

describe('offline wait with a clock that never wakes', () => {
  it('looks again after maxDelayMs, so a worker whose clock has no wake signal still resumes', async () => {
    const { clock, state } = fakeClock({ online: false });
    const neverWakes: Clock = { ...clock, onWake: () => () => {} };
    const { provider, calls } = recordingProvider();
    const manager = new AccessManager(null, { tokenProvider: provider, clock: neverWakes });
    await advance(60 * SECOND_MS);
    expect(calls).toHaveLength(0);
    state.online = true;
    await advance(30 * SECOND_MS);
    expect(calls).toHaveLength(1);
    manager.destroy();
  });
});

describe('retry options', () => {
  it.each([
    ['retry.baseDelayMs', { retry: { baseDelayMs: 0 } }],
    ['retry.maxDelayMs', { retry: { maxDelayMs: 0 } }],
    ['refreshTimeoutMs', { refreshTimeoutMs: 0 }],
  ])('refuses %s of 0, which would retry in a tight loop or fail every attempt', (field, options) => {
    expect(() => new AccessManager(null, { tokenProvider: () => mintToken(), ...options })).toThrow(
      expect.objectContaining({
        reason: 'invalid-argument',
        facts: expect.objectContaining({ field: `options.${field}` }),
      }),
    );
  });
});
