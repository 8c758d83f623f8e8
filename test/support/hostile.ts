/** Inputs that break code which reads them carelessly, for the suites that pin typed refusals. */
import { expect } from 'vitest';
import { AccessTokenError } from 'access-token-manager';

const boom = (): never => {
  throw new Error('read me and I throw');
};

/** A Proxy already revoked: any operation on it, even `Array.isArray`, throws a TypeError. */
export function revokedProxy(): object {
  const { proxy, revoke } = Proxy.revocable({}, {});
  revoke();
  return proxy;
}

/** Objects that throw on any read, each made fresh, by name. */
export const UNREADABLE: Record<string, () => unknown> = {
  'a revoked Proxy': revokedProxy,
  'a Proxy whose every trap throws': () =>
    new Proxy(
      {},
      { get: boom, has: boom, ownKeys: boom, getPrototypeOf: boom, getOwnPropertyDescriptor: boom },
    ),
};

/**
 * Values that throw when they are read, converted or enumerated, each made fresh, by name: the
 * unreadable ones, throwing getters (for every option name too), a throwing `toString`.
 */
export const HOSTILE: Record<string, () => unknown> = {
  ...UNREADABLE,
  'an object whose token getter throws': () => ({
    get token() {
      return boom();
    },
  }),
  'an object whose toString throws': () => ({ toString: boom, valueOf: boom }),
  'an object whose Symbol.toPrimitive throws': () => ({ [Symbol.toPrimitive]: boom }),
  'an object whose every option getter throws': () =>
    Object.defineProperties(
      {},
      Object.fromEntries(
        ['tokenProvider', 'clock', 'retry', 'nowMs', 'requires', 'name', 'updateToken'].map((key) => [
          key,
          { get: boom, enumerable: true },
        ]),
      ),
    ),
};

/** Plain wrong values: the wrong type, or nothing. */
export const WRONG: Record<string, unknown> = {
  null: null,
  'an empty string': '',
  'a number': 42,
  NaN: Number.NaN,
  'a boolean': false,
  'a symbol': Symbol('x'),
  'a bigint': 10n,
  'an array': [],
  'a function': () => {},
};

/** The unreadable values, and an object whose every option getter throws, as [name, value] rows. */
export const unreadableOptions = (): [string, unknown][] =>
  Object.entries(UNREADABLE)
    .concat([
      ['an object whose every option getter throws', HOSTILE['an object whose every option getter throws']!],
    ])
    .map(([name, make]) => [name, make()]);

/** Every hostile and wrong value, made fresh, as [name, value] rows for `it.each`. */
export const badInputs = (): [string, unknown][] => [
  ...Object.entries(HOSTILE).map(([name, make]): [string, unknown] => [name, make()]),
  ...Object.entries(WRONG),
];

/**
 * Runs `call` and asserts it returned, or threw (or rejected with) a typed {@link AccessTokenError}
 * that has a numeric code and a reason: never a foreign exception.
 */
export async function expectTypedOutcome(call: () => unknown): Promise<void> {
  let thrown: unknown;
  try {
    await call();
    return;
  } catch (error) {
    thrown = error;
  }
  expect(thrown).toBeInstanceOf(AccessTokenError);
  expect(typeof (thrown as AccessTokenError).code).toBe('number');
  expect(typeof (thrown as AccessTokenError).reason).toBe('string');
}
