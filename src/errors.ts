/**
 * Why a token (or a step that handles one) was refused.
 *
 * Each reason is stable: apps may switch on it. Each has a platform error code, and words for its
 * cause and remedy (see {@link describeReason}), so the core's errors (in development builds) and
 * the `access-token-manager/inspect` report say the same thing in the same words.
 */
export type AccessTokenErrorReason =
  | 'not-a-string'
  | 'empty'
  | 'too-long'
  | 'malformed'
  | 'undecodable'
  | 'invalid-header'
  | 'invalid-issuer'
  | 'invalid-subject'
  | 'invalid-expiry'
  | 'expired'
  | 'not-yet-valid'
  | 'missing-grants'
  | 'ttl-too-long'
  | 'account-changed'
  | 'identity-changed'
  | 'stale'
  | 'client-missing-grant'
  | 'client-rejected'
  | 'client-timeout'
  | 'destroyed'
  | 'no-token-provider'
  | 'provider-failed'
  | 'provider-timeout'
  | 'peer-retrying'
  | 'unchanged'
  | 'session-ended'
  | 'signed-out'
  | 'token-timeout'
  | 'token-too-short'
  | 'endpoint-status'
  | 'endpoint-html'
  | 'endpoint-no-token'
  | 'endpoint-unreachable'
  | 'endpoint-no-origin'
  | 'invalid-argument'
  | 'invalid-server-option';

/**
 * Facts about a failure that are safe to print: descriptions, field names, times and counts.
 * Never the token, never a signature.
 */
export interface AccessTokenErrorFacts {
  /** What was received, described by type and shape (for example `"an object with a token field"`). */
  received?: string | undefined;
  /** The JWT part or claim concerned, for example `"payload"` or `"alg"`. */
  field?: string | undefined;
  /** The value that was expected. */
  expected?: string | undefined;
  /** The value that was found (a header value, a SID prefix; never a secret). */
  actual?: string | undefined;
  /** The moment concerned, in milliseconds since the epoch (exp, nbf or iat). */
  atMs?: number | undefined;
  /** The time the check used, in milliseconds since the epoch (server time when skew is known). */
  nowMs?: number | undefined;
  /** A duration in seconds (a token's lifetime). */
  seconds?: number | undefined;
  /** For `ttl-too-long`: the lifetime looks like milliseconds given where seconds were meant. */
  unit?: 'exp-in-ms' | 'ttl-in-ms' | undefined;
  /** A grant name, for `client-missing-grant`. */
  grant?: string | undefined;
  /** A client's name, as given to `register`. */
  client?: string | undefined;
  /**
   * A time in milliseconds: the time limit of `client-timeout`, `provider-timeout` and
   * `token-timeout`; the validity asked for, for `token-too-short`.
   */
  timeoutMs?: number | undefined;
  /** For `client-rejected`: the SDK's own error code (its `code` or `errorCode`), such as 31205. */
  sdkCode?: number | undefined;
  /** For `client-rejected`: the reason the SDK's code means, where one maps (31205 is `expired`). */
  platformReason?: AccessTokenErrorReason | undefined;
  /** The token endpoint's HTTP status, for `session-ended` and `endpoint-status`. */
  status?: number | undefined;
  /**
   * What the token endpoint said, when it is short and safe to print: an HTML page's title, or
   * the message of an error body. Never anything that could be a token or a secret.
   */
  detail?: string | undefined;
  /**
   * How long the token endpoint asked to wait (`Retry-After`), in milliseconds: the manager waits
   * at least that long before the next attempt, at most `retry.maxDelayMs`.
   */
  retryAfterMs?: number | undefined;
}

/** The code, cause and remedy of one reason, as {@link describeReason} returns them. */
export interface ReasonDescription {
  /** The platform's error code (20101 to 20157), or 0 when the fault is not the token's. */
  code: number;
  /** One or two sentences naming what is wrong. */
  message: string;
  /** What to change, and where (token server or client code). */
  remedy: string;
}

/**
 * Formats a duration for people: `"2 h 5 min"`, `"3 min 20 s"`, `"45 s"`.
 *
 * @param ms - a duration in milliseconds; the sign is ignored.
 * @returns the duration in its two largest units; `"an unknown time"` for `NaN` or an infinity.
 * @throws {@link AccessTokenError} `invalid-argument` when `ms` is not a number.
 * @example formatDuration(200_000) // "3 min 20 s"
 */
