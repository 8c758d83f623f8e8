import { describe, expect, it, vi } from 'vitest';
import { AccessManager, AccessTokenError, type TokenClient } from 'access-token-manager';
import { craftToken, goodPayload, mintToken, without } from './support/tokens.js';
import { recordingClient } from './support/clients.js';
import { HOUR, SECOND, T0, deferred, mintAt, settle, useFakeTime } from './support/time.js';

useFakeTime();

/** A manager holding a first token, and a second token one second newer to hand it. */
function managerWithNextToken(options: Parameters<typeof mintToken>[0] = {}) {
  const manager = new AccessManager(mintToken(options));
  vi.advanceTimersByTime(SECOND);
  return { manager, next: mintToken(options) };
}

/** Records every clientError of `manager` as [error, client] pairs. */
function recordClientErrors(manager: AccessManager): [AccessTokenError, TokenClient][] {
  const errors: [AccessTokenError, TokenClient][] = [];
  manager.on('clientError', (error, client) => void errors.push([error, client]));
  return errors;
}

/** Whether `promise` has settled, after letting pending callbacks run. */
async function hasSettled(promise: Promise<unknown>): Promise<boolean> {
  let settled = false;
  promise.then(
    () => (settled = true),
    () => (settled = true),
  );
  await vi.advanceTimersByTimeAsync(0);
  return settled;
}

const failure = new Error('socket closed');

const failingClients: {
  name: string;
  client: () => TokenClient;
  reason: string;
  cause?: unknown;
  waitMs: number;
}[] = [
  {
    name: 'throws',
    client: () => ({
      updateToken: () => {
        throw failure;
      },
    }),
    reason: 'client-rejected',
    cause: failure,
    waitMs: 0,
  },
  {
    name: 'rejects',
    client: () => ({ updateToken: () => Promise.reject(failure) }),
    reason: 'client-rejected',
    cause: failure,
    waitMs: 0,
  },
  {
    name: 'hangs',
    client: () => ({ updateToken: () => new Promise(() => {}) }),
    reason: 'client-timeout',
    waitMs: 10 * SECOND,
  },
];

