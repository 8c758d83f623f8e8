// explainError: what an SDK or Twilio's API hands an app (a Voice TwilioError, a Twilsock
// connectionError, a Sync SyncError, a REST error body, a code in text), read for its code and
// explained in the vocabulary of AccessTokenError.
import { wordReason } from '../errors';
import type { AccessTokenErrorReason } from '../errors';
import { SDK_TOKEN_CODES } from '../sdkCodes';
import { describeInput, isRecord } from '../token';
import { CODE_WORDS, DENIED_RAISED_BY, groupWords } from './sdkErrors';
import type { CodeGroup } from './sdkErrors';

/**
 * What {@link explainError} says about an error. Safe to print: it quotes nothing of the input but
 * the code.
 *
 * @example
 * const { isTokenError, meaning, causes, remedy } = explainError(error);
 * if (isTokenError) console.warn(meaning, causes[0], remedy);
 */
export interface ErrorExplanation {
  /** `error` for an access-token error, `ok` for anything else (as `inspectAccessToken`'s status). */
  status: 'error' | 'ok';
  /** Whether the error is about the access token. */
  isTokenError: boolean;
  /** The Twilio error code found in the input, or `null` when there is none (a `'denied'` state). */
  code: number | null;
  /** The platform code (20101 to 20157) the code stands for, or `null` when none does. */
  platformCode: number | null;
  /** The reason of `AccessTokenError` the code maps to, or `null` when none does (a signature, say). */
  reason: AccessTokenErrorReason | null;
  /** The code's name in Twilio's error dictionary, such as `"JWT token expired"`. */
  title: string;
  /** What it means, in a sentence. */
  meaning: string;
  /** The likely causes, the most frequent first; empty when it is no token error. */
  causes: string[];
  /** What to change, and where: on the token server or in the client code. */
  remedy: string;
  /** Which SDK (or API) raises it; empty when it is no token error. */
  raisedBy: string;
  /** What was passed, by type and shape, for example `"an object with keys code, message"`. */
  received: string;
}

/** What the input said: a code, the `'denied'` state, or nothing an error has. */
type Found = number | 'denied' | 'jwt' | null;

const CODE = /^\d{5}$/;
const IN_TEXT = [/\bcode\W{0,3}(\d{5})\b/i, /\((\d{5})\)/, /(?<![\w.])(\d{5})(?![\w.])/];

/**
 * Whether `text` holds a JWT: `eyJ…`, a dot, a part, a dot. One pass over each run of word
 * characters and dots: `/eyJ[\w-]+\.[\w-]+\./` would scan to the end of the run from each `eyJ`
 * in it, which is quadratic (15 s for 192 KB of `eyJ`).
 */
function holdsJwt(text: string): boolean {
  for (const [run] of text.matchAll(/[\w.-]+/g)) {
    if (!run.includes('eyJ')) continue;
    const parts = run.split('.');
    for (let index = 0; index + 2 < parts.length; index += 1) {
      // eyJ and at least one character after it, then a part that is not empty, then a dot.
      if (parts[index]!.slice(0, -1).includes('eyJ') && parts[index + 1] !== '') return true;
    }
  }
  return false;
}

function codeOf(value: unknown): number | null {
  if (typeof value === 'string' && CODE.test(value.trim())) return Number(value);
  return typeof value === 'number' && Number.isInteger(value) && value >= 10_000 && value <= 99_999
    ? value
    : null;
}

const isTokenCode = (code: number | null): boolean => code !== null && Object.hasOwn(SDK_TOKEN_CODES, code);

