import { describe, expect, it, vi } from 'vitest';
import {
  AccessManager,
  AccessTokenError,
  type TokenClient,
  type TokenProviderContext,
} from 'access-token-manager';
import { chat, conversations, sync } from 'access-token-manager/sdks';
import { mintToken } from '../support/tokens.js';
import { MINUTE, SECOND, settle, useFakeTime } from '../support/time.js';
import { FakeTwilsockClient } from './fakes.js';

useFakeTime();

const ALL_GRANTS = { grants: ['chat', 'sync', 'voice'] as ('chat' | 'sync' | 'voice')[] };
const nextToken = (): string => {
  vi.advanceTimersByTime(SECOND);
  return mintToken(ALL_GRANTS);
};

const adapters = [
  { adapt: conversations, name: 'conversations', requires: 'chat' },
  { adapt: sync, name: 'sync', requires: 'data_sync' },
  { adapt: chat, name: 'chat', requires: 'chat' },
];

function setUp(options: ConstructorParameters<typeof AccessManager>[1] = {}) {
  const first = mintToken(ALL_GRANTS);
  const manager = new AccessManager(first, options);
  const clientErrors: AccessTokenError[] = [];
  const tokenErrors: AccessTokenError[] = [];
  manager.on('clientError', (error) => void clientErrors.push(error));
  manager.on('tokenError', (error) => void tokenErrors.push(error));
  const sdk = new FakeTwilsockClient(first);
  return { manager, sdk, clientErrors, tokenErrors };
}

