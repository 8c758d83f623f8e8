// CORS for a token route on another origin than the page: off unless the app names the origins.
// An allowed origin is echoed exactly (never `*`), so credentials (the session cookie) can go along.
import { describeValue, invalidServerOption, isPlainObject, readProperty } from './invalid';

/**
 * The `cors` option of `createTokenHandler`: which page origins may call the token route from
 * another origin, and whether their requests carry credentials (cookies).
 * @example
 * const cors: TokenCorsOptions = { origins: ['https://app.example.com'], credentials: true };
 */
export interface TokenCorsOptions {
  /**
   * The origins allowed (`https://app.example.com`: scheme, host and port, no path), or a function
   * that says whether one is (it may be async; a throw counts as no). `'*'` allows any origin, and
   * is refused with `credentials: true`.
   */
  origins: readonly string[] | ((origin: string) => boolean | Promise<boolean>);
  /**
   * Whether the browser may send cookies and read the answer with them (`fetch(url, { credentials:
   * 'include' })`): answers `Access-Control-Allow-Credentials: true`.
   * @default false
   */
  credentials?: boolean | undefined;
  /**
   * How long a browser may keep a preflight's answer, in seconds (`Access-Control-Max-Age`).
   * @default 600
   */
  maxAgeSeconds?: number | undefined;
}

/** @internal The CORS settings, checked: says which headers an answer to `request` carries. */
export type CorsPolicy = (request: Request) => Promise<CorsAnswer>;

/** @internal What CORS adds to one answer, and whether the request was a preflight. */
export interface CorsAnswer {
  /** The headers to add to the answer (at least `Vary: Origin` while CORS is on). */
  headers: Record<string, string>;
  /** Whether the request is a preflight (`OPTIONS` with `Access-Control-Request-Method`). */
  preflight: boolean;
  /** Whether the origin is allowed. */
  allowed: boolean;
}

const OFF: CorsAnswer = { headers: {}, preflight: false, allowed: false };

/** Whether `origin` is written as the browser sends it: scheme://host[:port], nothing else. */
function isOrigin(origin: string): boolean {
  try {
    return new URL(origin).origin === origin;
  } catch {
    return false;
  }
}

/** Reads the list of origins, refusing each entry that could never match, by the rule it breaks. */
function readOriginList(list: readonly unknown[], credentials: boolean): Set<string> {
  for (const [index, origin] of list.entries()) {
    const field = `cors.origins[${index}]`;
    if (origin === '*') {
      if (!credentials) continue;
      throw invalidServerOption(
        field,
        'an exact origin when cors.credentials is true: "*" would let every site read your users\' tokens',
        '"*"',
      );
    }
    if (typeof origin !== 'string') {
      throw invalidServerOption(field, 'an origin such as "https://app.example.com"', describeValue(origin));
    }
    if (!isOrigin(origin)) {
      throw invalidServerOption(
        field,
        'an origin as the browser sends it: scheme, host and port only, no path, no trailing slash',
        `"${origin.slice(0, 80)}"`,
      );
    }
  }
  return new Set(list as string[]);
}

/**
 * @internal Reads the `cors` option once, at startup.
 * @returns the policy, or `null` when CORS is off (no option).
 * @throws {@link AccessTokenError} `invalid-server-option` for a wrong option, a wildcard with
 *   credentials among them.
 */
export function readCors(cors: unknown, methods: readonly string[]): CorsPolicy | null {
  if (cors === undefined) return null;
  if (!isPlainObject(cors)) {
    throw invalidServerOption('cors', '{ origins, credentials? } or nothing (CORS off)', describeValue(cors));
  }
  const credentials = readProperty(cors, 'credentials', 'cors.credentials') ?? false;
  if (typeof credentials !== 'boolean') {
    throw invalidServerOption('cors.credentials', 'a boolean', describeValue(credentials));
  }
  const maxAgeSeconds = readProperty(cors, 'maxAgeSeconds', 'cors.maxAgeSeconds') ?? 600;
  if (typeof maxAgeSeconds !== 'number' || !Number.isInteger(maxAgeSeconds) || maxAgeSeconds < 0) {
    throw invalidServerOption(
      'cors.maxAgeSeconds',
      'a whole number of seconds, 0 or more',
      describeValue(maxAgeSeconds),
    );
  }
  const origins = readProperty(cors, 'origins', 'cors.origins');
  let allows: (origin: string) => boolean | Promise<boolean>;
  if (typeof origins === 'function') {
    allows = origins as (origin: string) => boolean | Promise<boolean>;
  } else if (Array.isArray(origins)) {
    const list = readOriginList(origins, credentials);
    allows = (origin) => list.has(origin) || list.has('*');
  } else {
    throw invalidServerOption(
      'cors.origins',
      'a list of origins such as ["https://app.example.com"], or a function of the origin',
      describeValue(origins),
    );
  }
  const isAllowed = async (origin: string): Promise<boolean> => {
    try {
      return (await allows(origin)) === true;
    } catch {
      return false; // the app's check failed: no CORS headers, the browser blocks the answer
    }
  };

  return async (request) => {
    const origin = request.headers.get('origin');
    const preflight = request.method === 'OPTIONS' && request.headers.has('access-control-request-method');
    const headers: Record<string, string> = {
      vary: preflight ? 'Origin, Access-Control-Request-Headers' : 'Origin',
    };
    if (origin === null || !(await isAllowed(origin))) return { ...OFF, headers, preflight };
    headers['access-control-allow-origin'] = origin;
    if (credentials) headers['access-control-allow-credentials'] = 'true';
    if (preflight) {
      headers['access-control-allow-methods'] = methods.join(', ');
      const asked = request.headers.get('access-control-request-headers');
      if (asked !== null && asked !== '') headers['access-control-allow-headers'] = asked;
      headers['access-control-max-age'] = String(maxAgeSeconds);
    }
    return { headers, preflight, allowed: true };
  };
}
