// The manager over fromEndpoint and a real HTTP server, on the fake clock: the session that ends
// (401) stops the refreshes until the app acts; an endpoint that fails (500) keeps the backoff;
// Retry-After sets the wait; a relative URL on the server is final.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import {
  AccessManager,
  fromEndpoint,
  type AccessManagerOptions,
  type AccessTokenError,
  type RefreshFailure,
} from 'access-token-manager';
import { ROUTES, startEndpoint } from './support/endpoint.js';
import { mintToken } from './support/tokens.js';
import { advance, fakeClock, HOUR, MINUTE, SECOND, settle, T0, useFakeTime } from './support/time.js';

// Saved before the fake timers are installed: the HTTP exchange runs in real time.
const realSetTimeout = globalThis.setTimeout;
const realDelay = (ms: number) => new Promise((resolve) => realSetTimeout(resolve, ms));

useFakeTime();

let endpoint: Awaited<ReturnType<typeof startEndpoint>>;
beforeEach(async () => {
  endpoint = await startEndpoint();
});
afterEach(() => endpoint.close());

/** Waits in real time (at most 5 s) until `done()` holds, letting the HTTP exchange run. */
async function until(done: () => boolean): Promise<void> {
  for (let waitedMs = 0; !done(); waitedMs += 5) {
    if (waitedMs > 5_000) throw new Error('timed out waiting for the endpoint');
    await settle();
    await realDelay(5);
  }
  await settle();
}

/** Moves the fake clock by `ms` in steps of `stepMs`, letting requests started meanwhile finish. */
async function live(ms: number, stepMs = 10 * SECOND): Promise<void> {
  for (let doneMs = 0; doneMs < ms; doneMs += stepMs) {
    await advance(Math.min(stepMs, ms - doneMs));
    await realDelay(2);
    await settle();
  }
}

function managerOver(path: string, token: string | null, options: AccessManagerOptions = {}) {
  const { clock, wake, timers } = fakeClock();
  const manager = new AccessManager(token, {
    clock,
    tokenProvider: fromEndpoint(endpoint.url(path)),
    ...options,
  });
  const tokenErrors: AccessTokenError[] = [];
  const failures: { error: AccessTokenError; failure: RefreshFailure }[] = [];
  const log: string[] = [];
  manager.on('tokenError', (error) => tokenErrors.push(error));
  manager.on('refreshFailed', (error, failure) => failures.push({ error, failure }));
  for (const event of ['tokenUpdated', 'tokenAboutToExpire', 'tokenExpired'] as const) {
    manager.on(event, () => log.push(event));
  }
  return { manager, wake, timers, tokenErrors, failures, log };
}