export function formatDuration(ms: number): string {
  if (typeof ms !== 'number') {
    throw new AccessTokenError('invalid-argument', {
      field: 'ms',
      expected: 'a number',
      received: kindOf(ms),
    });
  }
  if (!Number.isFinite(ms)) return 'an unknown time';
  const seconds = Math.round(Math.abs(ms) / 1000);
  const hours = Math.floor(seconds / 3600);
  const minutes = Math.floor(seconds / 60) % 60;
  if (hours > 0) return `${hours} h ${minutes} min`;
  return minutes > 0 ? `${minutes} min ${seconds % 60} s` : `${seconds} s`;
}

/** A value's type, for an `invalid-argument` error raised before `describeInput` can be imported. */
const kindOf = (value: unknown): string =>
  value === null ? 'null' : typeof value === 'string' ? `"${value.slice(0, 32)}"` : `a ${typeof value}`;

const quoted = (detail: string | undefined, before: string): string =>
  detail === undefined ? '' : `${before}"${detail}"`;
const between = (fromMs = 0, toMs = 0): string => formatDuration(toMs - fromMs);
const clientLabel = (name: string | undefined): string =>
  name === undefined ? 'A client' : `Client "${name}"`;

/** @internal The start of a remedy to apply where tokens are minted. */
export const ON_SERVER = 'On your token server, ';
/** @internal The start of a remedy to apply where the token is fetched and passed on. */
export const ON_CLIENT = 'In your client code, ';
// A literal, not ON_SERVER + …: minifiers keep a concatenation even when nothing uses it.
const MINT = 'On your token server, mint with a Twilio helper library (AccessToken).';

type Describer = (facts: AccessTokenErrorFacts) => [message: string, remedy: string];

// What an SDK's code means, by the reason it maps to (src/sdkCodes.ts), for a client-rejected
// that carries one. `npx access-token-manager explain <code>` has the causes in full.
const SDK_CODE_MEANS: Partial<Record<AccessTokenErrorReason, string>> = {
  empty: 'no token reached it',
  malformed: 'it is no valid access token',
  'invalid-header': "its header is not Twilio's",
  'invalid-issuer': 'its iss or sub is wrong',
  expired: 'it expired',
  'not-yet-valid': 'it is not valid yet',
  'missing-grants': 'its grants do not allow it',
  'ttl-too-long': 'it lives over 24 h',
};

function sdkRefusal({ client, sdkCode, platformReason }: AccessTokenErrorFacts): [string, string] {
  const means = platformReason && SDK_CODE_MEANS[platformReason];
  return [
    `${clientLabel(client)} refused the token: ${sdkCode} means ${means || 'Twilio could not authenticate it'}.`,
    (means
      ? DESCRIBERS[platformReason as AccessTokenErrorReason]({})[1]
      : ON_SERVER + 'check the key and secret.') +
      ` npx access-token-manager explain ${sdkCode} lists the causes.`,
  ];
}

