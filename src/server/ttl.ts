// A token's lifetime, in seconds: the platform's bounds, and the unit mistake behind most errors.
import {
  AccessTokenError,
  isTtlInMilliseconds,
  MAX_TOKEN_LIFETIME_SECONDS,
  MIN_TOKEN_LIFETIME_SECONDS,
} from 'access-token-manager';
import { describeValue, invalidServerOption } from './invalid';

/**
 * The shortest lifetime the handler mints, in seconds: the core's `MIN_TOKEN_LIFETIME_SECONDS` (3 min,
 * the platform's documented minimum). A shorter token would be renewed about as often as it is fetched.
 */
export const MIN_TOKEN_TTL_SECONDS = MIN_TOKEN_LIFETIME_SECONDS;
/** The lifetime a token gets when no `ttl` is given, in seconds: the helper libraries' default. */
export const DEFAULT_TOKEN_TTL_SECONDS = 3600;

/**
 * @internal Checks a ttl in seconds. Over 24 hours is `ttl-too-long` (20157), the code the platform
 * answers a token with; a whole number of thousands that is 1 minute to 24 hours once divided by
 * 1000 is named as milliseconds (`facts.unit` `'ttl-in-ms'`), as `decodeAccessToken` names it.
 * @param value - what was given.
 * @param field - where it was given (`ttl`, or `authorize().ttl`).
 * @returns the ttl, in seconds.
 * @throws {@link AccessTokenError} `ttl-too-long`, or `invalid-server-option` for anything but a
 *   whole number of seconds from {@link MIN_TOKEN_TTL_SECONDS} to 86400.
 */
export function checkTtlSeconds(value: unknown, field: string): number {
  if (typeof value === 'number' && Number.isInteger(value) && value > MAX_TOKEN_LIFETIME_SECONDS) {
    throw new AccessTokenError('ttl-too-long', {
      field,
      seconds: value,
      expected: `at most ${MAX_TOKEN_LIFETIME_SECONDS} (24 h)`,
      unit: isTtlInMilliseconds(value) ? 'ttl-in-ms' : undefined,
    });
  }
  if (typeof value !== 'number' || !Number.isInteger(value) || value < MIN_TOKEN_TTL_SECONDS) {
    throw invalidServerOption(
      field,
      `a whole number of seconds from ${MIN_TOKEN_TTL_SECONDS} (3 min) to ${MAX_TOKEN_LIFETIME_SECONDS} (24 h)`,
      typeof value !== 'number' || Number.isNaN(value)
        ? describeValue(value)
        : !Number.isInteger(value)
          ? `${value}, not a whole number of seconds`
          : `${value}, under the minimum of ${MIN_TOKEN_TTL_SECONDS}`,
    );
  }
  return value;
}
