/**
 * `fromEndpoint(url)`: the token provider every app writes by hand, with the checks it forgets.
 * It reads what the endpoint answered (the token, `{ token }`, an HTML login page, an error) and
 * turns each failure into an {@link AccessTokenError} whose reason says what happened and what
 * the manager does next: 401 and 403 end the session (no retry until the app acts), 429 and 503
 * carry their `Retry-After`, the rest is retried with backoff.
 */
import { AccessTokenError, type AccessTokenErrorFacts } from './errors';
import { describeInput, invalidArgument, readOptions } from './input';
import { htmlTitle, printable } from './printable';
import type { TokenProvider } from './provider';
import { MAX_TOKEN_LENGTH } from './rules';

/**
 * The most of a response's body {@link fromEndpoint} reads, in bytes: 64 KiB, four times the
 * longest token the core accepts (`MAX_TOKEN_LENGTH`, 16 KiB), which leaves room for JSON around
 * the token and for the head of an HTML page, where its title is. A longer 2xx body is refused as
 * `endpoint-no-token` without reading the rest.
 */
const MAX_BODY_BYTES = 4 * MAX_TOKEN_LENGTH;

/** The options of {@link fromEndpoint}. */
export interface FromEndpointOptions {
  /**
   * More of `fetch`'s options (`headers`, `method`, `credentials`, …), over the defaults
   * `{ cache: 'no-store', credentials: 'same-origin' }`; or a function that returns them, called
   * before each request (for a header whose value changes). `signal` is always the manager's.
   * `redirect: 'follow'` here takes a token from wherever the endpoint redirects; without it, a
   * redirect to another origin is refused as `endpoint-no-token`.
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

/** The title of an HTML page, or the message of an error body, if printable. */
function detailOf(body: string): string | undefined {
  if (body.startsWith('<')) return htmlTitle(body);
  if (!body.startsWith('{')) return printable(body);
  try {
    const json = JSON.parse(body) as Record<string, unknown>;
    return printable(json.message ?? json.error_description ?? json.error ?? json.detail);
  } catch {
    return undefined;
  }
}

/**
 * Reads `response`'s body as text, at most `maxBytes` of it: past that, the rest is cancelled
 * unread (50 MB from a server on loopback: 4 MB sent before the connection closed, the process
 * +17 MB at its peak; read in full, +175 MB).
 *
 * @returns the text read, and whether the body was longer.
 */
async function readBody(response: Response, maxBytes: number): Promise<[text: string, tooLarge: boolean]> {
  const reader = response.body?.getReader();
  if (!reader) return ['', false];
  const decoder = new TextDecoder();
  let text = '';
  for (let bytes = 0; ;) {
    const { done, value } = await reader.read();
    if (done) return [text + decoder.decode(), false];
    if (bytes + value.byteLength > maxBytes) {
      reader.cancel().catch(() => {});
      return [text + decoder.decode(value.subarray(0, maxBytes - bytes)), true];
    }
    bytes += value.byteLength;
    text += decoder.decode(value, { stream: true });
  }
}

/**
 * The origin a redirect took the request to, if it is not `target`'s: `''` when it cannot be
 * told (then it is not taken either); `undefined` when the answer came from `target`'s origin.
 */
function originRedirectedTo(target: string | URL, response: Response): string | undefined {
  if (!response.redirected) return undefined;
  try {
    const origin = new URL(response.url).origin;
    // `new Request` resolves a relative URL as fetch did (against the document's base URL).
    return origin === new URL(new Request(target).url).origin ? undefined : origin;
  } catch {
    return '';
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
 * | a 2xx body over 64 KiB (the rest is not read)   | `endpoint-no-token`    | retried with backoff        |
 * | a redirect to another origin (see below)        | `endpoint-no-token`    | retried with backoff        |
 * | no answer (offline, CORS, a dropped connection) | `endpoint-unreachable` | retried with backoff        |
 * | a relative `url` with no page (server)          | `endpoint-no-origin`   | no retry                    |
 *
 * A token is trimmed (a bare-text body, or the string picked from JSON). A redirect to another
 * origin than `url`'s is followed, but its answer is not taken, unless `init` says
 * `redirect: 'follow'` (an origin you trust); a redirect to a page (a sign-in page, on any origin)
 * ends the session as above.
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
    let tooLarge: boolean;
    try {
      response = await fetch(target, { cache: 'no-store', credentials: 'same-origin', ...extra, signal });
      [body, tooLarge] = await readBody(response, MAX_BODY_BYTES);
      body = body.trim();
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
    // An open redirect on the app's server must not make it take another origin's token.
    const away = extra?.redirect === 'follow' ? undefined : originRedirectedTo(target, response);
    if (away !== undefined) {
      const origin = printable(away) ?? 'not shown';
      // What to do about it is in the reason's words (development builds), not in the facts.
      throw new AccessTokenError('endpoint-no-token', {
        received: `a redirect to another origin (${origin})`,
      });
    }
    if (tooLarge) {
      throw new AccessTokenError('endpoint-no-token', {
        received: `more than ${MAX_BODY_BYTES / 1024} KiB, longer than any token`,
      });
    }
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
    // Trimmed as a bare-text body is: the same token in JSON is the same token.
    if (typeof token === 'string' && token.trim() !== '') return token.trim();
    throw new AccessTokenError('endpoint-no-token', {
      received: body === '' ? 'an empty body' : describeInput(select ? token : value),
    });
  };
}