const DESCRIBERS: Record<AccessTokenErrorReason, Describer> = {
  'not-a-string': (f) => [
    `Expected the token as a string, got ${f.received}.`,
    ON_CLIENT + 'pass the JWT string itself (from JSON like {"token": "…"}, pass .token).',
  ],
  empty: () => ['The token is empty.', ON_CLIENT + 'check that your token endpoint returned a token.'],
  'too-long': (f) => [
    `The token has ${f.actual} characters, over the ${f.expected} a token may have; it was not decoded.`,
    ON_CLIENT + 'pass the token alone, not a page or a whole response.',
  ],
  malformed: (f) => [
    `Expected a JWT (three base64url parts), got ${f.received}.`,
    ON_CLIENT + 'pass the token as minted: no quotes, Bearer, spaces, or error page.',
  ],
  undecodable: (f) => [
    `The token's ${f.field} is not base64url JSON.`,
    ON_CLIENT + 'pass the token as minted, uncut.',
  ],
  'invalid-header': (f) => [`The header's ${f.field} is ${f.actual}, not ${f.expected}.`, MINT],
  'invalid-issuer': (f) => [
    `iss must be an API key SID (SK…); it is ${f.actual}.`,
    ON_SERVER + 'sign with an API key SID and secret.',
  ],
  'invalid-subject': (f) => [
    `sub must be an Account SID (AC…); it is ${f.actual}.`,
    ON_SERVER + 'use your live Account SID.',
  ],
  'invalid-expiry': (f) => [`${f.field || 'exp'} must be a time in seconds; it is ${f.actual}.`, MINT],
  expired: (f) => [
    `The token expired ${between(f.atMs, f.nowMs)} ago.`,
    ON_CLIENT + 'fetch a new token; if new ones arrive expired, check the server clock and ttl.',
  ],
  'not-yet-valid': (f) => [
    `The token is valid only in ${between(f.nowMs, f.atMs)} (nbf).`,
    ON_SERVER + 'drop the future nbf and sync the clock (NTP).',
  ],
  'missing-grants': () => ['The token has no grants.', ON_SERVER + 'add a grant for each SDK.'],
  'ttl-too-long': (f) => [
    `The token lives ${f.seconds} s, over 24 h` +
      (f.unit ? `: ${f.unit === 'exp-in-ms' ? 'exp' : 'ttl'} looks like ms.` : '.'),
    ON_SERVER + 'give ttl in seconds, 86400 at most.',
  ],
  'account-changed': () => [
    'The new token is for another account.',
    ON_CLIENT + 'use one AccessManager per account.',
  ],
  'identity-changed': () => [
    'The new token is for another identity.',
    ON_CLIENT + 'to switch users, destroy this AccessManager and make a new one.',
  ],
  stale: () => ['The new token is older than the current one.', ON_SERVER + 'never cache tokens.'],
  'client-missing-grant': (f) => [
    `${clientLabel(f.client)} needs the ${f.grant} grant, missing from the token.`,
    ON_SERVER + `add the ${f.grant} grant.`,
  ],
  'client-rejected': (f) =>
    f.sdkCode === undefined
      ? [`${clientLabel(f.client)} refused the token.`, 'See error.cause.']
      : sdkRefusal(f),
  'client-timeout': (f) => [
    `${clientLabel(f.client)} took over ${f.timeoutMs} ms to take the token.`,
    'Check its connection, or raise clientTimeoutMs.',
  ],
  'invalid-argument': (f) => [
    `${f.field} must be ${f.expected}, got ${f.received}.`,
    ON_CLIENT + 'fix the call.',
  ],
  'invalid-server-option': (f) => [
    `${f.field} must be ${f.expected}, got ${f.received}.`,
    ON_SERVER + 'fix that option of createTokenHandler, or what authorize returns.',
  ],
  destroyed: () => ['This AccessManager was destroyed.', 'Create a new one.'],
  'no-token-provider': () => ['refresh() needs a tokenProvider.', 'Pass the tokenProvider option.'],
  'provider-failed': () => ['The tokenProvider failed.', 'See error.cause; it is retried with backoff.'],
  'peer-retrying': () => [
    "Another tab's tokenProvider just failed; this tab waits for its retry instead of calling too.",
    'Nothing to do here; see the failing tab for the cause.',
  ],
  'provider-timeout': (f) => [
    `The tokenProvider did not settle within ${f.timeoutMs} ms; it was aborted.`,
    'Check your token endpoint, or raise refreshTimeoutMs; it is retried with backoff.',
  ],
  unchanged: () => [
    'The tokenProvider returned the token already held, which is due for renewal.',
    ON_SERVER + 'mint a new token per request; never cache tokens.',
  ],
  'session-ended': (f) => [
    (f.status
      ? `The token endpoint answered ${f.status}${quoted(f.detail, ': ')}`
      : f.detail
        ? `The token endpoint redirected to a page${quoted(f.detail, ' ')}`
        : 'The tokenProvider said') +
      ": the user's session is over. Nothing is refreshed until the app acts; a token held works until exp.",
    'Have the user sign in again, then call refresh() or updateToken(token).',
  ],
  'signed-out': () => [
    'signOut() ended the session (in this tab or another with the same key); what was under way was called off.',
    'Have the user sign in again, then call refresh() or updateToken(token).',
  ],
  'token-timeout': (f) => [
    `No token valid for long enough came within ${f.timeoutMs} ms.`,
    ON_CLIENT + 'call updateToken(token) sooner, or raise timeoutMs.',
  ],
  'token-too-short': (f) => [
    `Even a fresh token lives less than the ${formatDuration(f.timeoutMs ?? 0)} asked of getToken().`,
    ON_SERVER + 'mint longer-lived tokens (ttl), or ask getToken() for less.',
  ],
  'endpoint-status': (f) => [
    `The token endpoint answered ${f.status}${quoted(f.detail, ': ')}.`,
    ON_SERVER + 'see its logs. It is retried with backoff (429, 503: after Retry-After).',
  ],
  'endpoint-html': (f) => [
    `The token endpoint answered an HTML page${quoted(f.detail, ' ')} instead of a token.`,
    ON_CLIENT + 'check the URL; the endpoint must answer a token, or 401 once signed out.',
  ],
  'endpoint-no-token': (f) => [
    `The token endpoint answered ${f.received}: no token was taken from it.`,
    ON_CLIENT +
      (f.received?.startsWith('a redirect')
        ? "pass init: { redirect: 'follow' } to fromEndpoint to take a token from another origin you trust."
        : 'pick the token with fromEndpoint\'s select, or answer {"token": …}.'),
  ],
  'endpoint-unreachable': () => [
    'The token endpoint could not be reached (offline, a wrong host, CORS, or a dropped connection).',
    'See error.cause; it is retried with backoff.',
  ],
  'endpoint-no-origin': () => [
    'fromEndpoint has a relative URL and no page origin to resolve it against (server rendering); not retried.',
    ON_CLIENT + 'create the AccessManager in the browser only, or use an absolute URL.',
  ],
};