describe('AccessManager over fromEndpoint', () => {
  describe('when the endpoint answers 401', () => {
    it('stops refreshing, emits one tokenError, keeps the token until exp, and resumes on refresh()', async () => {
      const first = mintToken(); // one hour
      const { manager, wake, timers, tokenErrors, failures, log } = managerOver('/token', first);
      endpoint.answer = ROUTES['/401']!;

      await advance(57 * MINUTE); // the refresh is due three minutes before exp
      await until(() => tokenErrors.length > 0);
      expect(endpoint.tokenHits()).toBe(1);
      expect(tokenErrors.map((error) => error.reason)).toEqual(['session-ended']);
      expect(tokenErrors[0]?.facts).toMatchObject({ status: 401 });
      expect(failures).toEqual([]); // not a failure that is retried
      expect(manager.token).toBe(first); // the SDKs keep working meanwhile

      // Hours on, with the page waking now and then: no call, no second tokenError.
      await live(10 * MINUTE);
      wake();
      await live(2 * HOUR, MINUTE);
      wake();
      await live(MINUTE);
      expect(endpoint.tokenHits()).toBe(1);
      expect(tokenErrors).toHaveLength(1);
      // The first tokenUpdated is the constructor's token, announced a tick after `new`.
      expect(log).toEqual(['tokenUpdated', 'tokenAboutToExpire', 'tokenExpired']);
      expect(manager.token).toBe(first);
      expect(timers.size).toBe(0); // nothing left running

      // The user signs in again; the app asks.
      endpoint.answer = ROUTES['/json']!;
      const refreshed = manager.refresh();
      await until(() => endpoint.tokenHits() === 2);
      const second = await refreshed;
      expect(manager.token).toBe(second);
      expect(second).not.toBe(first);
      manager.destroy();
    });

    it('resumes on its own schedule once the app gives a token', async () => {
      const { manager, tokenErrors } = managerOver('/token', null);
      endpoint.answer = ROUTES['/401']!;
      await until(() => tokenErrors.length > 0); // the first token, asked at once
      await live(5 * MINUTE);
      expect(endpoint.tokenHits()).toBe(1);
      expect(manager.token).toBeNull();

      endpoint.answer = ROUTES['/json']!;
      await manager.updateToken(mintToken({ ttl: 600 })); // ten minutes: refreshed at minute 7
      await live(6 * MINUTE);
      expect(endpoint.tokenHits()).toBe(1);
      await live(2 * MINUTE);
      await until(() => endpoint.tokenHits() === 2);
      expect(tokenErrors).toHaveLength(1);
      manager.destroy();
    });

    it('rejects refresh() with session-ended and lets a tokenError listener ask again', async () => {
      const { manager, tokenErrors } = managerOver('/token', mintToken());
      endpoint.answer = ROUTES['/403']!;
      const asked: Promise<unknown>[] = [];
      manager.on('tokenError', () => {
        if (asked.length === 0) asked.push(manager.refresh().catch((error: unknown) => error));
      });
      const refused = manager.refresh().catch((error: unknown) => error);
      await until(() => tokenErrors.length > 0);
      expect(await refused).toMatchObject({ reason: 'session-ended', facts: { status: 403 } });
      expect(asked).toHaveLength(1); // a new refresh, not the one that just ended
      await until(() => tokenErrors.length > 1);
      expect(await asked[0]).toMatchObject({ reason: 'session-ended' });
      expect(endpoint.tokenHits()).toBe(2);
      manager.destroy();
    });
  });

  describe('when the endpoint answers 500', () => {
    it('keeps retrying with backoff, as refreshFailed, never tokenError', async () => {
      const { manager, tokenErrors, failures } = managerOver('/token', mintToken());
      endpoint.answer = ROUTES['/500']!;
      await advance(57 * MINUTE);
      // Each retry when its backoff says, once the failure before it has come back.
      for (let failed = 1; failed <= 5; failed++) {
        await until(() => failures.length >= failed);
        await advance(failures[failed - 1]!.failure.retryInMs);
      }
      await until(() => failures.length >= 6);
      expect(endpoint.tokenHits()).toBe(6);
      expect(failures.map(({ error }) => error.reason)).toEqual(failures.map(() => 'endpoint-status'));
      expect(failures[0]?.error.facts).toEqual({ status: 500, detail: 'database down' });
      const delays = failures.map(({ failure }) => failure.retryInMs);
      expect(delays[0]).toBeLessThanOrEqual(1_000);
      expect(delays[4]).toBeGreaterThan(delays[0]!);
      expect(tokenErrors).toEqual([]);

      endpoint.answer = ROUTES['/json']!;
      await advance(failures[5]!.failure.retryInMs);
      await until(() => !manager.isAboutToExpire); // the next attempt brought a new token
      expect(endpoint.tokenHits()).toBe(7);
      manager.destroy();
    });
  });

  describe('when the endpoint hangs, or drops the connection', () => {
    it('aborts the request at refreshTimeoutMs and retries, as it retries a dropped connection', async () => {
      let closed = 0;
      endpoint.answer = (req) => req.on('close', () => (closed += 1)); // never answers
      const { manager, failures } = managerOver('/token', null, { refreshTimeoutMs: 5_000 });
      await until(() => endpoint.tokenHits() === 1);
      await advance(5_000);
      await until(() => failures.length === 1 && closed === 1); // the server saw the request end
      expect(failures[0]?.error.reason).toBe('provider-timeout');

      endpoint.answer = ROUTES['/drop']!;
      await live(2 * SECOND, SECOND);
      await until(() => failures.length === 2);
      expect(failures[1]?.error.reason).toBe('endpoint-unreachable');
      endpoint.answer = ROUTES['/json']!;
      await live(5 * SECOND, SECOND);
      await until(() => manager.token !== null);
      manager.destroy();
    });
  });

  describe('when the endpoint answers 429 with Retry-After', () => {
    it('waits what it asked, at most retry.maxDelayMs', async () => {
      const waited = managerOver('/token', null);
      endpoint.answer = ROUTES['/429']!; // Retry-After: 7
      await until(() => waited.failures.length > 0);
      expect(waited.failures[0]?.failure.retryInMs).toBe(7_000);
      expect(waited.failures[0]?.error.facts.retryAfterMs).toBe(7_000);
      await live(6 * SECOND, SECOND);
      expect(endpoint.tokenHits()).toBe(1);
      await live(2 * SECOND, SECOND);
      await until(() => endpoint.tokenHits() === 2);
      waited.manager.destroy();

      const bounded = managerOver('/token', null, { retry: { maxDelayMs: 3_000 } });
      await until(() => bounded.failures.length > 0);
      expect(bounded.failures[0]?.failure.retryInMs).toBe(3_000);
      bounded.manager.destroy();
    });
  });

  describe('with a relative URL and no page (server rendering)', () => {
    it('fails once, for good: one tokenError, no retry, no timer left', async () => {
      const manager = new AccessManager(null, { tokenProvider: fromEndpoint('/api/token') });
      const tokenErrors: AccessTokenError[] = [];
      const failures: AccessTokenError[] = [];
      manager.on('tokenError', (error) => tokenErrors.push(error));
      manager.on('refreshFailed', (error) => failures.push(error));
      await advance(10 * MINUTE);
      expect(tokenErrors.map((error) => error.reason)).toEqual(['endpoint-no-origin']);
      expect(failures).toEqual([]);
      expect(Date.now()).toBe(T0 + 10 * MINUTE);
      expect(vi.getTimerCount()).toBe(0);
      expect(endpoint.hits).toEqual([]);
      manager.destroy();
    });
  });
});
