import { describe, expect, it, vi } from 'vitest';
import {
  AccessManager,
  AccessTokenError,
  checkAccessTokenTimes,
  decodeAccessToken,
  describeInput,
  describeReason,
  formatDuration,
  type AccessTokenErrorReason,
} from 'access-token-manager';
import { mintToken } from './support/tokens.js';
import { HOSTILE, UNREADABLE, badInputs, revokedProxy, unreadableOptions } from './support/hostile.js';
import { HOUR, fakeClock, mintAt, settle, useFakeTime } from './support/time.js';

useFakeTime();

/** The error `call` throws, which the test expects to be an `AccessTokenError`. */
function thrownBy(call: () => unknown): AccessTokenError {
  try {
    call();
  } catch (error) {
    expect(error).toBeInstanceOf(AccessTokenError);
    return error as AccessTokenError;
  }
  throw new Error('expected a throw');
}

/** Expects `call` to throw `invalid-argument` naming `field`. */
function expectInvalidArgument(call: () => unknown, field: string): void {
  const error = thrownBy(call);
  expect(error).toMatchObject({ reason: 'invalid-argument', code: 0, facts: { field } });
  expect(error.message).toContain(field);
}

const hostileRows = Object.entries(HOSTILE);

describe(AccessManager, () => {
  describe('constructor', () => {
    it.each(hostileRows)(
      'reports %s given as the token through tokenError, with a code',
      async (_name, make) => {
        const manager = new AccessManager(make() as string);
        const errors: AccessTokenError[] = [];
        manager.on('tokenError', (error) => errors.push(error));

        await settle();

        expect(errors).toHaveLength(1);
        expect(errors[0]).toBeInstanceOf(AccessTokenError);
        expect(errors[0]).toMatchObject({ code: 20101, reason: 'not-a-string' });
        expect(manager.token).toBeNull();
      },
    );

    it.each([['null', null], ['a string', 'options'], ['an array', []], ...unreadableOptions()])(
      "refuses %s as options with invalid-argument, naming 'options'",
      (_name, options) => {
        expectInvalidArgument(() => new AccessManager(mintToken(), options as never), 'options');
      },
    );

    it('refuses a retry option that cannot be read, naming it', () => {
      expectInvalidArgument(
        () => new AccessManager(null, { retry: revokedProxy() as never }),
        'options.retry',
      );
    });

    it.each(['now', 'setTimeout', 'clearTimeout', 'onWake'] as const)(
      'refuses a clock without %s, naming options.clock',
      (method) => {
        const { clock } = fakeClock();
        const partial = { ...clock, [method]: undefined };

        expectInvalidArgument(
          () => new AccessManager(mintToken(), { clock: partial as never }),
          'options.clock',
        );
      },
    );

    it.each([
      ['options.pauseWhenHidden', { pauseWhenHidden: 'yes' }],
      ['options.retry', { retry: [1_000, 30_000] }],
      ['options.tokenProvider', { tokenProvider: '/token' }],
    ])('refuses a wrong %s at the call', (field, options) => {
      expectInvalidArgument(() => new AccessManager(null, options as never), field);
    });

    it('reads the options once: changing the object afterwards changes nothing', async () => {
      const options = { aboutToExpireMs: 10 * 60_000 };
      const manager = new AccessManager(mintToken({ ttl: 3600 }), options);
      const aboutToExpire = vi.fn();
      manager.on('tokenAboutToExpire', aboutToExpire);

      options.aboutToExpireMs = 0;
      await vi.advanceTimersByTimeAsync(50 * 60_000);

      expect(aboutToExpire).toHaveBeenCalledOnce();
      manager.destroy();
    });

    it('still takes an options object made by a class, methods included', async () => {
      class Options {
        aboutToExpireMs = 60_000;
        tokenProvider(): string {
          return mintToken();
        }
      }
      const manager = new AccessManager(null, new Options());

      await settle();

      expect(manager.token).not.toBeNull();
      manager.destroy();
    });
  });

  describe('updateToken', () => {
    it.each(hostileRows)(
      'rejects %s with not-a-string (20101), reports it through tokenError, and keeps the token',
      async (_name, make) => {
        const token = mintToken();
        const manager = new AccessManager(token);
        const errors: AccessTokenError[] = [];
        manager.on('tokenError', (error) => errors.push(error));

        const outcome = await manager.updateToken(make() as string).catch((error: unknown) => error);

        expect(outcome).toBeInstanceOf(AccessTokenError);
        expect(outcome).toMatchObject({ code: 20101, reason: 'not-a-string' });
        expect(errors).toEqual([outcome]);
        expect(manager.token).toBe(token);
      },
    );
  });

  describe('register', () => {
    it.each(hostileRows)("refuses %s as the client with invalid-argument, naming 'client'", (_name, make) => {
      expectInvalidArgument(() => new AccessManager(mintToken()).register(make() as never), 'client');
    });

    it.each([['null', null], ['a string', 'voice'], ...unreadableOptions()])(
      "refuses %s as options with invalid-argument, naming 'options'",
      (_name, options) => {
        const register = () =>
          new AccessManager(mintToken()).register({ updateToken() {} }, options as never);

        expectInvalidArgument(register, 'options');
      },
    );

    it.each([
      ['options.requires', { requires: 5 }],
      ['options.requires', { requires: null }],
      ['options.requires', { requires: ['chat', 7] }],
      ['options.name', { name: 42 }],
    ])('refuses a wrong %s at the call, not at each push', (field, options) => {
      const register = () => new AccessManager(mintToken()).register({ updateToken() {} }, options as never);

      expectInvalidArgument(register, field);
    });
  });

  describe.each(['on', 'once'] as const)('%s', (method) => {
    it.each([
      ['an empty string', ''],
      ['null', null],
      ['an object', {}],
      ...hostileRows.map(([n, m]) => [n, m()]),
    ])("refuses %s as the listener with invalid-argument, naming 'listener'", (_name, listener) => {
      const manager = new AccessManager(mintToken());

      expectInvalidArgument(() => manager[method]('tokenUpdated', listener as never), 'listener');
      expect(manager.listenerCount('tokenUpdated')).toBe(0);
    });

    it('refuses an event name that is not a string', () => {
      const manager = new AccessManager(mintToken());

      expectInvalidArgument(() => manager[method](42 as never, () => {}), 'event');
    });

    it('leaves later emits clean after a refused listener (no "listener is not a function")', async () => {
      const reportError = vi.fn();
      vi.stubGlobal('reportError', reportError);
      const manager = new AccessManager(mintToken());
      const heard = vi.fn();
      manager.on('tokenUpdated', heard);
      expect(() => manager[method]('tokenUpdated', '' as never)).toThrow(AccessTokenError);

      await manager.updateToken(mintAt(1_000));

      expect(heard).toHaveBeenCalledOnce();
      expect(reportError).not.toHaveBeenCalled();
    });
  });

  describe('off, removeListener, removeAllListeners, listenerCount and unregister', () => {
    it.each(badInputs())('do nothing with %s', (_name, value) => {
      const manager = new AccessManager(mintToken());
      manager.on('tokenUpdated', () => {});

      manager.off(value as never, value as never);
      manager.removeListener('tokenUpdated', value as never);
      manager.unregister(value as never);
      manager.removeAllListeners(value as never);

      expect(manager.listenerCount(value as never)).toBe(0);
      expect(manager.listenerCount('tokenUpdated')).toBe(1);
    });
  });
});