/**
 * The platform's error code of each reason that is the token's fault; every other reason has 0.
 * Apart from the wording, so that production builds, which drop the wording, keep the codes.
 */
const CODES: Partial<Record<AccessTokenErrorReason, number>> = {
  'not-a-string': 20101,
  empty: 20101,
  'too-long': 20101,
  malformed: 20101,
  undecodable: 20101,
  'invalid-header': 20102,
  'invalid-issuer': 20103,
  'invalid-subject': 20103,
  'account-changed': 20103,
  'invalid-expiry': 20104,
  expired: 20104,
  stale: 20104,
  unchanged: 20104,
  'not-yet-valid': 20105,
  'missing-grants': 20106,
  'identity-changed': 20106,
  'client-missing-grant': 20106,
  'ttl-too-long': 20157,
};

/**
 * The platform code of a reason; an SDK's refusal (`client-rejected` with `facts.sdkCode`) takes
 * the SDK's code when it is a platform one (201xx), else the code of the reason it maps to.
 */
function codeOf(reason: AccessTokenErrorReason, facts: AccessTokenErrorFacts | undefined): number {
  const sdkCode = Number(facts?.sdkCode);
  if (sdkCode > 20100 && sdkCode < 20200) return sdkCode;
  const mapped = facts?.platformReason ?? reason;
  return (Object.hasOwn(CODES, mapped) && CODES[mapped]) || 0;
}

/**
 * Where the full explanation of a reason is, for the short messages of production builds: its row
 * of the README's Troubleshooting table, which has an anchor per reason.
 */
const troubleshooting = (reason: string): string =>
  `See https://www.npmjs.com/package/access-token-manager#${reason} or run npx access-token-manager inspect.`;

/**
 * @internal The code, cause and remedy of a reason in full words, in every build:
 * `access-token-manager/inspect` words its findings with it, and development builds their errors.
 */
export function wordReason(
  reason: AccessTokenErrorReason,
  facts: AccessTokenErrorFacts = {},
): ReasonDescription {
  if (typeof reason !== 'string' || !Object.hasOwn(DESCRIBERS, reason)) {
    throw new AccessTokenError('invalid-argument', {
      field: 'reason',
      expected: 'an AccessTokenErrorReason',
      received: kindOf(reason),
    });
  }
  let described: [message: string, remedy: string] | undefined;
  try {
    if (typeof facts === 'object' && facts !== null) described = DESCRIBERS[reason](facts);
  } catch {
    // A getter that throws, or a revoked Proxy: refused below, like facts that are no object.
  }
  if (!described) {
    throw new AccessTokenError('invalid-argument', {
      field: 'facts',
      expected: 'an object',
      received: kindOf(facts),
    });
  }
  const [message, remedy] = described;
  return { code: codeOf(reason, facts), message, remedy };
}

/**
 * The cause and remedy in words in a development build, `undefined` in a production build.
 *
 * Bundlers (Vite, webpack, esbuild, Rollup with its replace plugin) replace `process.env.NODE_ENV`
 * with `"production"` in a production build; the branch is then dead, and the wording table with
 * it leaves the bundle. In Node, and in development builds, the words stay.
 */
function wordsInDevelopment(
  reason: AccessTokenErrorReason,
  facts: AccessTokenErrorFacts,
): ReasonDescription | undefined {
  try {
    if (process.env.NODE_ENV !== 'production') return wordReason(reason, facts);
  } catch (error) {
    // wordReason's own refusal of a bad reason or facts reaches the caller.
    if (error instanceof AccessTokenError) throw error;
    // No `process`: an ES module loaded by a browser without a bundler. A typeof guard instead of
    // this catch would keep the words in production bundles too, as no bundler folds
    // `typeof process`; so such a page gets the short message rather than a ReferenceError.
  }
  return undefined;
}