describe(AccessManager, () => {
  describe('updateToken', () => {
    it('pushes the new token to every registered client', async () => {
      const { manager, next } = managerWithNextToken();
      const clients = [recordingClient(), recordingClient(), recordingClient()];
      for (const client of clients) manager.register(client);

      await manager.updateToken(next);

      for (const client of clients) expect(client.tokens).toEqual([next]);
    });

    it('hands each client every accepted token, in order', async () => {
      const manager = new AccessManager(mintToken());
      const client = recordingClient();
      manager.register(client);
      const tokens: string[] = [];
      for (let i = 0; i < 3; i += 1) {
        vi.advanceTimersByTime(SECOND);
        tokens.push(mintToken());
        await manager.updateToken(tokens[i] as string);
      }

      expect(client.tokens).toEqual(tokens);
    });

    it('leaves every client with the newest token when a tokenUpdated listener updates again', async () => {
      const { manager, next } = managerWithNextToken();
      const client = recordingClient();
      manager.register(client);
      vi.advanceTimersByTime(SECOND);
      const newest = mintToken();
      manager.once('tokenUpdated', () => void manager.updateToken(newest));

      await manager.updateToken(next);
      await vi.advanceTimersByTimeAsync(0);

      const label = (token: string | null | undefined) => (token === newest ? 'newest' : 'older');
      expect(label(manager.token)).toBe('newest');
      // The client must not be left holding an older token than the manager's.
      expect(label(client.tokens.at(-1))).toBe('newest');
    });

    it('does not wait for a slow client before calling the others', async () => {
      const { manager, next } = managerWithNextToken();
      manager.register({ updateToken: () => new Promise(() => {}) });
      const fast = recordingClient();
      manager.register(fast);

      const updating = manager.updateToken(next);

      expect(fast.tokens).toEqual([next]);
      await vi.advanceTimersByTimeAsync(10 * SECOND);
      await updating;
    });

    describe.each(failingClients)(
      'with a client that $name',
      ({ client: makeClient, reason, cause, waitMs }) => {
        it(`reports it as clientError (${reason})`, async () => {
          const { manager, next } = managerWithNextToken();
          const bad = makeClient();
          manager.register(bad, { name: 'conversations' });
          const errors = recordClientErrors(manager);

          const updating = manager.updateToken(next);
          await vi.advanceTimersByTimeAsync(waitMs);
          await updating;

          expect(errors).toHaveLength(1);
          const [error, client] = errors[0] as [AccessTokenError, TokenClient];
          expect(client).toBe(bad);
          expect(error).toBeInstanceOf(AccessTokenError);
          expect(error.reason).toBe(reason);
          expect(error.message).toContain('conversations');
          if (cause !== undefined) expect(error.cause).toBe(cause);
          expect(error.message).not.toContain(next);
        });

        it('still updates the other clients, and updateToken resolves to the manager', async () => {
          const { manager, next } = managerWithNextToken();
          const before = recordingClient();
          const after = recordingClient();
          manager.register(before);
          manager.register(makeClient());
          manager.register(after);
          recordClientErrors(manager);

          const updating = manager.updateToken(next);
          await vi.advanceTimersByTimeAsync(waitMs);

          await expect(updating).resolves.toBe(manager);
          expect(before.tokens).toEqual([next]);
          expect(after.tokens).toEqual([next]);
          expect(manager.token).toBe(next);
        });

        it('keeps it registered for the next token', async () => {
          const { manager, next } = managerWithNextToken();
          const bad = vi.fn(makeClient().updateToken);
          manager.register({ updateToken: bad });
          recordClientErrors(manager);
          const first = manager.updateToken(next);
          await vi.advanceTimersByTimeAsync(waitMs);
          await first;
          vi.advanceTimersByTime(SECOND);
          const third = mintToken();

          const second = manager.updateToken(third);
          await vi.advanceTimersByTimeAsync(waitMs);
          await second;

          expect(bad.mock.calls).toEqual([[next], [third]]);
        });
      },
    );

    describe('time limit', () => {
      it('is 10 s by default', async () => {
        const { manager, next } = managerWithNextToken();
        const hanging = { updateToken: () => new Promise(() => {}) };
        manager.register(hanging);
        const errors = recordClientErrors(manager);
        const updating = manager.updateToken(next);

        await vi.advanceTimersByTimeAsync(10 * SECOND - 1);
        expect(errors).toEqual([]);
        expect(await hasSettled(updating)).toBe(false);

        await vi.advanceTimersByTimeAsync(1);
        expect(errors).toHaveLength(1);
        expect(errors[0]?.[0]).toMatchObject({ reason: 'client-timeout', facts: { timeoutMs: 10_000 } });
        expect(await hasSettled(updating)).toBe(true);
      });

      it('follows the clientTimeoutMs option', async () => {
        const manager = new AccessManager(mintToken(), { clientTimeoutMs: 500 });
        manager.register({ updateToken: () => new Promise(() => {}) });
        const errors = recordClientErrors(manager);
        vi.advanceTimersByTime(SECOND);
        const updating = manager.updateToken(mintToken());

        await vi.advanceTimersByTimeAsync(499);
        expect(errors).toEqual([]);
        await vi.advanceTimersByTimeAsync(1);

        expect(errors.map(([error]) => error.reason)).toEqual(['client-timeout']);
        await expect(updating).resolves.toBe(manager);
      });

      it('does not report a slow client that takes the token in time', async () => {
        const { manager, next } = managerWithNextToken();
        manager.register({
          updateToken: () => new Promise((resolve) => setTimeout(resolve, 9 * SECOND)),
        });
        const errors = recordClientErrors(manager);

        const updating = manager.updateToken(next);
        await vi.advanceTimersByTimeAsync(20 * SECOND);
        await updating;

        expect(errors).toEqual([]);
      });

      it('leaves no timer behind once every client has taken the token', async () => {
        const { manager, next } = managerWithNextToken();
        manager.register(recordingClient());
        manager.register({ updateToken: () => Promise.resolve() });
        const pendingBefore = vi.getTimerCount();

        await manager.updateToken(next);

        expect(vi.getTimerCount()).toBe(pendingBefore);
      });
    });

    describe('with a client that requires a grant', () => {
      it('does not hand it a token that lacks the grant, and reports clientError 20106', async () => {
        const { manager, next } = managerWithNextToken({ grants: ['chat'] });
        const voice = recordingClient();
        const chat = recordingClient();
        manager.register(voice, { requires: 'voice', name: 'voice' });
        manager.register(chat, { requires: 'chat', name: 'conversations' });
        const errors = recordClientErrors(manager);

        await manager.updateToken(next);

        expect(voice.updateToken).not.toHaveBeenCalled();
        expect(chat.tokens).toEqual([next]);
        expect(errors).toHaveLength(1);
        const [error, client] = errors[0] as [AccessTokenError, TokenClient];
        expect(client).toBe(voice);
        expect(error).toBeInstanceOf(AccessTokenError);
        expect(error).toMatchObject({
          code: 20106,
          reason: 'client-missing-grant',
          facts: { grant: 'voice', client: 'voice' },
        });
        expect(error.message).toContain('voice');
      });

      it('checks every grant of a list', async () => {
        const { manager, next } = managerWithNextToken({ grants: ['chat'] });
        const client = recordingClient();
        manager.register(client, { requires: ['chat', 'video'] });
        const errors = recordClientErrors(manager);

        await manager.updateToken(next);

        expect(client.updateToken).not.toHaveBeenCalled();
        expect(errors.map(([error]) => error.facts.grant)).toEqual(['video']);
      });

      it('hands it a token that has every required grant', async () => {
        const { manager, next } = managerWithNextToken({ grants: ['chat', 'voice', 'sync'] });
        const client = recordingClient();
        manager.register(client, { requires: ['voice', 'data_sync', 'chat'] });
        const errors = recordClientErrors(manager);

        await manager.updateToken(next);

        expect(client.tokens).toEqual([next]);
        expect(errors).toEqual([]);
      });

      it("treats 'identity' as required when asked", async () => {
        const manager = new AccessManager(craftToken(goodPayload({ grants: { chat: {} } })));
        vi.advanceTimersByTime(SECOND);
        const client = recordingClient();
        manager.register(client, { requires: 'identity' });
        const errors = recordClientErrors(manager);

        await manager.updateToken(craftToken(goodPayload({ grants: { chat: {}, video: {} } })));

        expect(client.updateToken).not.toHaveBeenCalled();
        expect(errors.map(([error]) => error.reason)).toEqual(['client-missing-grant']);
      });
    });

    it('never pushes an expired token', async () => {
      const manager = new AccessManager(mintToken());
      const client = recordingClient();
      manager.register(client);
      const nowS = T0 / 1000;
      const expired = craftToken(goodPayload({ iat: nowS - 2 * 3600, exp: nowS - 3600 }));

      await expect(manager.updateToken(expired)).rejects.toMatchObject({ reason: 'expired' });

      expect(client.updateToken).not.toHaveBeenCalled();
    });

    it('never pushes a token whose exp is already due by the server clock', async () => {
      const manager = new AccessManager(mintToken());
      const client = recordingClient();
      manager.register(client);
      // Issued "now" by a server clock one hour ahead of ours, and expiring 30 min ago by it.
      const nowS = T0 / 1000;
      const dead = craftToken(goodPayload({ iat: nowS + 3600, exp: nowS + 1800 }));

      await expect(manager.updateToken(dead)).rejects.toBeInstanceOf(AccessTokenError);

      expect(client.updateToken).not.toHaveBeenCalled();
    });

    it('never pushes a token without an iat once it has expired', async () => {
      const manager = new AccessManager(mintToken());
      const client = recordingClient();
      manager.register(client);
      const exp = (T0 - HOUR) / 1000;

      await expect(
        manager.updateToken(craftToken(without(goodPayload({ exp }), 'iat'))),
      ).rejects.toMatchObject({
        code: 20104,
      });

      expect(client.updateToken).not.toHaveBeenCalled();
    });

    it('resolves updateToken only once every client has settled, even when a tokenUpdated listener updates again', async () => {
      const manager = new AccessManager(mintToken());
      const newer = mintAt(2 * SECOND);
      let release = () => {};
      manager.register({ updateToken: () => new Promise<void>((resolve) => (release = resolve)) });
      manager.on('tokenUpdated', () => {
        if (manager.token !== newer) manager.updateToken(newer).catch(() => {});
      });
      let resolved = false;

      const updating = manager.updateToken(mintAt(SECOND)).then(() => (resolved = true));
      await settle();

      expect(resolved).toBe(false); // the client has not taken any token yet
      release();
      await updating;
    });

    it('never leaves a client with an older token when a clientError listener updates the token', async () => {
      const manager = new AccessManager(mintToken({ grants: ['chat', 'voice'] }));
      const withoutVoice = mintAt(SECOND, { grants: ['chat'] });
      const withVoice = mintAt(2 * SECOND, { grants: ['chat', 'voice'] });
      const voice = { updateToken: vi.fn() };
      const chat: string[] = [];
      manager.register(voice, { requires: 'voice', name: 'voice' });
      manager.register({ updateToken: (t: string) => void chat.push(t) }, { name: 'chat' });
      // The app answers a missing grant with the token it holds in reserve.
      manager.on('clientError', (error) => {
        if (error.reason === 'client-missing-grant') manager.updateToken(withVoice).catch(() => {});
      });

      await manager.updateToken(withoutVoice);
      await settle();

      expect(manager.token).toBe(withVoice);
      expect(chat.at(-1)).toBe(withVoice);
    });

    it('resolves only once the newer token reached every client, when a clientError listener pushed it', async () => {
      const manager = new AccessManager(mintToken({ grants: ['chat', 'voice'] }));
      const withoutVoice = mintAt(SECOND, { grants: ['chat'] });
      const withVoice = mintAt(2 * SECOND, { grants: ['chat', 'voice'] });
      const chatTook = deferred();
      manager.register({ updateToken: vi.fn() }, { requires: 'voice', name: 'voice' });
      manager.register({ updateToken: () => chatTook.promise }, { name: 'chat' });
      manager.on('clientError', (error) => {
        if (error.reason === 'client-missing-grant') manager.updateToken(withVoice).catch(() => {});
      });
      let resolved = false;

      const updating = manager.updateToken(withoutVoice).then(() => (resolved = true));
      await settle();

      expect(manager.token).toBe(withVoice);
      expect(resolved).toBe(false); // the chat client has not taken withVoice yet
      chatTook.resolve();
      await updating;
    });
  });

  describe('register', () => {
    it('returns the function that unregisters the client', async () => {
      const { manager, next } = managerWithNextToken();
      const client = recordingClient();
      const unregister = manager.register(client);

      unregister();
      unregister();
      await manager.updateToken(next);

      expect(client.updateToken).not.toHaveBeenCalled();
    });

    it('does nothing for a client already registered: it gets one push', async () => {
      const { manager, next } = managerWithNextToken();
      const client = recordingClient();
      manager.register(client);
      manager.register(client);

      await manager.updateToken(next);

      expect(client.tokens).toEqual([next]);
    });

    it('does not hand the current token to a new client', () => {
      const manager = new AccessManager(mintToken());
      const client = recordingClient();

      manager.register(client);

      expect(client.updateToken).not.toHaveBeenCalled();
    });

    it.each([
      ['null', null],
      ['undefined', undefined],
      ['an empty object', {}],
      ['an object whose updateToken is not a function', { updateToken: 'yes' }],
      ['a string', 'client'],
    ])("throws AccessTokenError 'invalid-argument' for %s", (_name, notAClient) => {
      const manager = new AccessManager(mintToken());

      const register = () => manager.register(notAClient as unknown as TokenClient);

      expect(register).toThrow(AccessTokenError);
      expect(register).toThrow(expect.objectContaining({ reason: 'invalid-argument' }));
    });

    it('accepts a class instance whose updateToken is on its prototype (a Voice Device)', async () => {
      class Device {
        tokens: string[] = [];
        updateToken(token: string): void {
          this.tokens.push(token);
        }
      }
      const { manager, next } = managerWithNextToken();
      const device = new Device();
      manager.register(device);

      await manager.updateToken(next);

      expect(device.tokens).toEqual([next]);
    });

    it('does not hand the current token to a client registered in a tokenUpdated listener (docs/sdks.md)', async () => {
      // docs/sdks.md: "A client is not handed the current token when it registers (it was created with it)",
      // and its example creates and registers the SDK clients in once('tokenUpdated').
      const manager = new AccessManager();
      const created: string[] = [];
      const updated: string[] = [];
      manager.once('tokenUpdated', ({ token }) => {
        created.push(token!);
        manager.register({ updateToken: (t: string) => void updated.push(t) }, { name: 'conversations' });
      });

      await manager.updateToken(mintToken());

      expect(created).toHaveLength(1);
      expect(updated).toEqual([]);
    });
  });

  describe('unregister', () => {
    it('stops handing tokens to the client, and leaves the others registered', async () => {
      const { manager, next } = managerWithNextToken();
      const gone = recordingClient();
      const kept = recordingClient();
      manager.register(gone);
      manager.register(kept);

      manager.unregister(gone);
      await manager.updateToken(next);

      expect(gone.updateToken).not.toHaveBeenCalled();
      expect(kept.tokens).toEqual([next]);
    });

    it('does nothing for a client that is not registered', () => {
      const manager = new AccessManager(mintToken());

      expect(() => manager.unregister(recordingClient())).not.toThrow();
    });

    it('lets the client be registered again', async () => {
      const { manager, next } = managerWithNextToken();
      const client = recordingClient();
      manager.register(client);
      manager.unregister(client);

      manager.register(client);
      await manager.updateToken(next);

      expect(client.tokens).toEqual([next]);
    });
  });

  describe('destroy', () => {
    it('refuses new clients afterwards', () => {
      const manager = new AccessManager(mintToken());
      manager.destroy();

      expect(() => manager.register(recordingClient())).toThrow(
        expect.objectContaining({ reason: 'destroyed' }),
      );
    });
  });
});
