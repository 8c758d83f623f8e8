import { describe, expect, it, vi } from 'vitest';
import {
  AccessManager,
  AccessTokenError,
  type TokenClient,
  type TokenClientHost,
  type TokenProviderContext,
} from 'access-token-manager';
import { mintToken } from './support/tokens.js';
import { recordingClient } from './support/clients.js';
import { MINUTE, SECOND, T0, settle, useFakeTime } from './support/time.js';

useFakeTime();

const nextToken = (grants: ('chat' | 'sync' | 'voice')[]): string => {
  vi.advanceTimersByTime(SECOND);
  return mintToken({ grants });
};

/** A client that keeps the host the manager attached it to, and counts its detaches. */
function attachingClient(preset: Partial<TokenClient> = {}) {
  const state = { host: null as TokenClientHost | null, detached: 0 };
  const client = {
    ...recordingClient(),
    ...preset,
    attach: vi.fn((host: TokenClientHost) => {
      state.host = host;
      return () => void (state.detached += 1);
    }),
  };
  return { client, state };
}

describe(AccessManager, () => {
  describe('register', () => {
    describe('requires', () => {
      it.each([
        ['sync', ['sync'], 'data_sync'],
        ['conversations', ['chat'], 'chat'],
        ['data_sync', ['sync'], 'data_sync'],
      ] as const)('takes %s as the %s grant', async (name, grants, key) => {
        const manager = new AccessManager(mintToken({ grants: ['chat', 'sync'] }));
        const errors: AccessTokenError[] = [];
        manager.on('clientError', (error) => void errors.push(error));
        const client = recordingClient();
        manager.register(client, { requires: name });
        await manager.updateToken(nextToken([...grants]));
        expect(client.tokens).toHaveLength(1);
        await manager.updateToken(nextToken(['voice']));
        expect(client.tokens).toHaveLength(1);
        expect(errors.map((e) => e.facts.grant)).toEqual([key]);
      });

      it.each([['synch'], ['Sync'], [['voice', 'conversation']], [42]])(
        'refuses %j with invalid-argument, leaving the client unregistered',
        async (requires) => {
          const manager = new AccessManager(mintToken());
          const client = recordingClient();
          const attempt = () => manager.register(client, { requires: requires as 'sync' });
          expect(attempt).toThrow(AccessTokenError);
          expect(attempt).toThrow(expect.objectContaining({ reason: 'invalid-argument', code: 0 }));
          expect(attempt).toThrow(/requires must be one of identity, chat, .*conversations, sync/);
          await manager.updateToken(nextToken(['chat']));
          expect(client.tokens).toEqual([]);
        },
      );
    });

    describe('a client that presets its options', () => {
      it('is registered with its own requires and name', async () => {
        const manager = new AccessManager(mintToken());
        const errors: AccessTokenError[] = [];
        manager.on('clientError', (error) => void errors.push(error));
        manager.register({ ...recordingClient(), requires: 'voice', name: 'phone' });
        await manager.updateToken(nextToken(['chat']));
        expect(errors.map((e) => e.message)).toEqual([
          expect.stringContaining('Client "phone" needs the voice grant'),
        ]);
      });

      it('gives way to the options register is given', async () => {
        const manager = new AccessManager(mintToken());
        const client = { ...recordingClient(), requires: 'voice' as const, name: 'phone' };
        manager.register(client, { requires: 'chat' });
        await manager.updateToken(nextToken(['chat']));
        expect(client.tokens).toHaveLength(1);
      });
    });

    describe('attach', () => {
      it('is called once, and what it returns once the client is unregistered', () => {
        const manager = new AccessManager(mintToken());
        const { client, state } = attachingClient();
        const unregister = manager.register(client);
        manager.register(client);
        expect(client.attach).toHaveBeenCalledTimes(1);
        unregister();
        unregister();
        expect(state.detached).toBe(1);
      });

      it('is undone by destroy()', () => {
        const manager = new AccessManager(mintToken());
        const { client, state } = attachingClient();
        manager.register(client);
        manager.destroy();
        expect(state.detached).toBe(1);
      });

      it('may unregister the client at once (an SDK object already shut down)', async () => {
        const manager = new AccessManager(mintToken());
        let detached = 0;
        const client = {
          ...recordingClient(),
          attach(host: TokenClientHost) {
            host.unregister();
            return () => void (detached += 1);
          },
        };
        manager.register(client);
        expect(detached).toBe(1);
        await manager.updateToken(nextToken(['chat']));
        expect(client.tokens).toEqual([]);
      });

      it('hands over a host whose unregister stops the pushes', async () => {
        const manager = new AccessManager(mintToken());
        const { client, state } = attachingClient();
        manager.register(client);
        state.host?.unregister();
        await manager.updateToken(nextToken(['chat']));
        expect(client.tokens).toEqual([]);
        expect(state.detached).toBe(1);
      });
    });

    describe("the host's signals", () => {
      it('aboutToExpire from three clients at once: one provider call', async () => {
        const tokenProvider = vi.fn(async (_context: TokenProviderContext) => nextToken(['chat']));
        const manager = new AccessManager(mintToken(), { tokenProvider });
        const clients = [attachingClient(), attachingClient(), attachingClient()];
        for (const { client } of clients) manager.register(client);
        vi.setSystemTime(manager.expires!.getTime() - 30 * SECOND); // where the servers' words come
        for (const { state } of clients) state.host?.aboutToExpire();
        for (const { state } of clients) state.host?.expired();
        await settle();
        expect(tokenProvider).toHaveBeenCalledTimes(1);
        for (const { client } of clients) expect(client.tokens).toEqual([manager.token]);
      });

      it('expired, with a provider: the refresh is asked for as expired', async () => {
        const tokenProvider = vi.fn(async (_context: TokenProviderContext) => nextToken(['chat']));
        const manager = new AccessManager(mintToken(), { tokenProvider });
        const { client, state } = attachingClient();
        manager.register(client);
        vi.setSystemTime(manager.expires!.getTime() - 30 * SECOND);
        state.host?.expired();
        await settle();
        expect(tokenProvider.mock.calls.map(([context]) => context.reason)).toEqual(['expired']);
      });

      it('a signal after destroy() does nothing', async () => {
        const tokenProvider = vi.fn(async (_context: TokenProviderContext) => nextToken(['chat']));
        const manager = new AccessManager(mintToken(), { tokenProvider });
        const { client, state } = attachingClient();
        manager.register(client);
        manager.destroy();
        vi.setSystemTime(T0 + 59 * MINUTE);
        state.host?.aboutToExpire();
        state.host?.expired();
        await settle();
        expect(tokenProvider).not.toHaveBeenCalled();
      });

      it('rejected: tokenError client-rejected, with the cause and the client name', () => {
        const manager = new AccessManager(mintToken());
        const errors: AccessTokenError[] = [];
        manager.on('tokenError', (error) => void errors.push(error));
        const { client, state } = attachingClient({ name: 'sync' });
        manager.register(client);
        const cause = new Error('denied');
        state.host?.rejected(cause);
        expect(errors.map((e) => [e.reason, e.cause, e.facts.client])).toEqual([
          ['client-rejected', cause, 'sync'],
        ]);
        expect(manager.token).not.toBeNull(); // the token held is kept
      });

      it('pushFailed: clientError client-rejected for that client', () => {
        const manager = new AccessManager(mintToken());
        const errors: [AccessTokenError, TokenClient][] = [];
        manager.on('clientError', (error, client) => void errors.push([error, client]));
        const { client, state } = attachingClient();
        manager.register(client);
        const cause = new Error('socket closed');
        state.host?.pushFailed(cause);
        expect(errors).toEqual([[expect.objectContaining({ reason: 'client-rejected', cause }), client]]);
      });
    });
  });
});