/**
 * The platform code, the cause in words, and the remedy for one reason: the parts of an
 * {@link AccessTokenError}'s message. In a production build, the cause names the reason and the
 * code, and the remedy says where the full words are (`access-token-manager/inspect` always has them).
 *
 * @param reason - why the token was refused.
 * @param facts - printable facts that make the wording concrete.
 * @returns the code, message and remedy.
 * @throws {@link AccessTokenError} `invalid-argument` for a reason that is not one of
 *   {@link AccessTokenErrorReason}, or facts that are not an object.
 * @example
 * describeReason('ttl-too-long', { seconds: 3_600_000, unit: 'ttl-in-ms' }).code // 20157
 */
export function describeReason(
  reason: AccessTokenErrorReason,
  facts: AccessTokenErrorFacts = {},
): ReasonDescription {
  // Production builds keep no list of reasons to check against (it is the wording table), so a
  // non-string is refused here and an unknown string gets the short message with code 0.
  if (typeof reason !== 'string') {
    throw new AccessTokenError('invalid-argument', {
      field: 'reason',
      expected: 'an AccessTokenErrorReason',
      received: kindOf(reason),
    });
  }
  const words = wordsInDevelopment(reason, facts);
  const code = codeOf(reason, facts);
  return (
    words ?? {
      code,
      message: `${reason.slice(0, 32)} (code ${code}), worded in development builds.`,
      remedy: troubleshooting(reason.slice(0, 32)),
    }
  );
}

/**
 * The error for every refused token and every client that failed to take one.
 *
 * `code` is the platform's (20101 invalid, 20102 header, 20103 issuer or subject, 20104 expired,
 * 20105 not yet valid, 20106 grants, 20157 lifetime over 24 h); `reason` is stable and finer;
 * the message names the cause and the remedy, and never contains the token.
 *
 * In a production build (`process.env.NODE_ENV` is `"production"`), the message is short: it
 * names the reason and the code and where the full explanation is; `code`, `reason`, `facts` and
 * `cause` are the same in every build.
 *
 * @example
 * manager.on('tokenError', (error) => {
 *   if (error.reason === 'expired') fetchNewToken();
 *   console.warn(error.code, error.message);
 * });
 */
export class AccessTokenError extends Error {
  /** The platform error code, or 0 when the fault is not the token's (a client, a destroyed manager). */
  readonly code: number;
  /** A stable identifier of the cause. */
  readonly reason: AccessTokenErrorReason;
  /**
   * What to change, and where. Also the last sentence of `message`. In a production build, where
   * to read it: the reason's row of the README's Troubleshooting table, or
   * `npx access-token-manager inspect`.
   */
  readonly remedy: string;
  /** The printable facts the message was built from. */
  readonly facts: AccessTokenErrorFacts;

  /**
   * @param reason - why the token was refused.
   * @param facts - printable facts (never the token).
   * @param options - `cause`: the underlying error, for client failures.
   */
  constructor(
    reason: AccessTokenErrorReason,
    facts: AccessTokenErrorFacts = {},
    options?: { cause?: unknown },
  ) {
    const { code, message, remedy } = describeReason(reason, facts);
    super(`${message} ${remedy}`, options);
    this.name = 'AccessTokenError';
    this.code = code;
    this.reason = reason;
    this.remedy = remedy;
    this.facts = facts;
  }
}

/** Adds every problem of a refused token to its error: set by `access-token-manager/inspect` when it loads. */
type FindingsHook = (error: AccessTokenError, token: unknown, nowMs: number | undefined) => void;
let addFindings: FindingsHook | undefined;

/** @internal Called once by the `access-token-manager/inspect` entry, so refused tokens carry findings. */
export const setTokenInspector = (hook: FindingsHook): void => {
  addFindings = hook;
};

/**
 * @internal Adds the inspector's findings about `token` to `error` when the inspect entry is loaded.
 * @returns `error`, to be thrown.
 */
export function attachFindings(error: unknown, token: unknown, nowMs?: number | false): unknown {
  if (addFindings && error instanceof AccessTokenError) {
    addFindings(error, token, nowMs === false ? undefined : nowMs);
  }
  return error;
}
