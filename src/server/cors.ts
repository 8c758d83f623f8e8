// CORS for a token route on another origin than the page: off unless the app names the origins.
// An allowed origin is echoed exactly (never `*`), so credentials (the session cookie) can go along.
import { describeValue, invalidServerOption, isPlainObject, readProperty } from './invalid';

/**
 * The `cors` option of `createTokenHandler`: which page origins may call the token route from
 * another origin, and whether their requests carry credentials (cookies). A preflight's answer
 * may be kept 10 minutes (`Access-Control-Max-Age: 600`); a 503's `Retry-After` is exposed to the
 * page (`Access-Control-Expose-Headers`), so that `fromEndpoint` waits as it says.
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
}

/**
 * @internal The CORS settings, checked: the headers an answer to `request` carries (`Vary: Origin`
 * always; the rest for an allowed origin only), and whether it is a preflight.
 */
export type CorsPolicy = (
  request: Request,
) => Promise<{ headers: Record<string, string>; preflight: boolean }>;

const A = 'access-control-';

/** Whether `origin` is written as a browser sends it: scheme://host[:port], nothing else. */
const isOrigin = (origin: unknown): boolean => {
  try {
    return new URL(origin as string).origin === origin;
  } catch {
    return false;
  }
};

/**
 * @internal Reads the `cors` option once, at startup.
 * @returns the policy, or `null` when CORS is off (no option).
 * @throws {@link AccessTokenError} `invalid-server-option` for a wrong option, a wildcard with
 *   credentials among them.
 */
export function readCors(cors: unknown, methods: readonly string[]): CorsPolicy | null {
  if (cors === undefined) return null;
  if (!isPlainObject(cors))
    throw invalidServerOption('cors', '{ origins, credentials? }', describeValue(cors));
  const origins = readProperty(cors, 'origins', 'cors.origins');
  const credentials = readProperty(cors, 'credentials', 'cors.credentials') ?? false;
  if (typeof credentials !== 'boolean') {
    throw invalidServerOption('cors.credentials', 'a boolean', describeValue(credentials));
  }
  if (typeof origins !== 'function' && !Array.isArray(origins)) {
    throw invalidServerOption('cors.origins', 'a list of origins, or a function', describeValue(origins));
  }
  (Array.isArray(origins) ? origins : []).forEach((origin: unknown, index) => {
    if (origin === '*' ? credentials : !isOrigin(origin)) {
      throw invalidServerOption(
        `cors.origins[${index}]`,
        origin === '*'
          ? 'an exact origin with credentials: "*" would let every site read your users\' tokens'
          : 'an origin as a browser sends it: scheme, host and port only, no path, no trailing slash',
        typeof origin === 'string' ? JSON.stringify(origin.slice(0, 80)) : describeValue(origin),
      );
    }
  });
  const allows = async (origin: string): Promise<boolean> => {
    try {
      return Array.isArray(origins)
        ? origins.includes(origin) || origins.includes('*')
        : (await (origins as (origin: string) => unknown)(origin)) === true;
    } catch {
      return false; // the app's check failed: no CORS headers, the browser blocks the answer
    }
  };

  return async (request) => {
    const origin = request.headers.get('origin');
    const asked = request.headers.get(`${A}request-headers`);
    const preflight = request.method === 'OPTIONS' && request.headers.has(`${A}request-method`);
    const headers: Record<string, string> = {
      vary: preflight ? 'Origin, Access-Control-Request-Headers' : 'Origin',
    };
    if (origin !== null && (await allows(origin))) {
      headers[`${A}allow-origin`] = origin;
      if (credentials) headers[`${A}allow-credentials`] = 'true';
      if (preflight) {
        headers[`${A}allow-methods`] = methods.join(', ');
        if (asked) headers[`${A}allow-headers`] = asked;
        headers[`${A}max-age`] = '600';
      }
    }
    return { headers, preflight };
  };
}
