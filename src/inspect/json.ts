// The JSON inside a JWT: decoding its parts without throwing, and telling the decoded values apart.
import { jwtDecode } from 'jwt-decode';

/**
 * Whether `value` is a plain JSON object (not null, not an array).
 *
 * @param value - anything.
 * @returns `true` for `{…}`.
 * @example isRecord({ a: 1 }) // true
 */
export const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * Whether `value` is a finite number, as JWT times must be.
 *
 * @param value - anything.
 * @returns `true` for a finite number.
 * @example isFiniteNumber(1_700_000_000) // true
 */
export const isFiniteNumber = (value: unknown): value is number =>
  typeof value === 'number' && Number.isFinite(value);

/**
 * Decodes the header or the payload of a JWT, the way the core does (with `jwt-decode`).
 *
 * @param token - the JWT, or at least its first two parts.
 * @param part - which part.
 * @returns the decoded object, or `undefined` when the part is missing or not base64url JSON of
 * an object. Never throws: `jwt-decode`'s messages can quote the text, so none is passed on.
 * @example decodePart(token, 'payload')?.exp
 */
export function decodePart(token: string, part: 'header' | 'payload'): Record<string, unknown> | undefined {
  try {
    const decoded: unknown = jwtDecode(token, { header: part === 'header' });
    return isRecord(decoded) ? decoded : undefined;
  } catch {
    return undefined;
  }
}
