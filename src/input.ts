// Reading what the app passes in, at the call: whatever it is (a throwing getter, a revoked Proxy,
// null where an object belongs), the outcome is the value or a typed `invalid-argument` error,
// never a foreign exception.
import { AccessTokenError } from './errors';
import { printable } from './printable';

/**
 * Names an object's keys for a message: up to five of those that may be quoted (see
 * {@link printable}: never one that could be a token, a secret or an e-mail address), and how many
 * more there are. A JSON body `{"eyJ…": 1}` is "1 key", never the token.
 *
 * @param keys - the object's own keys.
 * @returns a phrase such as `"keys error, message"`, `"keys error and 2 more"` or `"1 key"`.
 * @example describeKeys(['error', 'eyJhbGciOiJIUzI1NiJ9.eyJ…']) // 'keys error and 1 more'
 */
export function describeKeys(keys: readonly string[]): string {
  const shown = keys.map(printable).filter(Boolean).slice(0, 5);
  const more = keys.length - shown.length;
  if (shown.length === 0) return `${more} key${more === 1 ? '' : 's'}`;
  return `keys ${shown.join(', ')}${more > 0 ? ` and ${more} more` : ''}`;
}

/**
 * Describes a value by its type and shape, never by its content, for error messages. Never throws:
 * a value that cannot even be read (a revoked Proxy, a throwing getter) is described as such.
 *
 * @param value - anything that was passed where a token was expected.
 * @returns a phrase such as `"an object with a token field"` or `"a string of 40 characters in 1 part"`.
 * @example describeInput({ token: 'eyJ…' }) // 'an object with a "token" field'
 */
export function describeInput(value: unknown): string {
  try {
    if (value === null || value === undefined) return String(value);
    if (Array.isArray(value)) return `an array of ${value.length} items`;
    if (typeof value === 'object') {
      const keys = Object.keys(value);
      if (typeof (value as { token?: unknown }).token === 'string') return 'an object with a "token" field';
      return keys.length === 0 ? 'an empty object' : `an object with ${describeKeys(keys)}`;
    }
    if (typeof value !== 'string') return `a ${typeof value}`;
    const parts = value.split('.').length;
    return `a string of ${value.length} characters in ${parts} part${parts === 1 ? '' : 's'}`;
  } catch {
    return 'a value that could not be read';
  }
}

/**
 * The `invalid-argument` error for an argument or option of the wrong type or value.
 *
 * @param field - the argument or option, as the app wrote it (`options.nowMs`, `listener`).
 * @param expected - what it must be, in words.
 * @param value - what was passed, described by type and shape (a number is shown as is).
 * @returns the error, to be thrown.
 */
export function invalidArgument(field: string, expected: string, value: unknown): AccessTokenError {
  const received = typeof value === 'number' ? String(value) : describeInput(value);
  return new AccessTokenError('invalid-argument', { field, expected, received });
}

/**
 * Whether `value` has a method of each name, read without letting a throwing getter or a revoked
 * Proxy escape (either makes it `false`).
 *
 * @example hasMethods(client, ['updateToken'])
 */
export function hasMethods(value: unknown, names: readonly string[]): boolean {
  try {
    if ((typeof value !== 'object' && typeof value !== 'function') || value === null) return false;
    return names.every((name) => typeof (value as Record<string, unknown>)[name] === 'function');
  } catch {
    return false;
  }
}

/**
 * Reads an options object once, at the call: a plain copy of every property it has (own or
 * inherited, as reading `options.x` would find it), and of the `nested` option objects in it. The
 * code behind the call then reads the copy, which cannot throw.
 *
 * @param field - the argument's name in errors (`options`).
 * @param value - the options as passed: `undefined` means none.
 * @param nested - options whose value is itself an options object to copy (`retry`).
 * @returns the copy.
 * @throws {@link AccessTokenError} `invalid-argument` when `value` is not an object (`null`, a
 *   string, an array) or cannot be read.
 * @example options = readOptions('options', options, ['retry']);
 */
export function readOptions<T extends object>(
  field: string,
  value: T | null | undefined,
  nested: readonly (keyof T & string)[] = [],
): T {
  if (value === undefined) return {} as T;
  const copy: Record<string, unknown> = {};
  let read = false;
  try {
    if (typeof value === 'object' && value !== null && !Array.isArray(value)) {
      // Walks the prototype chain too, so an options object made by a class keeps its methods.
      for (let layer: object | null = value; layer && layer !== Object.prototype;) {
        for (const key of Object.getOwnPropertyNames(layer)) {
          copy[key] ??= (value as Record<string, unknown>)[key];
        }
        layer = Object.getPrototypeOf(layer) as object | null;
      }
      read = true;
    }
  } catch {
    // A revoked Proxy, or a getter that throws: refused below, like a value that is no object.
  }
  if (!read) throw invalidArgument(field, 'an object', value);
  for (const key of nested) {
    if (copy[key] != null) copy[key] = readOptions(`${field}.${key}`, copy[key] as object);
  }
  return copy as T;
}
