// fromEndpoint against a real HTTP server on loopback, with real time: what each answer of a token
// endpoint becomes (a token, or a typed error that says what happened and what comes next).
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { AccessTokenError, decodeAccessToken, fromEndpoint, type TokenProvider } from 'access-token-manager';
import { startEndpoint } from './support/endpoint.js';
import { mintToken } from './support/tokens.js';

let endpoint: Awaited<ReturnType<typeof startEndpoint>>;
beforeAll(async () => {
  endpoint = await startEndpoint();
});
afterAll(() => endpoint.close());

const ask = (provider: TokenProvider, signal = new AbortController().signal) =>
  Promise.resolve(provider({ reason: 'initial', signal }));

/** The error `provider` rejects with, checked to be an AccessTokenError. */
async function failureOf(provider: TokenProvider, signal?: AbortSignal): Promise<AccessTokenError> {
  const error: unknown = await ask(provider, signal).then(
    () => {
      throw new Error('the provider resolved');
    },
    (error: unknown) => error,
  );
  expect(error).toBeInstanceOf(AccessTokenError);
  return error as AccessTokenError;
}

describe(fromEndpoint, () => {
  describe('2xx', () => {
    it('reads a bare token from a text body, trimmed', async () => {
      const token = await ask(fromEndpoint(endpoint.url('/text')));
      expect(decodeAccessToken(token).identity).toBe('alice');
      expect(token).not.toMatch(/\s/);
    });

    it('reads the token field of a JSON body, or a JSON string', async () => {
      expect(decodeAccessToken(await ask(fromEndpoint(endpoint.url('/json')))).identity).toBe('alice');
      expect(decodeAccessToken(await ask(fromEndpoint(endpoint.url('/json-string')))).identity).toBe('alice');
    });

    it('reads what select picks', async () => {
      const select = vi.fn((body: unknown) => (body as { data: { jwt: string } }).data.jwt);
      const token = await ask(fromEndpoint(endpoint.url('/nested'), { select }));
      expect(decodeAccessToken(token).identity).toBe('alice');
      expect(select).toHaveBeenCalledWith({ data: { jwt: token } });
    });

    it('sends cache: no-store and credentials: same-origin with the signal, and init over them', async () => {
      const fetchSpy = vi.spyOn(globalThis, 'fetch');
      const { signal } = new AbortController();
      await ask(fromEndpoint(endpoint.url('/json')), signal);
      expect(fetchSpy.mock.calls[0]?.[1]).toEqual({ cache: 'no-store', credentials: 'same-origin', signal });

      const headers = { 'x-csrf-token': 'abc' };
      await ask(fromEndpoint(endpoint.url('/json'), { init: { credentials: 'include', headers } }), signal);
      expect(fetchSpy.mock.calls[1]?.[1]).toEqual({
        cache: 'no-store',
        credentials: 'include',
        headers,
        signal,
      });

      // A function is called before each request; the manager's signal wins over one it returns.
      const other = new AbortController().signal;
      const init = vi.fn(async () => ({ method: 'POST', signal: other }));
      await ask(fromEndpoint(endpoint.url('/json'), { init }), signal);
      expect(init).toHaveBeenCalledTimes(1);
      expect(fetchSpy.mock.calls[2]?.[1]).toMatchObject({ method: 'POST', signal });
    });

    it('refuses an HTML page as endpoint-html, naming its title', async () => {
      const error = await failureOf(fromEndpoint(endpoint.url('/html')));
      expect(error).toMatchObject({
        reason: 'endpoint-html',
        code: 0,
        facts: { detail: 'Welcome to the app' },
      });
      expect(error.message).toContain('"Welcome to the app"');
    });

    it('refuses JSON without a token as endpoint-no-token, naming its keys only', async () => {
      const error = await failureOf(fromEndpoint(endpoint.url('/no-token')));
      expect(error).toMatchObject({
        reason: 'endpoint-no-token',
        facts: { received: 'an object with keys error, identity' },
      });
      expect(error.message).not.toContain('no session');
      const selected = await failureOf(fromEndpoint(endpoint.url('/json'), { select: () => 42 }));
      expect(selected.facts.received).toBe('a number');
    });

    it('refuses an empty body and broken JSON as endpoint-no-token', async () => {
      expect((await failureOf(fromEndpoint(endpoint.url('/empty')))).facts.received).toBe('an empty body');
      expect((await failureOf(fromEndpoint(endpoint.url('/bad-json')))).facts.received).toBe(
        'text that is not valid JSON',
      );
    });
  });

  describe('the session is over', () => {
    it('says session-ended for 401, with the body’s message', async () => {
      const error = await failureOf(fromEndpoint(endpoint.url('/401')));
      expect(error).toMatchObject({
        reason: 'session-ended',
        code: 0,
        facts: { status: 401, detail: 'not signed in' },
      });
      expect(error.message).toContain('401');
    });

    it('says session-ended for 403, with a short text body', async () => {
      const error = await failureOf(fromEndpoint(endpoint.url('/403')));
      expect(error).toMatchObject({ reason: 'session-ended', facts: { status: 403, detail: 'Forbidden' } });
    });

    it('says session-ended for a redirect to a login page, naming its title', async () => {
      const error = await failureOf(fromEndpoint(endpoint.url('/redirect')));
      expect(error).toMatchObject({ reason: 'session-ended', facts: { detail: 'Sign in' } });
      expect(error.facts.status).toBeUndefined();
    });
  });

  describe('other statuses', () => {
    it('reads Retry-After in seconds on 429', async () => {
      const error = await failureOf(fromEndpoint(endpoint.url('/429')));
      expect(error).toMatchObject({
        reason: 'endpoint-status',
        facts: { status: 429, detail: 'slow down', retryAfterMs: 7_000 },
      });
    });

    it('reads Retry-After as an HTTP date on 503, against the response’s Date', async () => {
      const error = await failureOf(fromEndpoint(endpoint.url('/503-date')));
      expect(error.facts).toEqual({ status: 503, retryAfterMs: 20_000 });
    });

    it('says endpoint-status for 500 with the body’s message, and no Retry-After', async () => {
      const error = await failureOf(fromEndpoint(endpoint.url('/500')));
      expect(error.facts).toEqual({ status: 500, detail: 'database down' });
      expect(error.message).toContain('500');
    });

    it('never quotes a body that holds a token', async () => {
      const error = await failureOf(fromEndpoint(endpoint.url('/500-token')));
      expect(error.facts).toEqual({ status: 500 });
      expect(error.message).not.toMatch(/eyJ|stale/);
      expect(JSON.stringify(error.facts)).not.toMatch(/eyJ/);
    });
  });

  describe('no answer', () => {
    it('says endpoint-unreachable for a dropped connection, the fetch error as cause', async () => {
      const error = await failureOf(fromEndpoint(endpoint.url('/drop')));
      expect(error.reason).toBe('endpoint-unreachable');
      expect(error.cause).toBeInstanceOf(TypeError);
    });

    it('says endpoint-unreachable when nothing listens', async () => {
      const error = await failureOf(fromEndpoint('http://127.0.0.1:9/token'));
      expect(error.reason).toBe('endpoint-unreachable');
    });

    it('leaves a hanging request to the signal, and rejects with the abort itself', async () => {
      const controller = new AbortController();
      const asked = ask(fromEndpoint(endpoint.url('/hang')), controller.signal);
      setTimeout(() => controller.abort(), 50);
      const error: unknown = await asked.catch((error: unknown) => error);
      expect(error).not.toBeInstanceOf(AccessTokenError);
      expect((error as Error).name).toBe('AbortError');
    });
  });

  describe('a URL that changes', () => {
    it('calls url() before each request, and fetches what it returns (a string, a URL, a promise)', async () => {
      const fetchSpy = vi.spyOn(globalThis, 'fetch');
      const urls = [endpoint.url('/json?n=1'), new URL(endpoint.url('/text?n=2'))];
      const url = vi.fn(() => urls.shift()!);
      const provider = fromEndpoint(url);
      expect(url).not.toHaveBeenCalled();

      expect(decodeAccessToken(await ask(provider)).identity).toBe('alice');
      expect(decodeAccessToken(await ask(provider)).identity).toBe('alice');
      const viaPromise = fromEndpoint(() => Promise.resolve(endpoint.url('/json?n=3')));
      expect(decodeAccessToken(await ask(viaPromise)).identity).toBe('alice');

      expect(url).toHaveBeenCalledTimes(2);
      expect(fetchSpy.mock.calls.map(([input]) => String(input))).toEqual([
        endpoint.url('/json?n=1'),
        endpoint.url('/text?n=2'),
        endpoint.url('/json?n=3'),
      ]);
    });

    it('fails a request whose url() returns no URL with invalid-argument, without fetching', async () => {
      const fetchSpy = vi.spyOn(globalThis, 'fetch');
      const error = await failureOf(fromEndpoint(() => undefined as unknown as string));
      expect(error).toMatchObject({ reason: 'invalid-argument', facts: { field: 'url()' } });
      expect(fetchSpy).not.toHaveBeenCalled();
    });
  });

  describe('an answer it must not trust', () => {
    it('reads at most 64 KiB of a body, cancels the rest, and refuses it as endpoint-no-token', async () => {
      // 50 MB of token-like text, made as it is read: what was pulled is what fromEndpoint read.
      const chunk = new TextEncoder().encode('a'.repeat(16_384));
      let pulledBytes = 0;
      let cancelled = false;
      const body = new ReadableStream<Uint8Array>({
        pull(controller) {
          if (pulledBytes >= 50_000_000) return controller.close();
          pulledBytes += chunk.byteLength;
          controller.enqueue(chunk);
        },
        cancel() {
          cancelled = true;
        },
      });
      vi.spyOn(globalThis, 'fetch').mockResolvedValue(new Response(body, { status: 200 }));

      const error = await failureOf(fromEndpoint('https://app.example/token'));

      expect(error.reason).toBe('endpoint-no-token');
      expect(error.facts.received).toBe('more than 64 KiB, longer than any token');
      expect(cancelled).toBe(true);
      expect(pulledBytes).toBeLessThan(256 * 1024); // 64 KiB, and what the stream buffered ahead
    });

    it('still reads the title of a long HTML page, and the status of a long error page', async () => {
      const page = `<html><head><title>Sign in</title></head><body>${'<p>…</p>'.repeat(50_000)}</body></html>`;
      endpoint.answer = (_req, res) => res.writeHead(200, { 'content-type': 'text/html' }).end(page);
      expect(await failureOf(fromEndpoint(endpoint.url('/token')))).toMatchObject({
        reason: 'endpoint-html',
        facts: { detail: 'Sign in' },
      });
      endpoint.answer = (_req, res) => res.writeHead(401, { 'content-type': 'text/html' }).end(page);
      expect(await failureOf(fromEndpoint(endpoint.url('/token')))).toMatchObject({
        reason: 'session-ended',
        facts: { status: 401, detail: 'Sign in' },
      });
    });

    it('takes a token of up to the longest a token may be, in JSON', async () => {
      const padded = mintToken({ identity: 'x'.repeat(12_000) });
      expect(padded.length).toBeGreaterThan(16_000);
      endpoint.answer = (_req, res) =>
        res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ token: padded }));
      expect(await ask(fromEndpoint(endpoint.url('/token')))).toBe(padded);
    });

    it('refuses a token from another origin it was redirected to, unless init says redirect: follow', async () => {
      const other = await startEndpoint();
      endpoint.answer = (_req, res) => res.writeHead(302, { location: other.url('/json') }).end();

      const error = await failureOf(fromEndpoint(endpoint.url('/token')));
      expect(error.reason).toBe('endpoint-no-token');
      // The facts say what came (in every build); what to do about it is in the words.
      expect(error.facts.received).toBe(`a redirect to another origin (${new URL(other.url('/')).origin})`);
      expect(error.message).toContain("redirect: 'follow'");

      const allowed = await ask(fromEndpoint(endpoint.url('/token'), { init: { redirect: 'follow' } }));
      expect(decodeAccessToken(allowed).identity).toBe('alice');
      await other.close();
    });

    it('follows a redirect within the origin, and ends the session at a sign-in page on another origin', async () => {
      endpoint.answer = (_req, res) => res.writeHead(302, { location: '/json' }).end();
      expect(decodeAccessToken(await ask(fromEndpoint(endpoint.url('/token')))).identity).toBe('alice');

      const sso = await startEndpoint();
      endpoint.answer = (_req, res) => res.writeHead(302, { location: sso.url('/login') }).end();
      expect(await failureOf(fromEndpoint(endpoint.url('/token')))).toMatchObject({
        reason: 'session-ended',
        facts: { detail: 'Sign in' },
      });
      await sso.close();
    });

    it('trims a token in JSON as it trims a bare-text one', async () => {
      const token = mintToken();
      endpoint.answer = (_req, res) =>
        res
          .writeHead(200, { 'content-type': 'application/json' })
          .end(JSON.stringify({ token: ` ${token}\n`, data: { jwt: `\t${token} ` } }));
      expect(await ask(fromEndpoint(endpoint.url('/token')))).toBe(token);
      const select = (body: unknown) => (body as { data: { jwt: string } }).data.jwt;
      expect(await ask(fromEndpoint(endpoint.url('/token'), { select }))).toBe(token);
      endpoint.answer = (_req, res) =>
        res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ token: ' \n' }));
      expect((await failureOf(fromEndpoint(endpoint.url('/token')))).reason).toBe('endpoint-no-token');
    });
  });

  describe('where there is no page', () => {
    it('refuses a relative URL as endpoint-no-origin, without fetching', async () => {
      const fetchSpy = vi.spyOn(globalThis, 'fetch');
      const error = await failureOf(fromEndpoint('/api/token'));
      expect(error.reason).toBe('endpoint-no-origin');
      expect(fetchSpy).not.toHaveBeenCalled();
    });
  });

  describe('arguments', () => {
    it('refuses a url that is not a string or URL, and options of the wrong type', () => {
      const refusal = (make: () => unknown) => {
        try {
          make();
        } catch (error) {
          return error;
        }
        return null;
      };
      for (const make of [
        () => fromEndpoint(42 as unknown as string),
        () => fromEndpoint('/token', 'init' as never),
        () => fromEndpoint('/token', { init: 'POST' as never }),
        () => fromEndpoint('/token', { select: 'token' as never }),
      ]) {
        expect(refusal(make)).toMatchObject({ reason: 'invalid-argument' });
      }
    });
  });
});
