import { describe, expect, it, vi } from 'vitest';
import { AccessManager, AccessTokenError } from 'access-token-manager';
import {
  ACCOUNT_SID,
  API_KEY_SID,
  OTHER_ACCOUNT_SID,
  craftToken,
  goodPayload,
  mintToken,
} from './support/tokens.js';
import { recordingClient } from './support/clients.js';
import {
  HOUR,
  MINUTE,
  SECOND,
  T0,
  advanceTo,
  deferred,
  mintAt,
  settle,
  useFakeTime,
} from './support/time.js';

useFakeTime();

/** Awaits `promise` and returns the AccessTokenError it rejects with. */
async function rejection(promise: Promise<unknown>): Promise<AccessTokenError> {
  const error = await promise.then(
    () => {
      throw new Error('expected a rejection');
    },
    (reason: unknown) => reason,
  );
  expect(error).toBeInstanceOf(AccessTokenError);
  return error as AccessTokenError;
}

describe(AccessManager, () => {
  describe('updateToken', () => {
    it('replaces the token and resolves to the manager', async () => {
      const manager = new AccessManager(mintToken({ ttl: 3600 }));
      advanceTo(MINUTE);
      const next = mintToken({ ttl: 7200 });

      await expect(manager.updateToken(next)).resolves.toBe(manager);

      expect(manager.token).toBe(next);
      expect(manager.expires).toEqual(new Date(T0 + MINUTE + 2 * HOUR));
    });

    it('takes a first token when the manager was made without one', async () => {
      const manager = new AccessManager();
      const token = mintToken({ ttl: 3600 });
      const aboutToExpire = vi.fn();
      manager.on('tokenAboutToExpire', aboutToExpire);

      await manager.updateToken(token);
      advanceTo(57 * MINUTE);

      expect(manager.token).toBe(token);
      expect(aboutToExpire).toHaveBeenCalledOnce();
    });

    it('emits tokenUpdated with the manager, once the new token is in place', async () => {
      const manager = new AccessManager(mintToken());
      advanceTo(MINUTE);
      const next = mintToken();
      const seen: (string | null)[] = [];
      const tokenUpdated = vi.fn((m: AccessManager) => void seen.push(m.token));
      manager.on('tokenUpdated', tokenUpdated);

      await manager.updateToken(next);

      expect(tokenUpdated).toHaveBeenCalledExactlyOnceWith(manager);
      expect(seen).toEqual([next]);
    });

    it('pushes the new token to every registered client', async () => {
      const manager = new AccessManager(mintToken());
      const clients = [recordingClient(), recordingClient()];
      for (const client of clients) manager.register(client);
      advanceTo(MINUTE);
      const next = mintToken();

      await manager.updateToken(next);

      for (const client of clients) expect(client.tokens).toEqual([next]);
    });

    it('resolves only once every client has settled', async () => {
      const manager = new AccessManager(mintToken());
      const slow = deferred();
      manager.register({ updateToken: () => slow.promise });
      manager.register(recordingClient());
      advanceTo(MINUTE);
      let resolved = false;

      const updating = manager.updateToken(mintToken()).then((result) => {
        resolved = true;
        return result;
      });
      await settle();
      expect(resolved).toBe(false);

      slow.resolve();
      await expect(updating).resolves.toBe(manager);
      expect(resolved).toBe(true);
    });

    it('does nothing for the same token again: no event, no push, no re-armed warning', async () => {
      const token = mintToken({ ttl: 3600 });
      const manager = new AccessManager(token);
      const client = recordingClient();
      manager.register(client);
      const tokenUpdated = vi.fn();
      const aboutToExpire = vi.fn();
      manager.on('tokenUpdated', tokenUpdated).on('tokenAboutToExpire', aboutToExpire);
      advanceTo(58 * MINUTE);
      expect(aboutToExpire).toHaveBeenCalledOnce();

      await expect(manager.updateToken(token)).resolves.toBe(manager);
      vi.advanceTimersByTime(0);

      expect(tokenUpdated).not.toHaveBeenCalled();
      expect(client.updateToken).not.toHaveBeenCalled();
      expect(aboutToExpire).toHaveBeenCalledOnce();
      expect(manager.token).toBe(token);
    });

    it('accepts a new token issued in the same second as the current one', async () => {
      const manager = new AccessManager(mintToken({ grants: ['chat'] }));
      const next = mintToken({ grants: ['chat', 'voice'] });

      await manager.updateToken(next);

      expect(manager.token).toBe(next);
    });

    describe('with a bad token', () => {
      it('rejects and emits tokenError with the same AccessTokenError', async () => {
        const manager = new AccessManager(mintToken());
        const tokenError = vi.fn();
        manager.on('tokenError', tokenError);

        const error = await rejection(manager.updateToken('not a token'));

        expect(error).toMatchObject({ code: 20101, reason: 'malformed' });
        expect(tokenError).toHaveBeenCalledExactlyOnceWith(error, manager);
      });

      it('does not emit tokenUpdated', async () => {
        const manager = new AccessManager(mintToken());
        const tokenUpdated = vi.fn();
        manager.on('tokenUpdated', tokenUpdated);

        await rejection(manager.updateToken(craftToken(goodPayload({ grants: {} }))));

        expect(tokenUpdated).not.toHaveBeenCalled();
      });

      it.each([
        ['a malformed token', () => 'abc.def'],
        ['an expired token', () => mintAt(-2 * HOUR, { ttl: 3600 })],
        ['a token for another identity', () => mintAt(MINUTE, { identity: 'bob', ttl: 7200 })],
      ])('keeps the previous token, its timers and its clients (%s)', async (_name, badToken) => {
        const token = mintToken({ ttl: 3600 });
        const manager = new AccessManager(token);
        const client = recordingClient();
        manager.register(client);
        const events: string[] = [];
        for (const event of ['tokenAboutToExpire', 'tokenExpired', 'tokenUpdated'] as const) {
          manager.on(event, () => events.push(event));
        }
        const bad = badToken();
        advanceTo(MINUTE);

        await rejection(manager.updateToken(bad));

        expect(manager.token).toBe(token);
        expect(manager.expires).toEqual(new Date(T0 + HOUR));
        expect(client.updateToken).not.toHaveBeenCalled();
        advanceTo(57 * MINUTE - 1);
        expect(events).toEqual([]);
        advanceTo(57 * MINUTE);
        expect(events).toEqual(['tokenAboutToExpire']);
        advanceTo(HOUR);
        expect(events).toEqual(['tokenAboutToExpire', 'tokenExpired']);
      });

      it('still takes a good token afterwards', async () => {
        const manager = new AccessManager(mintToken());
        const client = recordingClient();
        manager.register(client);
        await rejection(manager.updateToken(''));
        advanceTo(MINUTE);
        const next = mintToken();

        await manager.updateToken(next);

        expect(client.tokens).toEqual([next]);
      });
    });

    describe('refuses a token', () => {
      it('for another identity', async () => {
        const manager = new AccessManager(mintToken({ identity: 'alice' }));
        advanceTo(MINUTE);

        const error = await rejection(manager.updateToken(mintToken({ identity: 'bob' })));

        expect(error.reason).toBe('identity-changed');
        expect(error.code).toBe(20106);
        expect(manager.identity).toBe('alice');
      });

      it('for another account', async () => {
        const manager = new AccessManager(mintToken());
        advanceTo(MINUTE);

        const error = await rejection(manager.updateToken(mintToken({ accountSid: OTHER_ACCOUNT_SID })));

        expect(error.reason).toBe('account-changed');
        expect(error.code).toBe(20103);
        expect(manager.accountSid).toBe(ACCOUNT_SID);
      });

      it('issued before the current one (stale)', async () => {
        const older = mintToken({ ttl: 3600 });
        advanceTo(5 * MINUTE);
        const manager = new AccessManager(mintToken({ ttl: 3600 }));
        const current = manager.token;

        const error = await rejection(manager.updateToken(older));

        expect(error.reason).toBe('stale');
        expect(error.code).toBe(20104);
        expect(manager.token).toBe(current);
      });

      it('that has expired, with 20104', async () => {
        const manager = new AccessManager(mintToken());

        const error = await rejection(manager.updateToken(mintAt(-2 * HOUR, { ttl: 3600 })));

        expect(error).toMatchObject({ code: 20104, reason: 'expired' });
      });

      it('with a message that never contains it', async () => {
        const manager = new AccessManager(mintToken({ identity: 'alice' }));
        advanceTo(MINUTE);
        const bad = mintToken({ identity: 'bob' });

        const error = await rejection(manager.updateToken(bad));

        for (const part of [bad, ...bad.split('.')]) expect(error.message).not.toContain(part);
      });
    });
  });

  describe('constructor', () => {
    it('takes a good token at once', () => {
      const token = mintToken();

      expect(new AccessManager(token).token).toBe(token);
    });

    it('reports a bad token through tokenError after it returns', async () => {
      const manager = new AccessManager('not a token');
      const tokenError = vi.fn();
      manager.on('tokenError', tokenError);
      expect(tokenError).not.toHaveBeenCalled();

      await settle();

      expect(tokenError).toHaveBeenCalledOnce();
      const [error, emitter] = tokenError.mock.calls[0] as [AccessTokenError, AccessManager];
      expect(error).toBeInstanceOf(AccessTokenError);
      expect(error).toMatchObject({ code: 20101, reason: 'malformed' });
      expect(emitter).toBe(manager);
      expect(manager.token).toBeNull();
    });

    it('reports an expired token through tokenError, with 20104', async () => {
      const manager = new AccessManager(mintAt(-2 * HOUR, { ttl: 3600 }));
      const tokenError = vi.fn();
      manager.on('tokenError', tokenError);

      await settle();

      expect(tokenError).toHaveBeenCalledExactlyOnceWith(
        expect.objectContaining({ code: 20104, reason: 'expired' }),
        manager,
      );
      expect(manager.token).toBeNull();
    });

    it('never turns a bad token into an unhandled rejection', async () => {
      vi.useRealTimers();
      const unhandled = vi.fn();
      process.on('unhandledRejection', unhandled);
      try {
        // No tokenError listener at all.
        new AccessManager('not a token');
        new AccessManager({ token: mintToken() } as unknown as string);
        await new Promise((resolve) => setImmediate(resolve));
        await new Promise((resolve) => setImmediate(resolve));
      } finally {
        process.off('unhandledRejection', unhandled);
      }

      expect(unhandled).not.toHaveBeenCalled();
    });

    it('takes a good token later after refusing a bad one', async () => {
      const manager = new AccessManager('not a token');
      const token = mintToken();

      await manager.updateToken(token);

      expect(manager.token).toBe(token);
    });

    describe('options', () => {
      it.each([
        ['aboutToExpireMs', -1],
        ['aboutToExpireMs', Number.NaN],
        ['aboutToExpireMs', Number.POSITIVE_INFINITY],
        ['aboutToExpireMs', '180000'],
        ['clientTimeoutMs', -5],
        ['clientTimeoutMs', Number.NaN],
      ])("refuses %s = %s with reason 'invalid-argument'", (name, value) => {
        const make = () => new AccessManager(mintToken(), { [name]: value } as never);

        expect(make).toThrow(AccessTokenError);
        expect(make).toThrow(expect.objectContaining({ reason: 'invalid-argument' }));
        expect(make).toThrow(new RegExp(`options\\.${name}`));
      });

      it('accepts aboutToExpireMs = 0: the warning fires at exp', () => {
        const manager = new AccessManager(mintToken({ ttl: 3600 }), { aboutToExpireMs: 0 });
        const aboutToExpire = vi.fn();
        manager.on('tokenAboutToExpire', aboutToExpire);

        advanceTo(HOUR - 1);
        expect(aboutToExpire).not.toHaveBeenCalled();
        advanceTo(HOUR);
        expect(aboutToExpire).toHaveBeenCalledOnce();
      });

      it('rejects a tokenProvider that is not a function with invalid-argument, instead of retrying it for ever', () => {
        let thrown: unknown;
        try {
          new AccessManager(null, { tokenProvider: '/token' } as never).destroy();
        } catch (error) {
          thrown = error;
        }
        expect(thrown).toBeInstanceOf(AccessTokenError);
        expect((thrown as AccessTokenError).reason).toBe('invalid-argument');
      });

      it('throws no TypeError for retry: null (an AccessTokenError, or the defaults)', () => {
        let thrown: unknown;
        try {
          new AccessManager(null, { retry: null } as never).destroy();
        } catch (error) {
          thrown = error;
        }
        expect(thrown === undefined || thrown instanceof AccessTokenError).toBe(true);
      });
    });
  });

  describe('logging', () => {
    it('writes nothing to the console, even for refused tokens, failing clients and expiry', async () => {
      const methods = ['log', 'info', 'warn', 'error', 'debug', 'trace'] as const;
      const spies = methods.map((method) => vi.spyOn(console, method).mockImplementation(() => {}));
      const manager = new AccessManager('not a token');
      await settle();
      await manager.updateToken(mintToken({ ttl: 3600 }));
      manager.register({ updateToken: () => Promise.reject(new Error('offline')) });
      manager.register({ updateToken: () => new Promise(() => {}) });
      await rejection(manager.updateToken(mintToken({ identity: 'bob' })));
      advanceTo(MINUTE);
      const updating = manager.updateToken(mintToken({ ttl: 3600 }));
      await vi.advanceTimersByTimeAsync(10 * SECOND);
      await updating;

      advanceTo(3 * HOUR);

      expect(manager.isExpired).toBe(true);
      for (const spy of spies) expect(spy).not.toHaveBeenCalled();
    });
  });

  describe('properties', () => {
    it('are null before the first token', () => {
      const manager = new AccessManager();

      expect(manager).toMatchObject({
        token: null,
        identity: null,
        expires: null,
        grants: null,
        accountSid: null,
        apiKeySid: null,
        isExpired: false,
      });
    });

    it('describe the current token', () => {
      const token = mintToken({ identity: 'alice', ttl: 1800, grants: ['chat', 'voice'] });

      const manager = new AccessManager(token);

      expect(manager.token).toBe(token);
      expect(manager.identity).toBe('alice');
      expect(manager.expires).toEqual(new Date(T0 + 30 * MINUTE));
      expect(manager.accountSid).toBe(ACCOUNT_SID);
      expect(manager.apiKeySid).toBe(API_KEY_SID);
      expect(manager.grants).toMatchObject({
        identity: 'alice',
        chat: { service_sid: expect.stringMatching(/^IS/) },
        voice: expect.any(Object),
      });
      expect(manager.isExpired).toBe(false);
    });

    it('give a null identity for a token without one', () => {
      const manager = new AccessManager(craftToken(goodPayload({ grants: { video: {} } })));

      expect(manager.identity).toBeNull();
      expect(manager.grants).toEqual({ video: {} });
    });

    it('follow the token when it is updated', async () => {
      const manager = new AccessManager(mintToken({ ttl: 3600, grants: ['chat'] }));
      advanceTo(MINUTE);

      await manager.updateToken(mintToken({ ttl: 600, grants: ['chat', 'video'] }));

      expect(manager.expires).toEqual(new Date(T0 + 11 * MINUTE));
      expect(Object.keys(manager.grants ?? {}).sort()).toEqual(['chat', 'identity', 'video']);
    });
  });
});
