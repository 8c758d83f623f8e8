// The manager's state as every framework reads it: getSnapshot(), subscribe(), signOut().
import { describe, expect, it, vi } from 'vitest';
import {
  AccessManager,
  AccessTokenError,
  type AccessTokenSnapshot,
  type TokenProvider,
} from 'access-token-manager';
import { tabSharing } from 'access-token-manager/tabs';
import { mintToken } from './support/tokens.js';
import { fakeTabs } from './support/tabs.js';
import {
  HOUR,
  MINUTE,
  SECOND,
  advance,
  deferred,
  fakeClock,
  mintAt,
  settle,
  useFakeTime,
} from './support/time.js';

useFakeTime();

/** Records every snapshot `manager.subscribe` hands out. */
function record(manager: AccessManager) {
  const seen: AccessTokenSnapshot[] = [];
  const unsubscribe = manager.subscribe((snapshot) => seen.push(snapshot));
  return { seen, unsubscribe, last: () => seen[seen.length - 1]! };
}

const sessionOver = (): never => {
  throw new AccessTokenError('session-ended', { status: 401 });
};

describe(AccessManager, () => {
  describe('getSnapshot', () => {
    it('is empty and frozen before any token', () => {
      const manager = new AccessManager();
      expect(manager.getSnapshot()).toEqual({
        token: null,
        identity: null,
        expires: null,
        status: 'empty',
        error: null,
      });
      expect(Object.isFrozen(manager.getSnapshot())).toBe(true);
      manager.destroy();
    });

    it('returns the same object until something in it changes', async () => {
      const token = mintToken({ ttl: 3600 });
      const manager = new AccessManager(token);
      const { getSnapshot } = manager; // bound: usable as is
      const first = getSnapshot();
      expect(first).toMatchObject({ token, identity: 'alice', status: 'valid', error: null });
      await advance(50 * MINUTE);
      manager.check();
      manager.register({ updateToken: () => Promise.reject(new Error('no')) });
      expect(getSnapshot()).toBe(first);
      await manager.updateToken(token); // the same token: nothing
      expect(getSnapshot()).toBe(first);
      manager.destroy();
    });

    it('changes on every accepted token, warning, expiry, refusal, session end and destroy()', async () => {
      const manager = new AccessManager(mintToken({ ttl: 600 }));
      const statuses = [manager.getSnapshot()];
      const changed = (): AccessTokenSnapshot => {
        const now = manager.getSnapshot();
        expect(now).not.toBe(statuses[statuses.length - 1]);
        statuses.push(now);
        return now;
      };

      await manager.updateToken(mintAt(SECOND, { ttl: 600 }));
      expect(changed()).toMatchObject({ status: 'valid' });
      await advance(8 * MINUTE);
      expect(changed()).toMatchObject({ status: 'aboutToExpire' });
      await manager.updateToken('not a token').catch(() => {});
      expect(changed()).toMatchObject({ status: 'aboutToExpire', error: { reason: 'malformed' } });
      await advance(2 * MINUTE);
      expect(changed()).toMatchObject({ status: 'error', error: { reason: 'malformed' } });
      manager.destroy();
      expect(changed()).toMatchObject({ status: 'error', token: null, error: { reason: 'destroyed' } });
    });

    it('is expired, with no error, once tokenExpired fired', async () => {
      const manager = new AccessManager(mintToken({ ttl: 600 }));
      await advance(10 * MINUTE);
      expect(manager.getSnapshot()).toMatchObject({ status: 'expired', error: null });
      manager.destroy();
    });
  });

  describe('subscribe', () => {
    it('calls run at once, then once per change, never for no change', async () => {
      const manager = new AccessManager(mintToken({ ttl: 3600 }));
      const { seen } = record(manager);
      expect(seen).toEqual([manager.getSnapshot()]);

      await advance(30 * MINUTE);
      manager.check();
      expect(seen).toHaveLength(1);
      await advance(27 * MINUTE);
      expect(seen.map((s) => s.status)).toEqual(['valid', 'aboutToExpire']);
      await manager.updateToken(mintAt(57 * MINUTE));
      expect(seen.map((s) => s.status)).toEqual(['valid', 'aboutToExpire', 'valid']);
      expect(new Set(seen).size).toBe(seen.length);
      manager.destroy();
    });

    it('hands each subscriber the newest snapshot once when a subscriber changes the state', async () => {
      const manager = new AccessManager(mintToken());
      const next = mintAt(SECOND);
      const first = vi.fn((snapshot: AccessTokenSnapshot) => {
        if (snapshot.status === 'aboutToExpire') void manager.updateToken(next);
      });
      const second = record(manager);
      manager.subscribe(first);
      await advance(57 * MINUTE);
      expect(second.seen.map((s) => s.status)).toEqual(['valid', 'aboutToExpire', 'valid']);
      expect(manager.token).toBe(next);
      manager.destroy();
    });

    it('unsubscribes inside run, twice, or after destroy()', async () => {
      const manager = new AccessManager(mintToken());
      const calls: string[] = [];
      const unsubscribe = manager.subscribe((snapshot) => {
        calls.push(snapshot.status);
        if (snapshot.status === 'aboutToExpire') unsubscribe();
      });
      await advance(57 * MINUTE);
      await advance(3 * MINUTE);
      expect(calls).toEqual(['valid', 'aboutToExpire']);
      unsubscribe();
      const other = record(manager);
      manager.destroy();
      expect(other.last()).toMatchObject({ status: 'error', error: { reason: 'destroyed' } });
      other.unsubscribe();
      other.unsubscribe();
      const late = record(manager); // after destroy: the last snapshot, once
      expect(late.seen).toHaveLength(1);
      expect(() => late.unsubscribe()).not.toThrow();
    });

    it("tells a subscriber added after the session ended that it ended ('sessionEnded')", async () => {
      const manager = new AccessManager(mintToken({ ttl: 3600 }), { tokenProvider: sessionOver });
      await advance(57 * MINUTE);
      const late = record(manager);
      expect(late.last()).toMatchObject({ status: 'sessionEnded', error: { reason: 'session-ended' } });
      expect(late.last().token).toBe(manager.token); // held until exp
      manager.destroy();
    });
  });

  describe('signOut', () => {
    it('forgets the token, aborts the refresh in flight and stops every automatic refresh', async () => {
      const answer = deferred<string>();
      let aborted = false;
      const tokenProvider = vi.fn<TokenProvider>(({ signal }) => {
        signal.addEventListener('abort', () => (aborted = true));
        return answer.promise;
      });
      const { clock, state, wake } = fakeClock();
      const manager = new AccessManager(mintToken({ ttl: 3600 }), { tokenProvider, clock });
      const errors: AccessTokenError[] = [];
      manager.on('tokenError', (error) => errors.push(error));
      await advance(57 * MINUTE);
      expect(tokenProvider).toHaveBeenCalledTimes(1);
      const pending = manager.refresh();

      manager.signOut();

      await expect(pending).rejects.toMatchObject({ reason: 'signed-out' });
      expect(aborted).toBe(true);
      expect(manager.getSnapshot()).toMatchObject({ status: 'sessionEnded', token: null, error: null });
      expect(manager.token).toBeNull();
      for (let i = 0; i < 10; i++) {
        state.jumpMs += HOUR;
        wake();
        await advance(10 * MINUTE);
      }
      expect(tokenProvider).toHaveBeenCalledTimes(1);
      expect(errors).toEqual([]); // signing out is no error
      manager.destroy();
    });

    it('starts over with refresh() or updateToken() once the user signs in again, any identity', async () => {
      const tokenProvider = vi.fn(() => mintToken({ identity: 'bob' }));
      const manager = new AccessManager(mintToken({ identity: 'alice' }), { tokenProvider });
      manager.signOut();
      const token = await manager.refresh();
      expect(manager.token).toBe(token);
      expect(manager.getSnapshot()).toMatchObject({ status: 'valid', identity: 'bob' });
      await advance(57 * MINUTE); // automatic refreshing is back
      expect(tokenProvider).toHaveBeenCalledTimes(2);

      manager.signOut();
      manager.signOut(); // twice: nothing more
      const carol = mintToken({ identity: 'carol' });
      await manager.updateToken(carol);
      expect(manager.getSnapshot()).toMatchObject({ status: 'valid', token: carol, identity: 'carol' });
      manager.destroy();
      expect(() => manager.signOut()).not.toThrow();
    });

    it('leaves the clients what they hold', async () => {
      const client = { updateToken: vi.fn() };
      const manager = new AccessManager(mintToken());
      manager.register(client);
      manager.signOut();
      expect(client.updateToken).not.toHaveBeenCalled();
      manager.destroy();
    });
  });

  describe('signOut with shareAcrossTabs', () => {
    it('ends the session in every tab of the key; signing in again in one resumes each', async () => {
      fakeTabs();
      const calls = { count: 0 };
      const tokenProvider = () => {
        calls.count += 1;
        return mintToken({ ttl: 3600 });
      };
      const tabs = [0, 1, 2].map(
        () =>
          new AccessManager(mintToken({ ttl: 3600 }), { tokenProvider, shareAcrossTabs: tabSharing('app') }),
      );
      const errors = tabs.map((tab) => {
        const seen: AccessTokenError[] = [];
        tab.on('tokenError', (error) => seen.push(error));
        return seen;
      });
      tabs[1]!.signOut();
      await settle();
      for (const tab of tabs)
        expect(tab.getSnapshot()).toMatchObject({ status: 'sessionEnded', token: null });
      await advance(5 * HOUR);
      expect(calls.count).toBe(0);
      expect(errors.flat()).toEqual([]);

      const refreshed = tabs[2]!.refresh();
      await advance(SECOND); // it asks its peers first: none holds a token
      const token = await refreshed;
      for (const tab of tabs) expect(tab.getSnapshot()).toMatchObject({ status: 'valid', token });
      expect(calls.count).toBe(1);
      for (const tab of tabs) tab.destroy();
    });

    it('ends it in every tab when one hears session-ended (401): one report each, no tab keeps asking', async () => {
      fakeTabs();
      const tokenProvider = vi.fn(sessionOver);
      const tabs = [0, 1, 2].map(
        (i) =>
          new AccessManager(mintAt(i * SECOND, { ttl: 3600 }), {
            tokenProvider,
            shareAcrossTabs: tabSharing('app'),
          }),
      );
      const errors = tabs.map((tab) => {
        const seen: string[] = [];
        tab.on('tokenError', (error) => seen.push(error.reason));
        return seen;
      });
      await advance(57 * MINUTE + 30 * SECOND);
      await advance(3 * HOUR);
      expect(tokenProvider).toHaveBeenCalledTimes(1);
      expect(errors).toEqual([['session-ended'], ['session-ended'], ['session-ended']]);
      for (const tab of tabs) expect(tab.getSnapshot().status).toBe('sessionEnded');
      for (const tab of tabs) tab.destroy();
    });
  });
});
