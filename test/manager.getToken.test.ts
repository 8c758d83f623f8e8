// manager.getToken(): a token valid for long enough, now or as soon as one comes.
import { describe, expect, it, vi } from 'vitest';
import { AccessManager, AccessTokenError, type TokenProvider } from 'access-token-manager';
import { mintToken } from './support/tokens.js';
import { MINUTE, SECOND, advance, deferred, mintAt, settle, suspend, useFakeTime } from './support/time.js';

useFakeTime();

describe(AccessManager, () => {
  describe('getToken', () => {
    it('resolves to the held token at once when it is valid long enough, without asking the provider', async () => {
      const tokenProvider = vi.fn(() => mintToken());
      const token = mintToken({ ttl: 3600 });
      const manager = new AccessManager(token, { tokenProvider });
      await expect(manager.getToken({ minValidityMs: 30 * MINUTE })).resolves.toBe(token);
      await expect(manager.getToken()).resolves.toBe(token);
      expect(tokenProvider).not.toHaveBeenCalled();
      manager.destroy();
    });

    it('refreshes a shorter token through one provider call for every concurrent caller', async () => {
      const answer = deferred<string>();
      const tokenProvider = vi.fn(() => answer.promise);
      const manager = new AccessManager(mintToken({ ttl: 1800 }), { tokenProvider });
      const callers = [1, 2, 3, 4, 5].map(() => manager.getToken({ minValidityMs: 45 * MINUTE }));
      const refreshed = manager.refresh(); // another trigger joins the same flight
      await advance(SECOND);
      const next = mintAt(SECOND, { ttl: 3600 });
      answer.resolve(next);
      const tokens = await Promise.all(callers);
      expect(tokens.map((token) => token === next)).toEqual([true, true, true, true, true]);
      await expect(refreshed).resolves.toBe(next);
      expect(tokenProvider).toHaveBeenCalledTimes(1);
      manager.destroy();
    });

    it('by default, refreshes a token inside the warning window (aboutToExpireMs)', async () => {
      const tokenProvider = vi.fn(() => mintToken({ ttl: 3600 }));
      const manager = new AccessManager(mintToken({ ttl: 3600 }), {
        tokenProvider,
        aboutToExpireMs: 10 * MINUTE,
      });
      await advance(49 * MINUTE); // 11 minutes left: good
      await expect(manager.getToken()).resolves.toBe(manager.token);
      expect(tokenProvider).not.toHaveBeenCalled();
      await advance(MINUTE + SECOND); // the warning fired, and with it the one refresh
      const token = await manager.getToken();
      expect(tokenProvider).toHaveBeenCalledTimes(1);
      expect(token).toBe(manager.token);
      manager.destroy();
    });

    it('refreshes after a sleep that left the held token too short, before any timer fires', async () => {
      const tokenProvider = vi.fn(() => mintToken({ ttl: 3600 }));
      const manager = new AccessManager(mintToken({ ttl: 3600 }), { tokenProvider });
      suspend(58 * MINUTE); // the laptop slept: no timer has fired, no wake signal yet
      const token = await manager.getToken({ minValidityMs: 5 * MINUTE });
      expect(tokenProvider).toHaveBeenCalledTimes(1);
      expect(token).toBe(manager.token);
      manager.destroy();
    });

    it("rejects with the provider's typed error when an attempt fails (the refresh retrying behind)", async () => {
      let calls = 0;
      const tokenProvider: TokenProvider = () => {
        calls += 1;
        throw new Error('token server down');
      };
      const manager = new AccessManager(null, { tokenProvider });
      const asked = manager.getToken();
      const rejected = expect(asked).rejects.toBeInstanceOf(AccessTokenError);
      await settle();
      await rejected;
      await expect(asked).rejects.toMatchObject({ reason: 'provider-failed' });
      expect(calls).toBe(1);
      manager.destroy();
    });

    it('rejects with session-ended when the provider says the session is over', async () => {
      const tokenProvider = () => Promise.reject(new AccessTokenError('session-ended', { status: 401 }));
      const manager = new AccessManager(null, { tokenProvider });
      await expect(manager.getToken()).rejects.toMatchObject({ reason: 'session-ended' });
      manager.destroy();
    });

    it('rejects with token-too-short when even a fresh token lives less than asked', async () => {
      const manager = new AccessManager(null, { tokenProvider: () => mintToken({ ttl: 600 }) });
      await expect(manager.getToken({ minValidityMs: 20 * MINUTE })).rejects.toMatchObject({
        reason: 'token-too-short',
        facts: { seconds: 600 },
      });
      manager.destroy();
    });

    describe('without a provider', () => {
      it("waits for the app's updateToken", async () => {
        const manager = new AccessManager(mintToken({ ttl: 120 }));
        const asked = manager.getToken({ minValidityMs: 5 * MINUTE });
        await advance(10 * SECOND);
        await manager.updateToken(mintAt(-SECOND, { ttl: 290 })); // still too short
        const next = mintAt(10 * SECOND, { ttl: 3600 });
        await manager.updateToken(next);
        await expect(asked).resolves.toBe(next);
        manager.destroy();
      });

      it('rejects with token-timeout after timeoutMs (30 s by default), leaving no timer', async () => {
        const manager = new AccessManager();
        const asked = manager.getToken();
        const shorter = manager.getToken({ timeoutMs: 5 * SECOND });
        const settled = vi.fn();
        asked.catch(settled);
        const timedOut = expect(shorter).rejects.toMatchObject({
          reason: 'token-timeout',
          facts: { timeoutMs: 5000 },
        });
        await advance(5 * SECOND);
        await timedOut;
        expect(settled).not.toHaveBeenCalled();
        await advance(25 * SECOND);
        await expect(asked).rejects.toMatchObject({ reason: 'token-timeout' });
        manager.destroy();
        expect(vi.getTimerCount()).toBe(0);
      });

      it("rejects with the signal's reason when it aborts", async () => {
        const manager = new AccessManager();
        const controller = new AbortController();
        const asked = manager.getToken({ signal: controller.signal, timeoutMs: Infinity });
        controller.abort(new Error('page left'));
        await expect(asked).rejects.toThrow('page left');
        await expect(manager.getToken({ signal: AbortSignal.abort() })).rejects.toMatchObject({
          name: 'AbortError',
        });
        manager.destroy();
      });

      it('rejects with destroyed when destroy() comes mid-wait, and signed-out on signOut()', async () => {
        const manager = new AccessManager();
        const waiting = manager.getToken();
        manager.signOut();
        await expect(waiting).rejects.toMatchObject({ reason: 'signed-out' });
        const again = manager.getToken(); // the user signs in again: it waits for the token
        await settle();
        const token = mintToken();
        await manager.updateToken(token);
        await expect(again).resolves.toBe(token);

        const later = manager.getToken({ minValidityMs: 2 * 60 * MINUTE });
        manager.destroy();
        await expect(later).rejects.toMatchObject({ reason: 'destroyed' });
        await expect(manager.getToken()).rejects.toMatchObject({ reason: 'destroyed' });
      });
    });

    it('rejects a bad option with invalid-argument', async () => {
      const manager = new AccessManager();
      await expect(manager.getToken({ minValidityMs: -1 })).rejects.toMatchObject({
        reason: 'invalid-argument',
      });
      await expect(manager.getToken({ timeoutMs: 0 })).rejects.toMatchObject({ reason: 'invalid-argument' });
      // @ts-expect-error: a signal must be an AbortSignal
      await expect(manager.getToken({ signal: 'stop' })).rejects.toMatchObject({
        reason: 'invalid-argument',
      });
      // @ts-expect-error: options must be an object
      await expect(manager.getToken(60_000)).rejects.toMatchObject({ reason: 'invalid-argument' });
      manager.destroy();
    });
  });
});
