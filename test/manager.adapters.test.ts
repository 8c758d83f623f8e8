// What an adapter (a client with attach(host), as access-token-manager/sdks makes them) can and cannot do
// to the manager: a broken adapter never breaks register() or destroy(), and an SDK's word counts
// only for the token it holds, while it is registered, and once per token.
import { describe, expect, it, vi } from 'vitest';
import { AccessManager, AccessTokenError } from 'access-token-manager';
import { hostedClient, nextToken, recordingClient } from './support/clients.js';
import { MINUTE, SECOND, fakeClock, settle, useFakeTime } from './support/time.js';
import { mintToken } from './support/tokens.js';

useFakeTime();

const next = nextToken;

describe(AccessManager, () => {
  describe('register', () => {
    it('refuses a client whose attach throws with a typed error, and leaves it unregistered', async () => {
      const manager = new AccessManager(mintToken());
      const cause = new TypeError('adapter bug');
      const client = {
        ...recordingClient(),
        attach() {
          throw cause;
        },
      };

      let thrown: unknown;
      try {
        manager.register(client);
      } catch (error) {
        thrown = error;
      }

      expect(thrown).toBeInstanceOf(AccessTokenError);
      expect((thrown as AccessTokenError).cause).toBe(cause);
      await manager.updateToken(next());
      expect(client.tokens).toEqual([]);
    });
  });

  describe('destroy', () => {
    it('finishes when an adapter’s undo throws: the others are detached, no timer or listener is left', async () => {
      const reported = vi.spyOn(console, 'error').mockImplementation(() => {});
      const manager = new AccessManager(mintToken(), { clientTimeoutMs: 5 * SECOND });
      const clientErrors: string[] = [];
      manager.on('clientError', (error) => clientErrors.push(error.reason));
      let detachedLater = 0;
      manager.register({ updateToken: () => new Promise(() => {}) });
      manager.register({
        updateToken: () => {},
        attach: () => () => {
          throw new Error('detach bug');
        },
      });
      manager.register({ updateToken: () => {}, attach: () => () => void detachedLater++ });
      void manager.updateToken(next()).catch(() => {});

      expect(() => manager.destroy()).not.toThrow();

      expect(detachedLater).toBe(1);
      await vi.advanceTimersByTimeAsync(6 * SECOND);
      expect(clientErrors).toEqual([]);
      expect(manager.listenerCount('clientError')).toBe(0);
      expect(reported).toHaveBeenCalledWith(new Error('detach bug'));
    });
  });

  describe('updateToken', () => {
    it('treats a client result whose then getter throws as that client failing, and serves the others', async () => {
      const manager = new AccessManager(mintToken());
      const after = recordingClient();
      const clientErrors: string[] = [];
      manager.on('clientError', (error) => clientErrors.push(error.reason));
      manager.register({
        updateToken: () => ({
          get then() {
            throw new Error('hostile thenable');
          },
        }),
      });
      manager.register(after);
      const token = next();

      await manager.updateToken(token);

      expect(after.tokens).toEqual([token]);
      expect(clientErrors).toEqual(['client-rejected']);
    });
  });

  describe('constructor', () => {
    it('leaves no wake listener behind when shareAcrossTabs.connect throws', () => {
      const { clock } = fakeClock();
      let subscribed = 0;
      let unsubscribed = 0;
      const counting = {
        ...clock,
        onWake: (callback: () => void) => {
          subscribed += 1;
          const stop = clock.onWake(callback);
          return () => {
            unsubscribed += 1;
            stop();
          };
        },
      };

      expect(
        () =>
          new AccessManager(null, {
            clock: counting,
            tokenProvider: async () => '',
            shareAcrossTabs: {
              connect: () => {
                throw new Error('no BroadcastChannel here');
              },
            },
          }),
      ).toThrow();
      expect(subscribed - unsubscribed).toBe(0);
    });
  });

  describe("an SDK's word through its host", () => {
    it('is ignored for a token the client was never handed (a missing grant)', async () => {
      const manager = new AccessManager(mintToken({ grants: ['chat', 'voice'] }));
      const { client, state } = hostedClient({ requires: 'voice' });
      manager.register(client);
      const expired = vi.fn();
      manager.on('tokenExpired', expired);
      manager.on('clientError', () => {});
      await manager.updateToken(next({ grants: ['chat'] }));

      state.host!.expired(); // the Device's own, older token ran out

      expect(expired).not.toHaveBeenCalled();
      expect(manager.isExpired).toBe(false);
    });

    it('is ignored once the client is unregistered', () => {
      const manager = new AccessManager(mintToken());
      const { client, state } = hostedClient();
      const unregister = manager.register(client);
      unregister();
      const tokenErrors = vi.fn();
      manager.on('tokenError', tokenErrors);

      state.host!.rejected(new Error('late'));
      state.host!.expired();

      expect(tokenErrors).not.toHaveBeenCalled();
      expect(manager.isExpired).toBe(false);
    });

    it('asks for one refresh, and a warning that arrives after it is taken to be about the token before', async () => {
      const tokenProvider = vi.fn(async () => mintToken());
      const manager = new AccessManager(mintToken(), { tokenProvider });
      const first = hostedClient();
      const late = hostedClient();
      manager.register(first.client);
      manager.register(late.client);
      vi.setSystemTime(manager.expires!.getTime() - 2 * MINUTE); // the servers warn near the end

      first.state.host!.aboutToExpire();
      await settle();
      expect(tokenProvider).toHaveBeenCalledTimes(1);
      late.state.host!.aboutToExpire(); // queued behind the update that carried the new token
      await settle();

      expect(tokenProvider).toHaveBeenCalledTimes(1);
      expect(late.client.tokens).toEqual([manager.token]);
    });
  });
});
