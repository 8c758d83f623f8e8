// What was passed where the bare token string belongs, and how to get the token out of it.
import { finding, ON_CLIENT, ON_SERVER, quote } from './finding';
import type { Finding } from './finding';
import { isRecord, MAX_TOKEN_LENGTH } from '../token';
import { describeKeys } from '../input';
import { htmlTitle } from '../printable';

/** The token found in the input, and the findings about how it was wrapped. */
export interface UnwrappedInput {
  /** The token string once unwrapped (still possibly malformed), or `undefined` when there is none. */
  token: string | undefined;
  /** How the input differed from a bare token string; empty when it was one. */
  findings: Finding[];
}

// Every wrapping below makes the core refuse the input as `malformed` or `not-a-string` (20101).
const INVALID = 20101;
const SECRET = /^[A-Za-z0-9]{32}$/;
// Two parts count too: a token cut short and split over lines is still a token split over lines.
const JWT_SHAPE = /^[\w-]+\.[\w-]+(\.[\w-]*)?$/;
const HTML = /^<(?:!doctype|html|head|body|\?xml|!--|[a-z][\w-]*[\s>/])/i;
const BEARER = /^bearer\s+/i;
// The longest text in which a token split by whitespace (or JSON by line breaks) is looked for:
// four times the longest token (64 KiB), room for more whitespace than token.
const MAX_SPLIT_TOKEN_LENGTH = 4 * MAX_TOKEN_LENGTH;
const QUOTES = ['"', "'", '`'];

function whitespace(before: string, trimmed: string): Finding {
  const at = before.startsWith(trimmed) ? 'after' : before.endsWith(trimmed) ? 'before' : 'before and after';
  const what = /[\r\n]/.test(before) ? 'a line break' : 'spaces';
  return finding(
    'error',
    'whitespace',
    `There is ${what} ${at} the token.`,
    ON_CLIENT +
      'trim the text before passing it on ((await response.text()).trim()); ' +
      'better, have your token server return JSON and pass its token field.',
    INVALID,
  );
}

const insideWhitespace = (): Finding =>
  finding(
    'error',
    'whitespace',
    'The token is split by spaces or line breaks, as when copied from a wrapped terminal or e-mail.',
    'Copy the token again in one piece; better, in your client code, pass it on as the token server returned it.',
    INVALID,
  );

const quoted = (): Finding =>
  finding(
    'error',
    'quoted',
    'The token is wrapped in quotes: that is JSON text (a JSON string), not the token itself.',
    ON_CLIENT +
      'parse the response as JSON (await response.json()) instead of reading it as text, ' +
      'or have your token server send the bare token.',
    INVALID,
  );

const bearer = (): Finding =>
  finding(
    'error',
    'bearer-prefix',
    'The token starts with "Bearer ": that is the value of an Authorization header, not the token.',
    ON_CLIENT + 'pass the token alone; "Bearer " belongs only in an Authorization header you send.',
    INVALID,
  );

function html(text: string): Finding {
  const title = htmlTitle(text);
  return finding(
    'error',
    'html-instead-of-token',
    `Got an HTML page${title ? ` (titled ${quote(title, 60)})` : ''} where a token was expected: ` +
      'your token endpoint answered with an error or login page.',
    ON_CLIENT +
      'check response.ok before reading the token. ' +
      'On your token server, see why the request failed (its logs, URL and authentication).',
    INVALID,
  );
}

function json(value: Record<string, unknown> | unknown[]): Finding {
  if (!Array.isArray(value) && typeof value.token === 'string') {
    return finding(
      'error',
      'json-instead-of-token',
      'Got JSON text ({"token": …}) where the token string was expected.',
      ON_CLIENT + 'parse the response (await response.json()) and pass its token field.',
      INVALID,
    );
  }
  const keys = Array.isArray(value) ? 'an array' : describeKeys(Object.keys(value));
  return finding(
    'error',
    'json-instead-of-token',
    `Got JSON text (${keys}) without a token: your token endpoint probably answered with an error.`,
    ON_CLIENT +
      'check response.ok before reading the token. ' +
      'On your token server, see why the request failed, and return {"token": "…"}.',
    INVALID,
  );
}

