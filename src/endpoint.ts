/**
 * `fromEndpoint(url)`: the token provider every app writes by hand, with the checks it forgets.
 * It reads what the endpoint answered (the token, `{ token }`, an HTML login page, an error) and
 * turns each failure into an {@link AccessTokenError} whose reason says what happened and what
 * the manager does next: 401 and 403 end the session (no retry until the app acts), 429 and 503
 * carry their `Retry-After`, the rest is retried with backoff.
 */
import { AccessTokenError, type AccessTokenErrorFacts } from './errors';
import { describeInput, invalidArgument, readOptions } from './input';
import type { TokenProvider } from './provider';

/** The options of {@link fromEndpoint}. */
export interface FromEndpointOptions {
  /**
   * More of `fetch`'s options (`headers`, `method`, `credentials`, …), over the defaults
   * `{ cache: 'no-store', credentials: 'same-origin' }`; or a function that returns them, called
   * before each request (for a header whose value changes). `signal` is always the manager's.
   * @example init: { headers: { 'X-CSRF-Token': csrfToken } }
   * @example init: async () => ({ headers: { Authorization: `Bearer ${await auth.getToken()}` } })
   */
  init?: RequestInit | (() => RequestInit | Promise<RequestInit>);
  /**
   * Picks the token out of the body: given the parsed JSON (or the text, when the body is not
   * JSON), returns the token string.
   * @default the body's `token` field, or the body itself when it is a bare token
   * @example select: (body) => (body as { data: { jwt: string } }).data.jwt
   */
  select?: (body: unknown) => unknown;
}

/** A line of what the endpoint said, if it is short and cannot be a token or a secret. */
function printable(text: unknown): string | undefined {
  const line = typeof text === 'string' ? text.replace(/\s+/g, ' ').trim() : '';
  // A JWT, a secret, a SID: long runs of base64 characters. Sentences have none that long.
  return line && line.length <= 100 && !/[\w+/=-]{24}/.test(line) ? line : undefined;
}

/** The title of an HTML page, or the message of an error body, if printable. */
function detailOf(body: string): string | undefined {
  if (body.startsWith('<')) return printable(/<title[^>]*>([^<]*)/i.exec(body)?.[1]);
  if (!body.startsWith('{')) return printable(body);
  try {
    const json = JSON.parse(body) as Record<string, unknown>;
    return printable(json.message ?? json.error_description ?? json.error ?? json.detail);
  } catch {
    return undefined;
  }
}

/** `Retry-After` in milliseconds from `response`: seconds, or an HTTP date (against its `Date`). */
function retryAfterMsOf({ headers }: Response): number | undefined {
  const value = headers.get('retry-after')?.trim();
  if (!value) return undefined;
  const ms = /^\d+$/.test(value)
    ? Number(value) * 1000
    : Date.parse(value) - (Date.parse(headers.get('date') ?? '') || Date.now());
  return Number.isNaN(ms) ? undefined : Math.max(0, ms);
}

/**
 * Makes a {@link TokenProvider} that fetches the token from `url`, for the `tokenProvider` option.
 *
 * Each request is sent with the manager's `signal`, `cache: 'no-store'` and
 * `credentials: 'same-origin'` (`options.init` adds to or overrides them). A 2xx body is read as
 * the bare token, or as JSON with a `token` field (or what `options.select` picks). Every failure
 * is an {@link AccessTokenError} that says what the endpoint did:
 *
 * | the endpoint                                    | reason                 | then                        |
 * | ----------------------------------------------- | ---------------------- | --------------------------- |
 * | 401, 403, or a redirect to an HTML page         | `session-ended`        | no retry until `refresh()`  |
 * | 429, 503                                        | `endpoint-status`      | retried after `Retry-After` |
 * | any other non-2xx                               | `endpoint-status`      | retried with backoff        |
 * | a 2xx HTML page                                 | `endpoint-html`        | retried with backoff        |
 * | 2xx JSON without a token, or an empty body      | `endpoint-no-token`    | retried with backoff        |
 * | no answer (offline, CORS, a dropped connection) | `endpoint-unreachable` | retried with backoff        |
 * | a relative `url` with no page (server)          | `endpoint-no-origin`   | no retry                    |
 *
 * `facts.status` holds the status, `facts.detail` a page's title or the body's message when it
 * is short and could not be a token, `facts.retryAfterMs` the wait asked for. The body is never
 * quoted otherwise.
 *
 * @param url - the token endpoint, absolute or relative to the page; or a function that returns
 *   it, called before each request (for a URL that changes: a query from the page's state).
 * @param options - `init` for `fetch`, `select` to pick the token; see {@link FromEndpointOptions}.
 * @returns the provider.
 * @throws {@link AccessTokenError} `invalid-argument` when `url` is not a string, a `URL` or a
 *   function, or an option is of the wrong type. A function that returns something else makes
 *   that request fail with `invalid-argument` (retried with backoff, as any failed request).
 * @example
 * const manager = new AccessManager(null, { tokenProvider: fromEndpoint('/api/token') });
 * manager.on('tokenError', (error) => {
 *   if (error.reason === 'session-ended') showSignIn(); // then manager.refresh()
 * });
 * @example
 * // A URL read from the page at each request
 * fromEndpoint(() => `/token?${new URLSearchParams({ room: currentRoom() })}`);
 */
