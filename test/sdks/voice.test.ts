import { describe, expect, it, vi } from 'vitest';
import {
  AccessManager,
  AccessTokenError,
  SDK_TOKEN_CODES,
  type TokenProviderContext,
} from 'access-token-manager';
import { voice } from 'access-token-manager/sdks';
import { mintToken } from '../support/tokens.js';
import { MINUTE, SECOND, advance, settle, useFakeTime } from '../support/time.js';
import { FakeDevice, FakeTwilioError } from './fakes.js';

useFakeTime();

const nextToken = (): string => {
  vi.advanceTimersByTime(SECOND);
  return mintToken({ grants: ['voice'] });
};

function setUp(options: ConstructorParameters<typeof AccessManager>[1] = {}) {
  const first = mintToken({ grants: ['voice'] });
  const manager = new AccessManager(first, options);
  const clientErrors: AccessTokenError[] = [];
  const tokenErrors: AccessTokenError[] = [];
  manager.on('clientError', (error) => void clientErrors.push(error));
  manager.on('tokenError', (error) => void tokenErrors.push(error));
  return { manager, device: new FakeDevice(first), clientErrors, tokenErrors };
}

describe('voice(device)', () => {
  it('presets the name "voice" and the voice grant', () => {
    const adapter = voice(new FakeDevice('t'));
    expect([adapter.name, adapter.requires]).toEqual(['voice', 'voice']);
  });

  it('hands each new token to the Device', async () => {
    const { manager, device, clientErrors } = setUp();
    device.connected = true;
    manager.register(voice(device));
    const token = nextToken();
    await manager.updateToken(token);
    expect(device.token).toBe(token);
    expect(clientErrors).toEqual([]);
  });

  it('does not report TransportError 31009 thrown after the Device took the token', async () => {
    const { manager, device, clientErrors } = setUp();
    manager.register(voice(device)); // disconnected, and the app has no 'error' listener
    for (let i = 0; i < 30; i++) {
      const token = nextToken();
      await manager.updateToken(token);
      expect(device.token).toBe(token);
    }
    expect(clientErrors).toEqual([]);
  });

  it('reports a throw that left the Device without the token as client-rejected', async () => {
    const { manager, device, clientErrors } = setUp();
    const refusal = new Error('InvalidArgumentError');
    device.updateToken = () => {
      throw refusal;
    };
    manager.register(voice(device));
    await manager.updateToken(nextToken());
    expect(clientErrors.map((e) => [e.reason, e.cause])).toEqual([['client-rejected', refusal]]);
  });

  it('once destroyed, gets no token and unregisters itself', async () => {
    const { manager, device, clientErrors } = setUp();
    const updateToken = vi.spyOn(device, 'updateToken');
    manager.register(voice(device));
    device.destroy();
    await manager.updateToken(nextToken());
    expect(updateToken).not.toHaveBeenCalled();
    expect(clientErrors).toEqual([]);
    expect(device.eventNames()).toEqual([]);
  });

  it('registered already destroyed, never gets a token', async () => {
    const { manager, device, clientErrors } = setUp();
    device.destroy();
    const updateToken = vi.spyOn(device, 'updateToken');
    manager.register(voice(device));
    await manager.updateToken(nextToken());
    expect(updateToken).not.toHaveBeenCalled();
    expect(clientErrors).toEqual([]);
    expect(device.eventNames()).toEqual([]);
  });

  describe("the Device's signals", () => {
    it('tokenWillExpire: with a provider, one refresh, whose token the Device ends up holding', async () => {
      const provider = vi.fn(async (_context: TokenProviderContext) => nextToken());
      const { manager, device } = setUp({ tokenProvider: provider });
      device.connected = true;
      manager.register(voice(device));
      vi.setSystemTime(manager.expires!.getTime() - 10 * SECOND); // the Device's default tokenRefreshMs
      device.emit('tokenWillExpire', device);
      device.emit('tokenWillExpire', device);
      await settle();
      expect(provider).toHaveBeenCalledTimes(1);
      expect(device.token).toBe(manager.token);
    });

    it("tokenWillExpire of the Device's previous token, 14.7 s after a refresh: ignored", async () => {
      // Measured with the real SDK: the Device keeps the timer it armed for its previous token.
      const provider = vi.fn(async (_context: TokenProviderContext) => nextToken());
      const { manager, device } = setUp({ tokenProvider: provider });
      device.connected = true;
      manager.register(voice(device));
      await manager.refresh();
      const aboutToExpire = vi.fn();
      manager.on('tokenAboutToExpire', aboutToExpire);
      await advance(14_700);
      device.emit('tokenWillExpire', device);
      await advance(MINUTE);
      expect(provider).toHaveBeenCalledTimes(1);
      expect(aboutToExpire).not.toHaveBeenCalled();
    });

    it.each([
      [20101, 20101, 'malformed'],
      [20104, 20104, 'expired'],
      [31202, 0, undefined],
      [31204, 20101, 'malformed'],
      [31205, 20104, 'expired'],
      [31207, 20157, 'ttl-too-long'],
    ])(
      'error %i: one tokenError, code %i, platform reason %s, the error as cause',
      (sdkCode, code, platformReason) => {
        const { manager, device, tokenErrors } = setUp();
        manager.register(voice(device));
        const expired = vi.fn();
        manager.on('tokenExpired', expired);
        const error = new FakeTwilioError(sdkCode, 'AccessTokenInvalid');
        device.emit('error', error);
        device.emit('error', error); // told twice: one report
        expect(
          tokenErrors.map((e) => [e.reason, e.code, e.facts.sdkCode, e.facts.platformReason, e.cause]),
        ).toEqual([['client-rejected', code, sdkCode, platformReason, error]]);
        expect(tokenErrors[0]?.message).toContain('"voice" refused the token');
        expect(expired).not.toHaveBeenCalled();
      },
    );

    it("reads the core's SDK_TOKEN_CODES: each code there is a refusal, a 201xx code not there is not", () => {
      const reported = (code: number): boolean => {
        const { manager, device, tokenErrors } = setUp();
        manager.register(voice(device));
        device.emit('error', new FakeTwilioError(code, 'SomeError'));
        return tokenErrors.length === 1;
      };
      const codes = Object.keys(SDK_TOKEN_CODES).map(Number);

      expect(codes.filter((code) => !reported(code))).toEqual([]);
      expect([20100, 20108, 20199, 31000, 31206].filter(reported)).toEqual([]);
    });

    it('error 20104 with a provider: one call (reason rejected), and the Device gets the new token', async () => {
      const provider = vi.fn(async (_context: TokenProviderContext) => nextToken());
      const { manager, device } = setUp({ tokenProvider: provider });
      device.connected = true;
      manager.register(voice(device));
      device.emit('error', new FakeTwilioError(20104, 'AccessTokenExpired'));
      device.emit('error', new FakeTwilioError(20104, 'AccessTokenExpired'));
      await advance(5 * SECOND);
      expect(provider.mock.calls.map(([context]) => context.reason)).toEqual(['rejected']);
      expect(device.token).toBe(manager.token);
    });

    it('an error not about the token is neither reported nor thrown', () => {
      const { manager, device, tokenErrors, clientErrors } = setUp();
      manager.register(voice(device));
      expect(() => device.emit('error', new FakeTwilioError(31000, 'GeneralError'))).not.toThrow();
      expect([tokenErrors, clientErrors]).toEqual([[], []]);
    });

    it("an error not about the token goes to the app's own error listener alone", () => {
      const { manager, device } = setUp();
      const listener = vi.fn();
      device.on('error', listener);
      manager.register(voice(device));
      const error = new FakeTwilioError(31000, 'GeneralError');
      expect(() => device.emit('error', error)).not.toThrow();
      expect(listener).toHaveBeenCalledWith(error);
    });
  });
});