describe(decodeAccessToken, () => {
  it.each(hostileRows)('refuses %s with not-a-string (20101)', (_name, make) => {
    expect(thrownBy(() => decodeAccessToken(make()))).toMatchObject({ code: 20101, reason: 'not-a-string' });
  });

  it.each([['null', null], ['a number', 5], ...unreadableOptions()])(
    "refuses %s as options with invalid-argument, naming 'options'",
    (_name, options) => {
      expectInvalidArgument(() => decodeAccessToken(mintToken(), options as never), 'options');
    },
  );

  it.each([
    ['a string', 'later'],
    ['NaN', Number.NaN],
    ['Infinity', Number.POSITIVE_INFINITY],
    ['true', true],
    ['a Date', new Date()],
  ])('refuses nowMs as %s instead of accepting an expired token', (_name, nowMs) => {
    const expired = mintAt(-2 * HOUR);

    expectInvalidArgument(() => decodeAccessToken(expired, { nowMs: nowMs as never }), 'options.nowMs');
  });

  it('still takes nowMs: false, and undefined as the default', () => {
    const expired = mintAt(-2 * HOUR);

    expect(decodeAccessToken(expired, { nowMs: false }).identity).toBe('alice');
    expect(thrownBy(() => decodeAccessToken(expired, {}))).toMatchObject({ reason: 'expired' });
  });
});

describe(checkAccessTokenTimes, () => {
  it.each([
    ['false', false],
    ['null', null],
    ['an object without dates', { expires: 5 }],
    ...hostileRows.map(([n, m]) => [n, m()]),
  ])("refuses %s as the decoded token with invalid-argument, naming 'decoded'", (_name, decoded) => {
    expectInvalidArgument(() => checkAccessTokenTimes(decoded as never, Date.now()), 'decoded');
  });

  it.each([
    ['an empty string', ''],
    ['NaN', Number.NaN],
    ['undefined', undefined],
  ])("refuses %s as nowMs with invalid-argument, naming 'nowMs'", (_name, nowMs) => {
    const decoded = decodeAccessToken(mintToken());

    expectInvalidArgument(() => checkAccessTokenTimes(decoded, nowMs as never), 'nowMs');
  });
});

describe(describeReason, () => {
  it.each([
    ['an empty string', ''],
    ['a name from Object.prototype', 'toString'],
    ['a number', 20104],
    ...hostileRows.map(([n, m]) => [n, m()]),
  ])("refuses %s as the reason with invalid-argument, naming 'reason'", (_name, reason) => {
    expectInvalidArgument(() => describeReason(reason as AccessTokenErrorReason), 'reason');
  });

  it.each([['null', null], ['a string', 'facts'], ...Object.entries(UNREADABLE).map(([n, m]) => [n, m()])])(
    "refuses %s as facts with invalid-argument, naming 'facts'",
    (_name, facts) => {
      expectInvalidArgument(() => describeReason('expired', facts as never), 'facts');
    },
  );

  it('makes a new AccessTokenError with an unknown reason throw invalid-argument, not a TypeError', () => {
    expectInvalidArgument(() => new AccessTokenError('no-such-reason' as AccessTokenErrorReason), 'reason');
  });
});

describe(formatDuration, () => {
  it.each([
    ['a string', '5000'],
    ['null', null],
    ['an object', {}],
    ['a bigint', 5n],
  ])("refuses %s with invalid-argument, naming 'ms'", (_name, ms) => {
    expectInvalidArgument(() => formatDuration(ms as never), 'ms');
  });

  it.each([Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY])(
    'says "an unknown time" for %s',
    (ms) => {
      expect(formatDuration(ms)).toBe('an unknown time');
    },
  );
});

describe(describeInput, () => {
  it.each(badInputs())('describes %s without throwing', (_name, value) => {
    expect(typeof describeInput(value)).toBe('string');
  });

  it('says a revoked Proxy could not be read', () => {
    expect(describeInput(revokedProxy())).toBe('a value that could not be read');
  });
});