export function fromEndpoint(
  url: string | URL | (() => string | URL | Promise<string | URL>),
  options?: FromEndpointOptions,
): TokenProvider {
  const isUrl = (value: unknown): value is string | URL => typeof value === 'string' || value instanceof URL;
  if (!isUrl(url) && typeof url !== 'function') {
    throw invalidArgument('url', 'a URL, or a function that returns one', url);
  }
  const { init, select } = readOptions('options', options);
  if (init !== undefined && (typeof init !== 'object' || init === null) && typeof init !== 'function') {
    throw invalidArgument('options.init', "fetch's options, or a function that returns them", init);
  }
  if (select !== undefined && typeof select !== 'function') {
    throw invalidArgument('options.select', 'a function (body) => token', select);
  }
  return async ({ signal }) => {
    const target = typeof url === 'function' ? await url() : url;
    if (!isUrl(target)) throw invalidArgument('url()', 'a URL', target);
    // Server rendering has no page to resolve a relative URL against: a final error, not a retry.
    if (!(globalThis as { location?: unknown }).location) {
      try {
        new URL(target);
      } catch {
        throw new AccessTokenError('endpoint-no-origin');
      }
    }
    const extra = typeof init === 'function' ? await init() : init;
    let response: Response;
    let body: string;
    try {
      response = await fetch(target, { cache: 'no-store', credentials: 'same-origin', ...extra, signal });
      body = (await response.text()).trim();
    } catch (error) {
      // The manager's abort (destroy, or the attempt's time limit): it reports that itself.
      if (signal.aborted) throw error;
      throw new AccessTokenError('endpoint-unreachable', {}, { cause: error });
    }
    const { status } = response;
    const facts: AccessTokenErrorFacts = { status };
    const detail = detailOf(body);
    if (detail !== undefined) facts.detail = detail;
    const html = body.startsWith('<');
    // The endpoint said 401 or 403, or redirected to a page (a login page, as session middleware
    // does): retrying cannot help until the user signs in.
    const signInPage = response.type === 'opaqueredirect' || (html && response.redirected && response.ok);
    if (status === 401 || status === 403 || signInPage) {
      if (signInPage) delete facts.status;
      throw new AccessTokenError('session-ended', facts);
    }
    if (!response.ok) {
      const retryAfterMs = status === 429 || status === 503 ? retryAfterMsOf(response) : undefined;
      if (retryAfterMs !== undefined) facts.retryAfterMs = retryAfterMs;
      throw new AccessTokenError('endpoint-status', facts);
    }
    if (html) throw new AccessTokenError('endpoint-html', { detail });
    let value: unknown = body;
    if (/^[[{"]/.test(body)) {
      try {
        value = JSON.parse(body);
      } catch {
        throw new AccessTokenError('endpoint-no-token', { received: 'text that is not valid JSON' });
      }
    }
    const token = select
      ? select(value)
      : typeof value === 'object' && value !== null
        ? (value as { token?: unknown }).token
        : value;
    if (typeof token === 'string' && token !== '') return token;
    throw new AccessTokenError('endpoint-no-token', {
      received: body === '' ? 'an empty body' : describeInput(select ? token : value),
    });
  };
}