function findInText(text: string): Found {
  const trimmed = text.trim();
  if (trimmed.startsWith('{')) {
    try {
      return findIn(JSON.parse(trimmed), 0);
    } catch {
      // Not JSON after all: read it as text.
    }
  }
  if (holdsJwt(trimmed)) return 'jwt';
  for (const pattern of IN_TEXT) {
    const code = codeOf(pattern.exec(trimmed)?.[1]);
    if (code !== null) return code;
  }
  // The state itself, as `connectionStateChanged` passes it: not any text that says "denied".
  return /^["']?denied["']?$/i.test(trimmed) ? 'denied' : null;
}

/** The code of an error object: its own, or the token code its source carried. */
function findInObject(error: Record<string, unknown>, depth: number): Found {
  // `code`: TwilioError, SyncError, REST bodies; `errorCode`: Twilsock's connectionError;
  // `facts.sdkCode`: the client-rejected AccessTokenError of an adapter.
  const { facts } = error;
  const own =
    codeOf(error.code) ?? codeOf(error.errorCode) ?? (isRecord(facts) ? codeOf(facts.sdkCode) : null);
  // Voice keeps the signaling's own code in originalError; initFailed wraps its error in `error`;
  // an AccessTokenError holds the SDK's in `cause`.
  const inner =
    depth < 2 ? [error.originalError, error.error, error.cause].map((value) => findIn(value, depth + 1)) : [];
  const innerCode = inner.find((found) => typeof found === 'number' && isTokenCode(found));
  if (isTokenCode(own)) return own;
  if (innerCode !== undefined) return innerCode;
  if (own !== null) return own;
  // Twilsock's connectionError without a code: its server refused the token (401 or 403).
  const status = error.httpStatusCode;
  const state = error.connectionState ?? error.state;
  if (state === 'denied' || inner.includes('denied') || status === 401 || status === 403) return 'denied';
  return typeof error.message === 'string' ? findInText(error.message) : null;
}

function findIn(error: unknown, depth: number): Found {
  if (typeof error === 'string') return findInText(error);
  if (typeof error === 'number') return codeOf(error);
  return isRecord(error) ? findInObject(error, depth) : null;
}

function tokenError(
  code: number | null,
  group: CodeGroup,
  title: string,
  raisedBy: string,
  platformCode: number | undefined,
): Omit<ErrorExplanation, 'received'> {
  const reason = code === null ? undefined : SDK_TOKEN_CODES[code];
  const { meaning, causes, remedy } = groupWords(group);
  const core = reason === undefined ? undefined : wordReason(reason);
  return {
    status: 'error',
    isTokenError: true,
    code,
    platformCode: platformCode ?? core?.code ?? (code !== null && code < 20200 ? code : null),
    reason: reason ?? null,
    title,
    meaning,
    causes: [...causes],
    remedy: remedy ?? core?.remedy ?? '',
    raisedBy,
  };
}

function otherError(
  code: number | null,
  meaning: string,
  remedy: string,
): Omit<ErrorExplanation, 'received'> {
  return {
    status: 'ok',
    isTokenError: false,
    code,
    platformCode: null,
    reason: null,
    title: code === null ? 'No error code found' : 'Not a token error',
    meaning,
    causes: [],
    remedy,
    raisedBy: '',
  };
}

function explain(found: Found): Omit<ErrorExplanation, 'received'> {
  if (found === 'denied') {
    return tokenError(null, 'denied', 'Connection denied', DENIED_RAISED_BY, undefined);
  }
  if (found === 'jwt') {
    return otherError(
      null,
      'This holds an access token, not an error.',
      'Run npx access-token-manager inspect (or inspectAccessToken) on the token instead.',
    );
  }
  if (found === null) {
    return otherError(
      null,
      'No Twilio error code was found in it.',
      'Pass the error object, its JSON, or its code (a number such as 20104).',
    );
  }
  const words = CODE_WORDS[found];
  if (words === undefined) {
    return otherError(
      found,
      `${found} is not an access token error.`,
      `See Twilio's error dictionary: https://www.twilio.com/docs/api/errors/${found}`,
    );
  }
  const [group, title, raisedBy, platformCode] = words;
  return tokenError(found, group, title, raisedBy, platformCode);
}

/**
 * Explains an error an SDK or Twilio's API raised: whether it is about the access token and, if
 * so, what its code means, the likely causes (the most frequent first), the remedy on the token
 * server or in the client code, and which SDK raised it, in the vocabulary of `AccessTokenError`
 * (its `code` and `reason` where one maps).
 *
 * It takes what the SDKs hand an app: a Voice `TwilioError` (`code`, `originalError`), a
 * Twilsock `connectionError` (`errorCode`, `httpStatusCode`) or a `'denied'` connection state of
 * Conversations, Sync and Chat, a Sync `SyncError` (`code`, `status`), a REST error body
 * (`code`, `message`, `more_info`, `status`), an adapter's `client-rejected` `AccessTokenError`
 * (`facts.sdkCode`, `cause`), their JSON, a number, or text such as `"31204"` or
 * `"Error 20104"`. Never throws; anything else is "not a token error".
 *
 * @param error - the error, its JSON or text, or its code.
 * @returns the explanation; `status` is `error` for a token error.
 * @example
 * import { explainError } from 'access-token-manager/inspect';
 *
 * device.on('error', (error) => {
 *   const { isTokenError, meaning, remedy } = explainError(error);
 *   if (isTokenError) console.warn(meaning, remedy);
 * });
 */
export function explainError(error: unknown): ErrorExplanation {
  let found: Found = null;
  try {
    found = findIn(error, 0);
  } catch {
    // A throwing getter or a revoked Proxy: no code could be read.
  }
  return { ...explain(found), received: describeInput(error) };
}