const secret = (): Finding =>
  finding(
    'error',
    'secret-instead-of-token',
    'Got 32 letters and digits, the shape of an Auth Token or API key secret: a password for ' +
      'the REST API, not an access token.',
    'Never send it to a browser or app; if it left your server, rotate it in the Twilio Console. ' +
      ON_SERVER +
      'sign an access token with the API key secret and return that token.',
    INVALID,
  );

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** Peels one wrapping off `text`: the finding about it and what is inside, or `undefined`. */
function peel(text: string): [Finding, string | undefined] | undefined {
  const trimmed = text.trim();
  if (trimmed !== text) return [whitespace(text, trimmed), trimmed];
  if (HTML.test(text)) return [html(text), undefined];
  if (BEARER.test(text)) return [bearer(), text.replace(BEARER, '')];
  const first = text[0] ?? '';
  // Taking the whitespace out is linear but slow per match (3 s for 50 MB of "x "): only a text
  // that could be a token with whitespace in it is worth it.
  const joinable = text.length <= MAX_SPLIT_TOKEN_LENGTH;
  // JSON copied from a wrapped terminal: its line breaks, inside strings too, are the wrapping.
  if (joinable && '"{['.includes(first) && /[\r\n]/.test(text) && parseJson(text) === undefined) {
    const unbroken = text.replace(/[\r\n]+/g, '');
    if (parseJson(unbroken) !== undefined) return [insideWhitespace(), unbroken];
  }
  if (QUOTES.includes(first) && text.length > 1 && text.endsWith(first)) {
    const inner = first === '"' ? parseJson(text) : text.slice(1, -1);
    return [quoted(), typeof inner === 'string' ? inner : text.slice(1, -1)];
  }
  if (first === '{' || first === '[') {
    const value = parseJson(text);
    if (isRecord(value) || Array.isArray(value)) {
      return [json(value), isRecord(value) && typeof value.token === 'string' ? value.token : undefined];
    }
  }
  const joined = joinable ? text.replace(/\s+/g, '') : text;
  if (joined !== text && JWT_SHAPE.test(joined)) return [insideWhitespace(), joined];
  return undefined;
}

function unwrapObject(value: Record<string, unknown>): UnwrappedInput {
  if (typeof value.token === 'string') return unwrapText(value.token, []);
  // The core's `not-a-string` finding already says "an object with keys …"; these say why.
  if (typeof value.then === 'function') {
    const message = 'Got a Promise where the token was expected: the token was not awaited.';
    const remedy = ON_CLIENT + 'await the token first (const token = await getToken()).';
    return { token: undefined, findings: [finding('error', 'promise-instead-of-token', message, remedy)] };
  }
  if (typeof value.json === 'function' && typeof value.status === 'number') {
    const message = `Got a fetch Response (status ${value.status}) where the token was expected.`;
    const remedy = ON_CLIENT + 'read its body: const { token } = await response.json().';
    return { token: undefined, findings: [finding('error', 'response-instead-of-token', message, remedy)] };
  }
  return { token: undefined, findings: [] };
}

function unwrapText(text: string, findings: Finding[]): UnwrappedInput {
  let token: string | undefined = text;
  // Wrappings nest (a quoted string with a line break after it): peel until none is left.
  for (let depth = 0; token !== undefined && depth < 8; depth += 1) {
    const peeled = peel(token);
    if (peeled === undefined) break;
    if (!findings.some((found) => found.reason === peeled[0].reason)) findings.push(peeled[0]);
    token = peeled[1];
  }
  if (token !== undefined && SECRET.test(token)) {
    findings.push(secret());
    token = undefined;
  }
  return { token, findings };
}

/**
 * Finds the token in what was passed as one: a bare string, or a string wrapped in whitespace,
 * quotes, `Bearer `, JSON, or an object with a `token` field. Never throws.
 *
 * @param input - anything passed where a token string was expected.
 * @returns the unwrapped token (if any) and a finding for each wrapping.
 * @example unwrapInput('Bearer eyJ…\n').findings.map((f) => f.reason) // ['whitespace', 'bearer-prefix']
 */
export function unwrapInput(input: unknown): UnwrappedInput {
  if (typeof input === 'string') return unwrapText(input, []);
  return isRecord(input) ? unwrapObject(input) : { token: undefined, findings: [] };
}
