// Tab sharing as apps meet it: tokens from other tabs, destroy() while a tab waits for its peers,
// and a failing token server seen from several tabs.
import { describe, expect, it, vi } from 'vitest';
import { AccessManager, AccessTokenError } from 'access-token-manager';
import { tabSharing } from 'access-token-manager/tabs';
import { mintToken } from './support/tokens.js';
import { asyncLockGrants, fakeTabs } from './support/tabs.js';
import { HOUR, MINUTE, SECOND, T0, advance, fakeClock, mintAt, settle, useFakeTime } from './support/time.js';

// Captured before the fake timers are installed: unhandled rejections are reported after a real macrotask.
const realSetTimeout = globalThis.setTimeout;

/** A manager sharing key 'k' with a provider, settled, its refresh failures' reasons recorded. */
async function sharingWithProvider() {
  fakeTabs();
  const provider = vi.fn(() => mintToken());
  const manager = new AccessManager(mintToken(), {
    tokenProvider: provider,
    shareAcrossTabs: tabSharing('k'),
  });
  const failures: string[] = [];
  manager.on('refreshFailed', (error) => failures.push(error.reason));
  await settle();
  return { manager, provider, failures };
}

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

    describe('junk on the channel (another script of the origin posting to it)', () => {
      /** Posts `messages` on the share key's channel as a script of the page could, then lets them arrive. */
      async function post(key: string, ...messages: unknown[]) {
        const channel = new BroadcastChannel(`access-token-manager:${key}`);
        for (const message of messages) channel.postMessage(message);
        channel.close();
        await settle();
      }

      it('ignores a broadcast token that does not decode: no tokenError, the token held kept', async () => {
        fakeTabs();
        const token = mintToken();
        const manager = new AccessManager(token, { shareAcrossTabs: tabSharing('app') });
        const errors: string[] = [];
        manager.on('tokenError', (error) => errors.push(error.reason));
        await settle();

        await post(
          'app',
          ...['junk', 'a.b.c', '', '<title'.repeat(10_000)].map((junk) => ({
            type: 'token',
            token: junk,
            from: 'x',
          })),
          'a string',
          null,
          { type: 'token', token: 42, from: 'x' },
          { type: 'token', token: mintToken() }, // no sender
        );

        expect(errors).toEqual([]);
        expect(manager.token).toBe(token);
        manager.destroy();
      });

      it("ends the wait for a failing peer's retry only on a real token, never on junk", async () => {
        const { manager, provider, failures } = await sharingWithProvider();

        await post(
          'k',
          { type: 'failed', retryAtMs: Date.now() + 20 * SECOND, from: 'peer' },
          { type: 'token', token: 'junk', from: 'peer' },
          { type: 'token', token: 'junk' },
        );
        void manager.refresh().catch(() => {});
        await settle();

        expect(failures).toEqual(['peer-retrying']);
        expect(provider).not.toHaveBeenCalled();

        await post('k', { type: 'token', token: mintToken(), from: 'peer' });
        void manager.refresh().catch(() => {});
        await settle();
        expect(provider).toHaveBeenCalledTimes(1);
        manager.destroy();
      });

      it.each([
        ['Infinity', Infinity],
        ['a far future', 1e300],
        ['NaN', Number.NaN],
        ['a time past', 0],
      ])("waits at most 5 minutes for a peer's retry at %s", async (_name, retryAtMs) => {
        const { manager, provider, failures } = await sharingWithProvider();

        await post('k', { type: 'failed', retryAtMs, from: 'peer' });
        await advance(5 * MINUTE + SECOND);
        await manager.refresh();

        expect(failures).toEqual([]);
        expect(provider).toHaveBeenCalledTimes(1);
        manager.destroy();
      });

      it.each([
        ['NaN', Number.NaN],
        ['a time past', 0],
      ])("does not wait at all for a peer's retry at %s", async (_name, retryAtMs) => {
        const { manager, provider, failures } = await sharingWithProvider();

        await post('k', { type: 'failed', retryAtMs, from: 'peer' });
        await manager.refresh();

        expect(failures).toEqual([]);
        expect(provider).toHaveBeenCalledTimes(1);
        manager.destroy();
      });

      it("ignores an 'ended' message whose fields are not a tab's; a tab's ends the session", async () => {
        fakeTabs();
        const token = mintToken();
        const manager = new AccessManager(token, { shareAcrossTabs: tabSharing('app') });
        const errors: AccessTokenError[] = [];
        manager.on('tokenError', (error) => errors.push(error));
        await settle();

        await post(
          'app',
          { type: 'ended', from: 'x' }, // no signedOut
          { type: 'ended', from: 'x', signedOut: 'yes', status: undefined },
          { type: 'ended', from: 'x', signedOut: 1, status: undefined },
          { type: 'ended', from: 'x', signedOut: false, status: '401' },
          { type: 'ended', from: 'x', signedOut: false, status: 1e308 },
          { type: 'ended', from: 'x', signedOut: false, status: 401.5 },
          { type: 'ended', signedOut: true, status: undefined }, // no sender
        );

        expect(errors).toEqual([]);
        expect(manager.getSnapshot()).toMatchObject({ status: 'valid', token });

        await post('app', { type: 'ended', from: 'peer', signedOut: false, status: 401 });

        expect(errors.map((error) => [error.reason, error.facts.status])).toEqual([['session-ended', 401]]);
        expect(manager.getSnapshot().status).toBe('sessionEnded');
        manager.destroy();
      });
    });

    describe('time to the first token', () => {
      /** A manager of a tab of the app that shares `app:alice`. */
      const tab = (token: string | null, tokenProvider?: () => string) =>
        new AccessManager(token, {
          shareAcrossTabs: tabSharing('app:alice'),
          ...(tokenProvider && { tokenProvider }),
        });

      it('the only tab asks nobody: its provider is called at once, the clock unmoved', async () => {
        fakeTabs();
        const provider = vi.fn(() => mintToken());
        const only = tab(null, provider);

        await settle();

        expect(provider).toHaveBeenCalledTimes(1);
        expect(only.token).toBe(provider.mock.results[0]!.value);
        expect(Date.now()).toBe(T0);
        only.destroy();
      });

      it("a new tab takes an open peer's token without its provider and without waiting", async () => {
        fakeTabs();
        const first = tab(mintToken());
        const provider = vi.fn(() => mintToken());
        const second = tab(null, provider);

        await settle();

        expect(provider).not.toHaveBeenCalled();
        expect(second.token).toBe(first.token);
        expect(Date.now()).toBe(T0);
        first.destroy();
        second.destroy();
      });

      it('two tabs opened at the same instant make one provider call between them, neither waiting', async () => {
        fakeTabs();
        const provider = vi.fn(() => mintToken());
        const tabs = [tab(null, provider), tab(null, provider)];

        await settle();

        expect(provider).toHaveBeenCalledTimes(1);
        expect(tabs.map((manager) => manager.token)).toEqual([
          provider.mock.results[0]!.value,
          provider.mock.results[0]!.value,
        ]);
        expect(Date.now()).toBe(T0);
        for (const manager of tabs) manager.destroy();
      });

      it('a peer that is open but does not run (frozen) delays a new tab by 200 ms at most', async () => {
        const fake = fakeTabs();
        const frozen = tab(mintToken());
        fake.freezeNewestTab();
        const provider = vi.fn(() => mintToken());
        const late = tab(null, provider);

        await advance(199);
        expect(provider).not.toHaveBeenCalled();
        await advance(1);

        expect(provider).toHaveBeenCalledTimes(1);
        expect(late.token).toBe(provider.mock.results[0]!.value);
        frozen.destroy();
        late.destroy();
      });

      it('a peer that closes while it is asked is not waited for: its presence lock is released', async () => {
        const fake = fakeTabs();
        const closing = tab(mintToken());
        fake.freezeNewestTab();
        const provider = vi.fn(() => mintToken());
        const late = tab(null, provider);
        await settle(); // asked: the frozen peer does not answer
        expect(provider).not.toHaveBeenCalled();

        closing.destroy(); // as a closing tab does, it lets go of its locks

        await settle();
        expect(provider).toHaveBeenCalledTimes(1);
        expect(Date.now()).toBe(T0);
        late.destroy();
      });

      it('takes the first answer at once, and a newer token from a slower peer after it', async () => {
        fakeTabs();
        const olderToken = mintAt(-58 * MINUTE); // expires in 2 minutes
        const newerToken = mintToken();
        const older = tab(olderToken); // answers first
        const newer = tab(newerToken);
        const provider = vi.fn(() => mintToken());
        const late = tab(null, provider);
        const taken: string[] = [];
        late.on('tokenUpdated', (manager) => taken.push(manager.token!));

        await settle();

        expect(taken).toEqual([olderToken, newerToken]);
        expect(older.token).toBe(newerToken); // answers go to every tab
        expect(provider).not.toHaveBeenCalled();
        expect(Date.now()).toBe(T0);
        for (const manager of [older, newer, late]) manager.destroy();
      });

      it("takes a peer's token about to expire at once, and renews it at half its remaining life", async () => {
        fakeTabs();
        const older = tab(mintAt(-58 * MINUTE)); // expires in 2 minutes
        const provider = vi.fn(() => mintToken());
        const late = tab(null, provider);

        await settle();
        expect(late.token).toBe(older.token);
        expect(provider).not.toHaveBeenCalled();

        await advance(MINUTE);
        expect(provider).toHaveBeenCalledTimes(1);
        expect(late.token).toBe(provider.mock.results[0]!.value);
        older.destroy();
        late.destroy();
      });
    });

    describe('destroy()', () => {
      it('never calls the provider after destroy(), even while the new tab waits for its peers', async () => {
        const tabs = fakeTabs();
        // An open peer that does not run (a frozen tab): the new tab waits for its answer.
        const frozen = new AccessManager(mintToken(), { shareAcrossTabs: tabSharing('app:alice') });
        tabs.freezeNewestTab();
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
        frozen.destroy();
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
