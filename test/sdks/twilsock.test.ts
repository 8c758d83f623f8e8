import { describe, expect, it, vi } from 'vitest';
import {
  AccessManager,
  AccessTokenError,
  type TokenClient,
  type TokenProviderContext,
} from 'access-token-manager';
import { chat, conversations, sync } from 'access-token-manager/sdks';
import { mintToken } from '../support/tokens.js';
import { MINUTE, SECOND, advance, settle, useFakeTime } from '../support/time.js';
import { FakeTwilsockClient } from './fakes.js';

useFakeTime();

const ALL_GRANTS = { grants: ['chat', 'sync', 'voice'] as ('chat' | 'sync' | 'voice')[] };
const nextToken = (): string => {
  vi.advanceTimersByTime(SECOND);
  return mintToken(ALL_GRANTS);
};

/**
 * Moves the wall clock (no timer runs) to `leftMs` before the current token's exp, where its
 * server's words about it come: one that finds the token with more life left than a warning allows
 * is about a token already replaced, and ignored.
 */
const nearExpiry = (manager: AccessManager, leftMs = 2 * MINUTE): void => {
  vi.setSystemTime(manager.expires!.getTime() - leftMs);
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

    it('reports a token the server refused as clientError, once (not again when it turns denied)', async () => {
      const { manager, sdk, clientErrors, tokenErrors } = setUp();
      sdk.connect();
      manager.register(adapt(sdk));
      const refusal = new Error('denied');
      sdk.refuseNext = refusal;
      await manager.updateToken(nextToken());
      await advance(SECOND); // the 'denied' state and connectionError come a tick later
      expect(sdk.connectionState).toBe('denied');
      expect(clientErrors.map((e) => [e.reason, e.cause])).toEqual([['client-rejected', refusal]]);
      expect(tokenErrors).toEqual([]);
    });

    it('names the SDK client the app registered in clientError, not the adapter', async () => {
      const { manager, sdk } = setUp();
      sdk.connect();
      manager.register(adapt(sdk));
      const named: unknown[] = [];
      manager.on('clientError', (_error, client) => void named.push(client));
      sdk.refuseNext = new Error('denied');
      await manager.updateToken(nextToken());
      expect(named).toEqual([sdk]);
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

    it('reports as clientError a token the server refused once it reconnected, once', async () => {
      const { manager, sdk, clientErrors, tokenErrors } = setUp();
      manager.register(adapt(sdk));
      await manager.updateToken(nextToken());
      const refusal = new Error('denied');
      sdk.refuseNext = refusal;
      sdk.connect();
      await advance(SECOND);
      expect(clientErrors.map((e) => [e.reason, e.cause])).toEqual([['client-rejected', refusal]]);
      expect(tokenErrors).toEqual([]);
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
      nearExpiry(manager);
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
      nearExpiry(manager);
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
      nearExpiry(manager, 30 * SECOND);
      sdk.emit('tokenExpired');
      expect(events).toEqual(['aboutToExpire', 'expired']);
      expect(manager.isExpired).toBe(true);
    });

    it("a refusal ('denied', then connectionError 401): one tokenError, the SDK's error as cause", () => {
      const { manager, sdk, tokenErrors, clientErrors } = setUp();
      manager.register(adapt(sdk));
      const connectionError = sdk.deny(20101);
      expect(tokenErrors.map((e) => [e.reason, e.code, e.facts.sdkCode, e.cause, e.message])).toEqual([
        [
          'client-rejected',
          20101,
          20101,
          connectionError,
          expect.stringContaining(`"${name}" refused the token`),
        ],
      ]);
      expect(clientErrors).toEqual([]);
    });

    it('a refusal with a provider: one call (reason rejected), and the client ends up with its token', async () => {
      const provider = vi.fn(async (_context: TokenProviderContext) => nextToken());
      const { manager, sdk, tokenErrors } = setUp({ tokenProvider: provider });
      sdk.connect();
      manager.register(adapt(sdk));
      const refused = manager.token;
      sdk.deny(20104);
      await advance(5 * SECOND); // the first refusal's backoff is at most a second
      expect(provider.mock.calls.map(([context]) => context.reason)).toEqual(['rejected']);
      expect(manager.token).not.toBe(refused);
      sdk.connect(); // the pushed token reconnects it
      await settle();
      expect(sdk.token).toBe(manager.token);
      expect(tokenErrors.map((e) => [e.code, e.facts.platformReason])).toEqual([[20104, 'expired']]);
    });

    it('a warning that finds the current token with more life than a warning allows is ignored', async () => {
      const provider = vi.fn(async (_context: TokenProviderContext) => nextToken());
      const { manager, sdk } = setUp({ tokenProvider: provider });
      sdk.connect();
      manager.register(adapt(sdk));
      nearExpiry(manager, 4 * MINUTE + SECOND); // the 3-minute lead, plus the minute's margin, plus 1 s
      sdk.emit('tokenAboutToExpire');
      sdk.emit('tokenExpired');
      await settle();
      expect(provider).not.toHaveBeenCalled();
      expect(manager.isAboutToExpire).toBe(false);
    });

    it('ignores a warning about the old token while a newer one is on its way', async () => {
      const provider = vi.fn(async (_context: TokenProviderContext) => nextToken());
      const { manager, sdk } = setUp({ tokenProvider: provider });
      manager.register(adapt(sdk)); // offline: the push stays pending
      nearExpiry(manager);
      await manager.updateToken(nextToken());
      nearExpiry(manager);
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
    nearExpiry(manager, 30 * SECOND);
    for (const sdk of sdks) sdk.emit('tokenAboutToExpire');
    for (const sdk of sdks) sdk.emit('tokenExpired');
    await settle();
    expect(provider).toHaveBeenCalledTimes(1);
    for (const sdk of sdks) expect(sdk.token).toBe(manager.token);
  });
});

describe('several SDKs refusing the token at once', () => {
  it('cause one provider call and one tokenError each, and each ends up holding the new token', async () => {
    const provider = vi.fn(async (_context: TokenProviderContext) => nextToken());
    const { manager, tokenErrors } = setUp({ tokenProvider: provider });
    const sdks = adapters.map(({ adapt }) => {
      const sdk = new FakeTwilsockClient(manager.token ?? '');
      sdk.connect();
      manager.register(adapt(sdk));
      return sdk;
    });
    for (const sdk of sdks) sdk.deny();
    for (const sdk of sdks) sdk.deny(); // told twice: still one report each
    await advance(5 * SECOND);
    for (const sdk of sdks) sdk.connect();
    await settle();
    expect(provider).toHaveBeenCalledTimes(1);
    expect(tokenErrors.map((e) => e.facts.client)).toEqual(['conversations', 'sync', 'chat']);
    for (const sdk of sdks) expect(sdk.token).toBe(manager.token);
  });
});
