// Tab sharing as apps meet it: tokens from other tabs, destroy() while a tab waits for its peers,
// and a failing token server seen from several tabs.
import { describe, expect, it, vi } from 'vitest';
import { AccessManager, AccessTokenError } from 'access-token-manager';
import { tabSharing } from 'access-token-manager/tabs';
import { mintToken } from './support/tokens.js';
import { asyncLockGrants, fakeTabs } from './support/tabs.js';
import { HOUR, MINUTE, SECOND, advance, fakeClock, mintAt, settle, useFakeTime } from './support/time.js';

// Captured before the fake timers are installed: unhandled rejections are reported after a real macrotask.
const realSetTimeout = globalThis.setTimeout;

useFakeTime();

describe(AccessManager, () => {
  describe('shareAcrossTabs', () => {
    describe('tokens from other tabs', () => {
      it("adopts a newer token of the same user from another tab, but never another user's", async () => {
        fakeTabs();
        const alice = new AccessManager(mintToken({ identity: 'alice' }), {
          shareAcrossTabs: tabSharing('app'),
        });
        const bob = new AccessManager(mintToken({ identity: 'bob' }), { shareAcrossTabs: tabSharing('app') });
        const bobErrors: AccessTokenError[] = [];
        bob.on('tokenError', (error) => bobErrors.push(error));
        await advance(MINUTE);
        const aliceLater = mintToken({ identity: 'alice' });
        const provider = vi.fn(() => aliceLater);
        const aliceTab2 = new AccessManager(mintAt(-MINUTE, { identity: 'alice' }), {
          shareAcrossTabs: tabSharing('app'),
          tokenProvider: provider,
        });

        await aliceTab2.refresh();
        await settle();

        expect(alice.token).toBe(aliceLater);
        expect(bob.identity).toBe('bob');
        expect(bobErrors).toEqual([]);
        for (const manager of [alice, bob, aliceTab2]) manager.destroy();
      });
    });

    describe('destroy()', () => {
      it('never calls the provider after destroy(), even while the new tab waits for its peers', async () => {
        fakeTabs();
        const { clock } = fakeClock();
        const provider = vi.fn(() => mintToken());
        const manager = new AccessManager(null, {
          clock,
          tokenProvider: provider,
          shareAcrossTabs: tabSharing('app:alice'),
        });
        await settle(); // the first refresh has the lock, and asks the other tabs for their token

        manager.destroy();
        await advance(SECOND);

        expect(provider).not.toHaveBeenCalled();
      });

      it('never calls the provider after destroy(), when the lock is granted after it (browsers grant asynchronously)', async () => {
        fakeTabs();
        asyncLockGrants();
        const provider = vi.fn(() => mintToken());
        const manager = new AccessManager(mintToken(), {
          tokenProvider: provider,
          shareAcrossTabs: tabSharing('app:alice'),
        });
        await advance(SECOND);

        manager.refresh().catch(() => {});
        manager.destroy();
        await settle();

        expect(provider).not.toHaveBeenCalled();
      });

      it('leaves no unhandled rejection when destroyed before the lock is granted and the provider returns the held token', async () => {
        fakeTabs();
        asyncLockGrants();
        const unhandled: unknown[] = [];
        const onUnhandled = (reason: unknown) => unhandled.push(reason);
        process.on('unhandledRejection', onUnhandled);
        const token = mintToken();
        // A token server that caches: it answers with the token the tab already holds.
        const manager = new AccessManager(token, {
          tokenProvider: () => token,
          shareAcrossTabs: tabSharing('app:alice'),
        });

        manager.refresh().catch(() => {});
        manager.destroy();
        await settle();
        await new Promise((resolve) => realSetTimeout(resolve, 10));
        process.off('unhandledRejection', onUnhandled);

        expect(unhandled).toEqual([]);
      });
    });

    describe('while the token server fails', () => {
      it('calls a failing provider far less than once per tab per round', async () => {
        vi.spyOn(Math, 'random').mockReturnValue(0.5); // the same backoff in every tab: the worst case
        const countCalls = async (tabs: number) => {
          fakeTabs();
          const provider = vi.fn(() => Promise.reject(new Error('503 from the token server')));
          const managers = Array.from(
            { length: tabs },
            () =>
              new AccessManager(null, { tokenProvider: provider, shareAcrossTabs: tabSharing('app:alice') }),
          );
          await advance(2 * MINUTE);
          for (const manager of managers) manager.destroy();
          vi.unstubAllGlobals();
          return provider.mock.calls.length;
        };
        const oneTab = await countCalls(1);
        const threeTabs = await countCalls(3);
        expect(oneTab).toBeGreaterThan(3);
        // Without sharing the failure, three tabs make three times the calls of one. With it, the
        // other tabs wait for the failing tab's retry, but call their own provider after a few
        // rounds in a row, so that a tab whose provider fails for its own reasons never starves them.
        expect(threeTabs).toBeLessThan(1.5 * oneTab);
      });

      it('still ends with every tab holding the token once the server recovers', async () => {
        fakeTabs();
        let healthy = false;
        const provider = vi.fn(() => (healthy ? mintToken() : Promise.reject(new Error('503'))));
        const managers = Array.from(
          { length: 3 },
          () =>
            new AccessManager(null, { tokenProvider: provider, shareAcrossTabs: tabSharing('app:alice') }),
        );
        await advance(10 * SECOND);
        healthy = true;
        await advance(MINUTE);
        const tokens = managers.map((manager) => manager.token);
        expect(tokens[0]).not.toBeNull();
        expect(new Set(tokens).size).toBe(1);
        for (const manager of managers) manager.destroy();
      });

      it('a healthy tab still refreshes (and never sees tokenExpired) while another tab keeps failing', async () => {
        fakeTabs();
        // Tab B's provider fails for a reason of its own (its session expired, an old deploy…).
        const failing = vi.fn(() => Promise.reject(new Error('401 from the token server')));
        const working = vi.fn(() => mintToken());
        const b = new AccessManager(mintAt(-MINUTE), {
          tokenProvider: failing,
          shareAcrossTabs: tabSharing('app:alice'),
        });
        const a = new AccessManager(mintToken(), {
          tokenProvider: working,
          shareAcrossTabs: tabSharing('app:alice'),
        });
        b.on('refreshFailed', () => {});
        const aFailures: string[] = [];
        a.on('refreshFailed', (error) => aFailures.push(error.reason));
        const expired = vi.fn();
        a.on('tokenExpired', expired);

        await advance(HOUR + MINUTE);

        expect(working).toHaveBeenCalled();
        expect(expired).not.toHaveBeenCalled();
        a.destroy();
        b.destroy();
      });

      it('refresh() asks the provider again once the failing peer has recovered', async () => {
        fakeTabs();
        let aFails = true;
        const aProvider = vi.fn(() => {
          if (aFails) {
            aFails = false;
            return Promise.reject(new Error('503'));
          }
          return mintToken();
        });
        const bProvider = vi.fn(() => mintToken());
        const retry = { baseDelayMs: 30 * SECOND, maxDelayMs: 30 * SECOND };
        const token = mintToken();
        const a = new AccessManager(token, {
          tokenProvider: aProvider,
          shareAcrossTabs: tabSharing('k'),
          retry,
        });
        const b = new AccessManager(token, {
          tokenProvider: bProvider,
          shareAcrossTabs: tabSharing('k'),
          retry,
        });
        a.on('refreshFailed', () => {});
        const bFailures: string[] = [];
        b.on('refreshFailed', (error) => bFailures.push(error.reason));
        await advance(SECOND);

        const aRefresh = a.refresh(); // fails, tells B it retries in 15-30 s
        await settle();
        void a.refresh(); // "asks now": succeeds, B adopts the token
        await aRefresh;
        await settle();
        expect(b.token).toBe(a.token);

        await advance(SECOND);
        void b.refresh().catch(() => {});
        await settle();

        // Nobody is failing any more, yet B waits for a retry that will never happen.
        expect(bFailures).toEqual([]);
        expect(bProvider).toHaveBeenCalledTimes(1);
        a.destroy();
        b.destroy();
      });
    });
  });
});
