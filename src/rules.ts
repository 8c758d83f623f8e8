// The platform's rules for what a token holds, in one table: the core judges tokens by it, the
// server mints by it and the inspector explains by it, so no entry accepts what another refuses.

/**
 * The two letters each kind of SID a token names starts with; 32 hex digits follow.
 * @example isSid(value, SID_PREFIXES.apiKey) // an API key SID?
 */
export const SID_PREFIXES = {
  /** An Account SID (`sub`). */
  account: 'AC',
  /** An API key SID (`iss`). */
  apiKey: 'SK',
  /** A Conversations or Sync Service SID. */
  service: 'IS',
  /** A Push Credential SID. */
  credential: 'CR',
  /** A TwiML App SID (Voice's outgoing application). */
  application: 'AP',
  /** A TaskRouter Workspace SID. */
  workspace: 'WS',
  /** A TaskRouter Worker SID. */
  worker: 'WK',
} as const;

const HEX_32 = /^[0-9a-fA-F]{32}$/;

/**
 * Whether `value` is a SID that starts with `prefix`: those two letters, then 32 hex digits.
 * @param value - anything.
 * @param prefix - one of {@link SID_PREFIXES}.
 * @returns whether it has the shape.
 * @example isSid('AC' + '0'.repeat(32), SID_PREFIXES.account) // true
 */
export const isSid = (value: unknown, prefix: string): value is string =>
  typeof value === 'string' && value.length === 34 && value.startsWith(prefix) && HEX_32.test(value.slice(2));

/**
 * The shortest lifetime the platform supports, in seconds (3 min): SDKs warn of expiry 3 min ahead,
 * so a shorter token is reported about to expire at once. The server mints no shorter token.
 * @example new AccessToken(accountSid, apiKeySid, secret, { identity, ttl: MIN_TOKEN_LIFETIME_SECONDS * 20 })
 */
export const MIN_TOKEN_LIFETIME_SECONDS = 180;
/**
 * The longest lifetime the platform accepts, in seconds (24 h): a longer token is refused (20157).
 * @example const ttl = Math.min(sessionSecondsLeft, MAX_TOKEN_LIFETIME_SECONDS);
 */
export const MAX_TOKEN_LIFETIME_SECONDS = 86_400;
/**
 * Whether a lifetime in seconds over 24 h is a ttl given in milliseconds: a whole number of
 * thousands that is 1 min to 24 h once divided by 1000 (3 600 000 for an hour). 172 800 (48 h in
 * seconds) is a lifetime too long, not a unit mistake.
 * @param seconds - the lifetime, read as seconds.
 * @returns whether it reads as milliseconds.
 * @example isTtlInMilliseconds(3_600_000) // true
 */
export const isTtlInMilliseconds = (seconds: number): boolean =>
  seconds % 1000 === 0 && seconds >= 60_000 && seconds <= MAX_TOKEN_LIFETIME_SECONDS * 1000;

/**
 * How far in the future `nbf` may be before the token counts as not yet valid, in milliseconds.
 * @example const early = notBeforeMs - Date.now() > NOT_BEFORE_TOLERANCE_MS;
 */
export const NOT_BEFORE_TOLERANCE_MS = 60_000;
/**
 * The longest token string accepted, in characters (16 KiB); a longer one is refused as `too-long`
 * before it is decoded, and the server never mints one.
 *
 * Real access tokens are 0.4 to 2 kB, even with every grant; 16 KiB is eight times the largest.
 * It is also what a token can be at most to be sent at all: Node's HTTP server refuses request
 * headers over 16 KiB in all (`--max-http-header-size`), and nginx's default header buffers are
 * 8 kB. Refusing first bounds the work: decoding a 10 MB string blocks the page for seconds.
 * @example if (text.length > MAX_TOKEN_LENGTH) showError('That is not a token.');
 */
export const MAX_TOKEN_LENGTH = 16_384;

/**
 * A rule an identity breaks: `control-character` (C0, DEL, C1), `lone-surrogate` (half of a UTF-16
 * pair: not text, and JSON encoders disagree on it), `bidi-mark` (marks that reorder how the text is
 * shown: U+061C, U+200E, U+200F, U+202A to U+202E, U+2066 to U+2069), or `voice-characters` (with a
 * Voice grant, anything but ASCII letters, digits and `_`: the Voice SDK's registration fails).
 * @example const rule: IdentityRule = 'bidi-mark';
 */
export type IdentityRule = 'control-character' | 'lone-surrogate' | 'bidi-mark' | 'voice-characters';

/**
 * The first rule an identity breaks, and the characters that break it.
 * @example const fault: IdentityFault = { rule: 'bidi-mark', characters: ['\u202E'] };
 */
export interface IdentityFault {
  /** The rule broken. */
  rule: IdentityRule;
  /** The characters that break it, each once, at most 5. */
  characters: string[];
}

/** @internal Characters the Voice SDK refuses in an identity: all but ASCII letters, digits and `_`. */
export const VOICE_REFUSED_CHARACTERS = /[^A-Za-z0-9_]/gu;

// In order: the first rule an identity breaks is the one named.
const IDENTITY_RULES: Record<IdentityRule, RegExp> = {
  // eslint-disable-next-line no-control-regex -- control characters are what this rule finds
  'control-character': /[\u0000-\u001f\u007f-\u009f]/gu,
  'lone-surrogate': /[\ud800-\udfff]/gu,
  'bidi-mark': /[\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/gu,
  'voice-characters': VOICE_REFUSED_CHARACTERS,
};

/**
 * @internal The characters of `identity` that `pattern` (a global rule) finds, each once, at most 5.
 * @example charactersBreaking('a b.c', VOICE_REFUSED_CHARACTERS) // [' ', '.']
 */
export const charactersBreaking = (identity: string, pattern: RegExp): string[] =>
  [...new Set(identity.match(pattern))].slice(0, 5);

/**
 * The first rule of the platform an identity breaks, with the characters that break it (at most 5,
 * each once), or `null` when it breaks none.
 * @param identity - the identity.
 * @param voice - whether the token has a Voice grant (or is meant for the Voice SDK).
 * @returns the rule and the characters, or `null`.
 * @example findIdentityFault('ali\u202Ece', false) // { rule: 'bidi-mark', characters: ['\u202E'] }
 */
export function findIdentityFault(identity: string, voice: boolean): IdentityFault | null {
  for (const rule of Object.keys(IDENTITY_RULES) as IdentityRule[]) {
    if (rule === 'voice-characters' && !voice) break;
    const characters = charactersBreaking(identity, IDENTITY_RULES[rule]);
    if (characters.length > 0) return { rule, characters };
  }
  return null;
}
