// How signOut(), destroy(), the first token's deferred announcement, subscribers and listeners
// meet: what separate changes to the core could not see of each other.
import { describe, expect, it, vi } from 'vitest';
import { AccessManager, type AccessTokenSnapshot } from 'access-token-manager';
import { tabSharing } from 'access-token-manager/tabs';
import { hostedClient } from './support/clients.js';
import { mintToken } from './support/tokens.js';
import { fakeTabs } from './support/tabs.js';
import { HOUR, MINUTE, SECOND, advance, fakeClock, mintAt, settle, useFakeTime } from './support/time.js';

useFakeTime();

describe(AccessManager, () => {
  describe('signOut() right after the constructor', () => {
    it('does not announce the forgotten first token as tokenUpdated', async () => {
      const manager = new AccessManager(mintToken({ ttl: 3600 }));
      const updated = vi.fn();
      manager.on('tokenUpdated', updated);
      manager.signOut();
      await settle();
      expect(manager.token).toBeNull();
      expect(updated).not.toHaveBeenCalled();
      manager.destroy();
    });

    it('does not ask the provider for a first token', async () => {
      const tokenProvider = vi.fn(() => Promise.resolve(mintToken({ ttl: 3600 })));
      const manager = new AccessManager(null, { tokenProvider });
      manager.signOut();
      await settle();
      expect(tokenProvider).not.toHaveBeenCalled();
      expect(manager.getSnapshot().status).toBe('sessionEnded');
      manager.destroy();
    });
  });

  describe('a refused first token', () => {
    it('is waited out by a getToken() asked at once: the provider’s token answers it', async () => {
      const expired = mintAt(-2 * HOUR, { ttl: 3600 }); // say, rendered on the server long ago
      const manager = new AccessManager(expired, { tokenProvider: () => mintToken({ ttl: 3600 }) });
      const errors = vi.fn();
      manager.on('tokenError', errors);
      const asked = manager.getToken();
      asked.catch(() => {});
      await advance(SECOND);
      await expect(asked).resolves.toBe(manager.token);
      expect(errors).toHaveBeenCalledTimes(1); // still reported, a microtask after new
      manager.destroy();
    });

    it('leaves no error in the snapshot once a token given at once is taken', async () => {
      const manager = new AccessManager('not a token');
      const errors = vi.fn();
      manager.on('tokenError', errors).on('error', errors);
      await manager.updateToken(mintToken({ ttl: 3600 }));
      await settle();
      expect(manager.getSnapshot()).toMatchObject({ status: 'valid', error: null });
      expect(errors).toHaveBeenCalledTimes(2);
      manager.destroy();
    });
  });

  describe('getToken() after an SDK’s server refused the token', () => {
    it('does not hand out the refused token, and asks the provider now, as refresh() does', async () => {
      const tokenProvider = vi.fn(() => mintAt(SECOND, { ttl: 3600 }));
      const retry = { baseDelayMs: MINUTE, maxDelayMs: MINUTE }; // a refusal waits 30 to 60 s
      const manager = new AccessManager(mintToken({ ttl: 3600 }), { tokenProvider, retry });
      const { client, state } = hostedClient();
      manager.register(client);
      await settle();
      const refused = manager.token;
      state.host!.rejected(new Error('20104 Access Token expired or expiration date invalid'));

      let token: string | undefined;
      void manager.getToken({ timeoutMs: 10 * SECOND }).then((got) => (token = got));
      await advance(SECOND);

      expect(token).toBeDefined();
      expect(token).not.toBe(refused);
      expect(tokenProvider).toHaveBeenCalledTimes(1);
      manager.destroy();
    });
  });

  describe('subscribe', () => {
    it('a subscriber that throws neither refuses the token nor stops the others', async () => {
      const reported = vi.spyOn(console, 'error').mockImplementation(() => {});
      const { clock, timers } = fakeClock();
      const manager = new AccessManager(mintToken({ ttl: 3600 }), { clock });
      const next = mintAt(SECOND, { ttl: 600 });
      const seen: AccessTokenSnapshot[] = [];
      manager.subscribe((snapshot) => {
        if (snapshot.token === next) throw new Error('render failed');
      });
      manager.subscribe((snapshot) => seen.push(snapshot));
      const tokenError = vi.fn();
      const updated = vi.fn();
      manager.on('tokenError', tokenError).on('tokenUpdated', updated);

      await expect(manager.updateToken(next)).resolves.toBe(manager);

      expect(seen.at(-1)?.token).toBe(next);
      expect(updated).toHaveBeenCalledTimes(1);
      expect(tokenError).not.toHaveBeenCalled();
      expect(reported).toHaveBeenCalledWith(new Error('render failed'));
      expect(timers.size).toBeGreaterThan(0); // its warning is armed
      manager.destroy();
      reported.mockRestore();
    });

    it('a subscriber that throws at destroy() leaves no timer or wake listener behind', () => {
      const reported = vi.spyOn(console, 'error').mockImplementation(() => {});
      const { clock, timers, wakeListeners } = fakeClock();
      const manager = new AccessManager(mintToken({ ttl: 3600 }), { clock });
      manager.subscribe(({ status }) => {
        if (status === 'error') throw new Error('render failed');
      });
      manager.destroy();
      expect(timers.size).toBe(0);
      expect(wakeListeners.size).toBe(0);
      reported.mockRestore();
    });

    it('destroy() by a subscriber as a token is taken leaves no timer behind', async () => {
      const { clock, timers } = fakeClock();
      const manager = new AccessManager(mintToken({ ttl: 3600 }), { clock });
      const next = mintAt(SECOND, { ttl: 600 });
      manager.subscribe((snapshot) => snapshot.token === next && manager.destroy());
      await manager.updateToken(next).catch(() => {});
      expect(timers.size).toBe(0);
    });

    it('signOut() by a subscriber as a token is taken: no tokenUpdated for it, no timer left', async () => {
      const { clock, timers } = fakeClock();
      const manager = new AccessManager(mintToken({ ttl: 3600 }), { clock });
      await settle();
      const next = mintAt(SECOND, { ttl: 600 });
      manager.subscribe((snapshot) => snapshot.token === next && manager.signOut());
      const updated = vi.fn();
      manager.on('tokenUpdated', updated);
      await manager.updateToken(next).catch(() => {});
      expect(manager.token).toBeNull();
      expect(timers.size).toBe(0);
      await vi.advanceTimersByTimeAsync(10 * MINUTE);
      expect(updated).not.toHaveBeenCalled();
      manager.destroy();
    });
    it('a token a subscriber gives as another is taken has its own warning armed, and one tokenUpdated', async () => {
      const manager = new AccessManager(mintToken({ ttl: 3600 }));
      await settle();
      const next = mintAt(SECOND, { ttl: 3600 });
      const shorter = mintAt(2 * SECOND, { ttl: 600 }); // issued later, expires sooner: not stale
      manager.subscribe((snapshot) => snapshot.token === next && void manager.updateToken(shorter));
      const updated = vi.fn();
      const warned = vi.fn();
      manager.on('tokenUpdated', () => updated(manager.token)).on('tokenAboutToExpire', warned);
      await manager.updateToken(next);
      expect(manager.token).toBe(shorter);
      expect(updated.mock.calls).toEqual([[shorter]]);
      await vi.advanceTimersByTimeAsync(8 * MINUTE); // its warning is due at 7 min
      expect(warned).toHaveBeenCalledTimes(1);
      manager.destroy();
    });
  });

  describe('the expiry moments', () => {
    it('a subscriber that gives a new token as the warning comes gets no warning about it', async () => {
      const manager = new AccessManager(mintToken({ ttl: 600 }));
      const next = mintAt(6 * MINUTE, { ttl: 3600 });
      manager.subscribe(({ status }) => status === 'aboutToExpire' && void manager.updateToken(next));
      const warned = vi.fn();
      manager.on('tokenAboutToExpire', warned).on('tokenWillExpire', warned);
      await vi.advanceTimersByTimeAsync(8 * MINUTE);
      expect(manager.getSnapshot()).toMatchObject({ token: next, status: 'valid' });
      expect(warned).not.toHaveBeenCalled();
      manager.destroy();
    });

    it('a subscriber that signs out as the token expires: no tokenExpired for the forgotten token', async () => {
      const manager = new AccessManager(mintToken({ ttl: 600 }));
      manager.subscribe(({ status }) => status === 'expired' && manager.signOut());
      const expired = vi.fn();
      manager.on('tokenExpired', expired);
      await vi.advanceTimersByTimeAsync(11 * MINUTE);
      expect(manager.getSnapshot()).toMatchObject({ token: null, status: 'sessionEnded' });
      expect(expired).not.toHaveBeenCalled();
      manager.destroy();
    });
  });

  describe('signOut() by a listener of the warning', () => {
    it('wins over a token an earlier listener gave, which is refused signed-out', async () => {
      const manager = new AccessManager(mintToken({ ttl: 600 }));
      const next = mintAt(6 * MINUTE, { ttl: 3600 });
      let given: Promise<unknown> | undefined;
      manager.on('tokenAboutToExpire', () => {
        given = manager.updateToken(next);
        given.catch(() => {});
      });
      manager.on('tokenWillExpire', () => manager.signOut());
      await vi.advanceTimersByTimeAsync(8 * MINUTE);
      expect(manager.getSnapshot()).toMatchObject({ token: null, status: 'sessionEnded' });
      await expect(given).rejects.toMatchObject({ reason: 'signed-out' });
      manager.destroy();
    });
  });

  describe('signOut() followed at once by a sign-in', () => {
    it('a subscriber that gives a token on sessionEnded has it warned of and refreshed', async () => {
      let calls = 0;
      const tokenProvider = () => (calls++, mintToken({ ttl: 600 }));
      const manager = new AccessManager(mintToken({ ttl: 3600 }), { tokenProvider });
      await settle();
      const next = mintAt(SECOND, { ttl: 600 });
      manager.subscribe(({ status }) => status === 'sessionEnded' && void manager.updateToken(next));
      const warned = vi.fn();
      manager.on('tokenAboutToExpire', warned);
      manager.signOut();
      expect(manager.getSnapshot()).toMatchObject({ token: next, status: 'valid' });
      await vi.advanceTimersByTimeAsync(8 * MINUTE);
      expect(warned).toHaveBeenCalledTimes(1);
      expect(calls).toBe(1);
      manager.destroy();
    });
  });

  describe('signOut() with shareAcrossTabs', () => {
    it('a tab signing out as a peer’s refresh takes its token is not signed back in by that token', async () => {
      fakeTabs();
      const tokenProvider = () => mintAt(SECOND, { ttl: 3600 });
      const tabs = [0, 1].map(
        () =>
          new AccessManager(mintToken({ ttl: 3600 }), { tokenProvider, shareAcrossTabs: tabSharing('app') }),
      );
      await settle();
      tabs[1]!.once('tokenUpdated', () => tabs[0]!.signOut());
      await tabs[1]!.refresh().catch(() => {});
      await advance(SECOND);
      for (const tab of tabs)
        expect(tab.getSnapshot()).toMatchObject({ status: 'sessionEnded', token: null });
      for (const tab of tabs) tab.destroy();
    });
  });
});
