// The server entry's refusal of an option or of what authorize returned, in the core's vocabulary.
import { AccessTokenError, describeInput } from 'access-token-manager';

/** A value described for an error: a number as it is, anything else by type and shape only. */
export const describeValue = (value: unknown): string =>
  typeof value === 'number' ? String(value) : describeInput(value);

/**
 * @internal The `invalid-server-option` error: `field` must be `expected`, and `received` (already
 * described, never quoted when it may be a secret) is what was found.
 */
export const invalidServerOption = (field: string, expected: string, received: string): AccessTokenError =>
  new AccessTokenError('invalid-server-option', { field, expected, received });

/**
 * @internal Reads one property without letting a throwing getter or a revoked Proxy escape as
 * anything but a typed refusal of `field`.
 */
export function readProperty(object: object, key: string, field: string): unknown {
  try {
    return (object as Record<string, unknown>)[key];
  } catch {
    throw invalidServerOption(field, 'a readable property', 'a property that throws when read');
  }
}

/** @internal Whether `value` is a plain object (not null, not an array, not a function). */
export function isPlainObject(value: unknown): value is object {
  try {
    return typeof value === 'object' && value !== null && !Array.isArray(value);
  } catch {
    return false; // a revoked Proxy
  }
}