describe.each(adapters)('$name(client)', ({ adapt, name, requires }) => {
  it(`presets the name "${name}" and the ${requires} grant`, () => {
    const adapter = adapt(new FakeTwilsockClient('t'));
    expect(adapter.name).toBe(name);
    expect(adapter.requires).toBe(requires);
  });

  it('withholds a token without its grant, naming the client', async () => {
    const { manager, sdk, clientErrors } = setUp();
    sdk.connect();
    manager.register(adapt(sdk));
    vi.advanceTimersByTime(SECOND);
    await manager.updateToken(mintToken({ grants: ['voice'] }));
    expect(sdk.calls).toEqual([]);
    expect(clientErrors.map((e) => [e.reason, e.message])).toEqual([
      ['client-missing-grant', expect.stringContaining(`"${name}" needs the ${requires} grant`)],
    ]);
  });

  describe('while connected', () => {
    it('hands each new token to the SDK, and the manager waits for it', async () => {
      const { manager, sdk, clientErrors } = setUp();
      sdk.connect();
      manager.register(adapt(sdk));
      for (let i = 0; i < 3; i++) {
        const token = nextToken();
        await manager.updateToken(token);
        expect(sdk.token).toBe(token);
      }
      expect(sdk.calls).toHaveLength(3);
      expect(clientErrors).toEqual([]);
    });

    it('reports a token the server refused as clientError', async () => {
      const { manager, sdk, clientErrors } = setUp();
      sdk.connect();
      manager.register(adapt(sdk));
      const refusal = new Error('denied');
      sdk.refuseNext = refusal;
      await manager.updateToken(nextToken());
      expect(clientErrors.map((e) => [e.reason, e.cause])).toEqual([['client-rejected', refusal]]);
    });
  });

  describe('while offline', () => {
    it('keeps at most one updateToken pending, reports nothing, and leaves the newest token when it reconnects', async () => {
      const { manager, sdk, clientErrors } = setUp();
      manager.register(adapt(sdk));
      let newest = '';
      for (let i = 0; i < 30; i++) {
        newest = nextToken();
        await manager.updateToken(newest); // resolves at once: no client-timeout
      }
      await vi.advanceTimersByTimeAsync(MINUTE);
      expect(sdk.calls).toHaveLength(1);
      expect(sdk.listenerCount('connected')).toBe(1);
      expect(clientErrors).toEqual([]);

      sdk.connect();
      await settle();
      expect(sdk.token).toBe(newest);
      expect(sdk.calls).toHaveLength(2);
      expect(clientErrors).toEqual([]);
    });

    it('reports as clientError a token the server refused once it reconnected', async () => {
      const { manager, sdk, clientErrors } = setUp();
      manager.register(adapt(sdk));
      await manager.updateToken(nextToken());
      const refusal = new Error('denied');
      sdk.refuseNext = refusal;
      sdk.connect();
      await settle();
      expect(clientErrors.map((e) => [e.reason, e.cause])).toEqual([['client-rejected', refusal]]);
    });
  });

  describe('shut down', () => {
    it('gets no token again, and unregisters itself', async () => {
      const { manager, sdk, clientErrors } = setUp();
      sdk.connect();
      const adapter: TokenClient = adapt(sdk);
      const attach = vi.spyOn(adapter, 'attach');
      manager.register(adapter);
      await sdk.shutdown();
      await manager.updateToken(nextToken());
      expect(sdk.calls).toEqual([]);
      expect(sdk.connectionState).toBe('disconnected'); // not reconnected by a push
      expect(clientErrors).toEqual([]);
      expect(sdk.listenerCount('tokenAboutToExpire')).toBe(0);
      expect(attach).toHaveBeenCalledTimes(1);
    });

    it('puts the SDK back as it was when unregistered', async () => {
      const { manager, sdk } = setUp();
      const unregister = manager.register(adapt(sdk));
      expect(Object.hasOwn(sdk, 'shutdown')).toBe(true);
      unregister();
      expect(Object.hasOwn(sdk, 'shutdown')).toBe(false);
      expect(sdk.eventNames()).toEqual([]);
      await sdk.shutdown();
      expect(sdk.shutDown).toBe(true);
    });

    it('puts the SDK back when the manager is destroyed', () => {
      const { manager, sdk } = setUp();
      manager.register(adapt(sdk));
      manager.destroy();
      expect(Object.hasOwn(sdk, 'shutdown')).toBe(false);
      expect(sdk.eventNames()).toEqual([]);
    });
  });

  describe("the server's signals", () => {
    it('tokenAboutToExpire: with a provider, a refresh now, whose token the client ends up holding', async () => {
      const provider = vi.fn(async (_context: TokenProviderContext) => nextToken());
      const { manager, sdk } = setUp({ tokenProvider: provider });
      sdk.connect();
      manager.register(adapt(sdk));
      sdk.emit('tokenAboutToExpire');
      await settle();
      expect(provider).toHaveBeenCalledTimes(1);
      expect(provider.mock.calls[0]?.[0]).toMatchObject({ reason: 'about-to-expire' });
      expect(sdk.token).toBe(manager.token);
    });

    it('tokenAboutToExpire: without a provider, the manager fires tokenAboutToExpire now, once', async () => {
      const { manager, sdk } = setUp();
      manager.register(adapt(sdk));
      const aboutToExpire = vi.fn();
      manager.on('tokenAboutToExpire', aboutToExpire);
      sdk.emit('tokenAboutToExpire');
      sdk.emit('tokenAboutToExpire');
      await settle();
      expect(aboutToExpire).toHaveBeenCalledTimes(1);
      expect(manager.isExpired).toBe(false);
    });

    it('tokenExpired: without a provider, the manager fires tokenAboutToExpire then tokenExpired', () => {
      const { manager, sdk } = setUp();
      manager.register(adapt(sdk));
      const events: string[] = [];
      manager.on('tokenAboutToExpire', () => void events.push('aboutToExpire'));
      manager.on('tokenExpired', () => void events.push('expired'));
      sdk.emit('tokenExpired');
      expect(events).toEqual(['aboutToExpire', 'expired']);
      expect(manager.isExpired).toBe(true);
    });

    it("connection 'denied': tokenError with the server's refusal as cause", () => {
      const { manager, sdk, tokenErrors } = setUp();
      manager.register(adapt(sdk));
      sdk.setState('denied');
      expect(tokenErrors.map((e) => [e.reason, e.message])).toEqual([
        ['client-rejected', expect.stringContaining(`"${name}" refused the token`)],
      ]);
    });

    it('ignores a warning about the old token while a newer one is on its way', async () => {
      const provider = vi.fn(async (_context: TokenProviderContext) => nextToken());
      const { manager, sdk } = setUp({ tokenProvider: provider });
      manager.register(adapt(sdk)); // offline: the push stays pending
      await manager.updateToken(nextToken());
      sdk.emit('tokenAboutToExpire');
      await settle();
      expect(provider).not.toHaveBeenCalled();
    });
  });
});

describe('several SDKs warning at once', () => {
  it('cause one provider call, and each ends up holding the new token', async () => {
    const provider = vi.fn(async (_context: TokenProviderContext) => nextToken());
    const { manager } = setUp({ tokenProvider: provider });
    const sdks = adapters.map(({ adapt }) => {
      const sdk = new FakeTwilsockClient(manager.token ?? '');
      sdk.connect();
      manager.register(adapt(sdk));
      return sdk;
    });
    for (const sdk of sdks) sdk.emit('tokenAboutToExpire');
    for (const sdk of sdks) sdk.emit('tokenExpired');
    await settle();
    expect(provider).toHaveBeenCalledTimes(1);
    for (const sdk of sdks) expect(sdk.token).toBe(manager.token);
  });
});
