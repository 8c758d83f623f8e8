// docs/server.md promises what the token route answers: its table "What the route answers", the
// 405 sentence under it, the headers every answer carries, and the CORS answers. This suite reads
// those claims from the page and asks createTokenHandler the same questions, so that neither the
// page nor the code changes without the other. A row added to the table without a scenario here fails.
import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createTokenHandler, DEFAULT_AUTHORIZE_TIMEOUT_MS } from 'access-token-manager/server';
import { options, tokenRequest } from './support.js';

const PAGE = readFileSync(new URL('../../docs/server.md', import.meta.url), 'utf8');

/** The text of the section under `## heading`, up to the next `## `. */
function section(heading: string): string {
  const start = PAGE.indexOf(`\n## ${heading}\n`);
  expect(start, `docs/server.md has "## ${heading}"`).toBeGreaterThan(-1);
  const end = PAGE.indexOf('\n## ', start + 1);
  return PAGE.slice(start, end === -1 ? undefined : end);
}

/** The body rows of the first Markdown table in `text`, each as its trimmed cells. */
function tableRows(text: string): string[][] {
  const lines = text.split('\n');
  const first = lines.findIndex((line) => line.startsWith('|'));
  const rows: string[][] = [];
  for (const line of lines.slice(first + 2)) {
    if (!line.startsWith('|')) break;
    rows.push(
      line
        .slice(1, -1)
        .split('|')
        .map((cell) => cell.trim()),
    );
  }
  return rows;
}

/** The `Name: value` headers a sentence quotes in backticks. */
const quotedHeaders = (text: string): [string, string][] =>
  [...text.matchAll(/`([A-Z][A-Za-z-]+): ([^`]+)`/g)].map(([, name = '', value = '']) => [name, value]);

/** The three-digit statuses a sentence names, in order. */
const statusesIn = (text: string): number[] =>
  [...text.matchAll(/\b([1-5]\d\d)\b/g)].map(([, s]) => Number(s));

/** The JavaScript value each falsy value the page names stands for. */
const FALSY: Record<string, unknown> = { null: null, undefined, false: false, "''": '', 0: 0 };

/** A question for the handler: what authorize does, for one row of the table. */
type Authorize = () => unknown;

/** For each row of the table (found by the start of its first cell), what authorize does. */
const SCENARIOS: Record<string, Authorize[]> = {
  '`{ identity, grants, ttl? }`': [() => ({ identity: 'alice', grants: { video: {} } })],
  '`null`, or any falsy value': [], // the values are read from the row itself
  'it throws or rejects': [
    () => {
      throw new Error('session store down: secret-cause');
    },
    () => Promise.reject(new Error('session store down: secret-cause')),
  ],
  'something the client would refuse': [
    () => ({ identity: 'alice\u0000', grants: { video: {} } }),
    () => ({ identity: 'alice', grants: { voice: { outgoingApplicationParams: { n: Number.NaN } } } }),
    () => ({ identity: 'x'.repeat(20_000), grants: { video: {} } }),
  ],
  'it has not settled after `authorizeTimeoutMs`': [() => new Promise(() => {})],
};

const rows = tableRows(section('What the route answers'));
const scenarioOf = (firstCell: string): string | undefined =>
  Object.keys(SCENARIOS).find((start) => firstCell.startsWith(start));

/** What one answer looks like, for comparing with the page. */
interface Seen {
  status: number;
  headers: Headers;
  body: string;
  reported: number;
}

/** The names of the headers of an answer. */
function namesOf(headers: Headers): string[] {
  const names: string[] = [];
  headers.forEach((_value, name) => names.push(name));
  return names;
}

async function ask(
  authorize: Authorize,
  extra: Record<string, unknown> = {},
  init?: RequestInit,
): Promise<Seen> {
  let reported = 0;
  const handler = createTokenHandler(
    options({ authorize, authorizeTimeoutMs: 50, onError: () => (reported += 1), ...extra }),
  );
  const response = await handler(tokenRequest(init));
  return { status: response.status, headers: response.headers, body: await response.text(), reported };
}

/** The headers the page says every answer carries (its bullet "Never cached."). */
const EVERY_ANSWER = ((): [string, string][] => {
  const text = section('What the route answers');
  const at = text.indexOf('- **Never cached.**');
  return at === -1 ? [] : quotedHeaders(text.slice(at, text.indexOf('\n- **', at + 1)));
})();

function expectEveryAnswerHeaders(seen: Seen): void {
  for (const [name, value] of EVERY_ANSWER) expect(seen.headers.get(name), name).toBe(value);
}

describe('docs/server.md › What the route answers', () => {
  afterEach(() => vi.useRealTimers());

  it('has a scenario here for every row of its table, and a row for every scenario', () => {
    expect(rows.length).toBeGreaterThan(0);
    expect(rows.map(([first = '']) => scenarioOf(first))).toEqual(Object.keys(SCENARIOS));
    expect(EVERY_ANSWER.map(([name]) => name)).toEqual(['Cache-Control', 'X-Content-Type-Options']);
  });

  it.each(rows.map((row) => [row[0] ?? '', row[1] ?? ''] as const))(
    'authorize: %s → the answer: %s',
    async (when, claim) => {
      const scenario = scenarioOf(when) ?? '';
      const falsy = [...when.matchAll(/`([^`]+)`/g)].map(([, value = '']) => value);
      const behaviours =
        scenario === '`null`, or any falsy value'
          ? falsy.map((value) => {
              expect(Object.hasOwn(FALSY, value), `a falsy value: ${value}`).toBe(true);
              return () => FALSY[value];
            })
          : (SCENARIOS[scenario] ?? []);
      expect(behaviours.length).toBeGreaterThan(0);
      const [status] = statusesIn(claim);
      const error = /\{ error: '([^']+)' \}/.exec(claim)?.[1];
      const keys = /\{ (token, [\w, ]+) \}/.exec(claim)?.[1]?.split(', ');

      for (const authorize of behaviours) {
        const seen = await ask(authorize);
        expect(seen.status, String(authorize)).toBe(status);
        expectEveryAnswerHeaders(seen);
        for (const [name, value] of quotedHeaders(claim)) expect(seen.headers.get(name)).toBe(value);
        if (error !== undefined) expect(JSON.parse(seen.body)).toEqual({ error });
        if (keys !== undefined) expect(Object.keys(JSON.parse(seen.body)).sort()).toEqual([...keys].sort());
        if (claim.includes('nothing of the cause in the body')) {
          expect(seen.body).not.toMatch(/secret-cause|alice|NaN|xxxx/);
        }
        // onError hears of a 500 or a 503, and only of those.
        expect(seen.reported, 'onError calls').toBe(/`onError` (gets|is told)/.test(claim) ? 1 : 0);
      }
    },
  );

  it('answers every falsy value 401, those the page names and the rest (NaN, -0, 0n)', async () => {
    for (const value of [Number.NaN, -0, 0n]) expect((await ask(() => value)).status).toBe(401);
  });

  it('waits authorizeTimeoutMs by default as the page says (10 s), then answers 503', async () => {
    const row = rows.find(([first = '']) => first.startsWith('it has not settled'));
    const seconds = Number(/\((\d+) s\)/.exec(row?.[0] ?? '')?.[1]);
    expect(seconds * 1000).toBe(DEFAULT_AUTHORIZE_TIMEOUT_MS);
    expect(PAGE).toContain(`default ${(seconds * 1000).toLocaleString('en').replace(',', ' ')}`);
    vi.useFakeTimers();
    const handler = createTokenHandler(options({ authorize: () => new Promise(() => {}) }));
    let status: number | undefined;
    void handler(tokenRequest()).then((response) => (status = response.status));

    await vi.advanceTimersByTimeAsync(seconds * 1000 - 1);
    expect(status).toBeUndefined();
    await vi.advanceTimersByTimeAsync(1);
    expect(status).toBe(503);
  });

  it("answers any other method as the sentence under the table says, with every answer's headers", async () => {
    const sentence = /A method other than `(\w+)` and `(\w+)` gets (\d{3}) with `Allow: ([^`]+)`/.exec(
      section('What the route answers').replace(/\s+/g, ' '),
    );
    expect(sentence).not.toBeNull();
    const [, first = '', second = '', status, allow] = sentence ?? [];
    for (const method of ['PUT', 'DELETE', 'PATCH', 'OPTIONS']) {
      const seen = await ask(() => null, {}, { method });
      expect(seen.status, method).toBe(Number(status));
      expect(seen.headers.get('allow')).toBe(allow);
      expectEveryAnswerHeaders(seen);
    }
    for (const method of [first, second]) expect((await ask(() => null, {}, { method })).status).toBe(401);
  });
});

describe('docs/server.md › A token route on another origin: CORS', () => {
  const text = section('A token route on another origin: CORS').replace(/\s+/g, ' ');
  const bullet = (start: string): string => {
    const at = text.indexOf(`- **${start}**`);
    expect(at, start).toBeGreaterThan(-1);
    const next = text.indexOf(' - **', at + 1);
    return text.slice(at, next === -1 ? text.indexOf('`origins` is', at) : next);
  };
  const origin = 'https://app.example.com';
  const cors = { cors: { origins: [origin], credentials: true } };
  const preflight = (from: string): RequestInit => ({
    method: 'OPTIONS',
    headers: {
      origin: from,
      'access-control-request-method': 'GET',
      'access-control-request-headers': 'x-csrf',
    },
  });

  it("answers an allowed origin's preflight with the status and every header the page lists", async () => {
    const claim = bullet("An allowed origin's preflight");
    const seen = await ask(() => null, cors, preflight(origin));

    expect(seen.status).toBe(statusesIn(claim)[0]);
    const listed = quotedHeaders(claim);
    expect(listed.map(([name]) => name)).toEqual([
      'Access-Control-Allow-Origin',
      'Access-Control-Allow-Methods',
      'Access-Control-Allow-Headers',
      'Access-Control-Allow-Credentials',
      'Access-Control-Max-Age',
    ]);
    for (const [name, value] of listed) {
      const expected = value
        .replace('<that origin>', origin)
        .replace('<the headers the browser asked for>', 'x-csrf');
      expect(seen.headers.get(name), name).toBe(expected);
    }
  });

  it("answers an allowed origin's every answer the page names with its exact origin and the credentials header", async () => {
    const claim = bullet("An allowed origin's request");
    const byStatus: Record<number, Authorize> = {
      200: SCENARIOS['`{ identity, grants, ttl? }`']?.[0] ?? (() => null),
      401: () => null,
      500: () => {
        throw new Error('down');
      },
      503: () => new Promise(() => {}),
    };
    // "the answer (200, 401, 500, 503…)"
    const statuses = statusesIn(/the answer \(([^)]*)\)/.exec(claim)?.[1] ?? '');
    expect(statuses).toEqual([200, 401, 500, 503]);
    for (const status of statuses) {
      const seen = await ask(byStatus[status] ?? (() => null), cors, { headers: { origin } });
      expect(seen.status).toBe(status);
      expect(seen.headers.get('access-control-allow-origin')).toBe(origin);
      expect(seen.headers.get('access-control-allow-credentials')).toBe('true');
      expectEveryAnswerHeaders(seen);
      // A page on another origin reads Retry-After only when it is exposed.
      if (claim.includes('`Access-Control-Expose-Headers: Retry-After`') && status === 503) {
        expect(seen.headers.get('access-control-expose-headers')).toBe('Retry-After');
      }
    }
    expect(claim).toContain('`Access-Control-Expose-Headers: Retry-After`');
  });

  it('gives a disallowed origin no CORS header, and its preflight the status the page says', async () => {
    const claim = bullet('A disallowed origin');
    const [preflightStatus] = statusesIn(claim);
    const other = 'https://evil.example';
    const answers = [
      await ask(() => null, cors, preflight(other)),
      await ask(() => null, cors, { headers: { origin: other } }),
    ];

    expect(answers.map(({ status }) => status)).toEqual([preflightStatus, 401]);
    for (const seen of answers) {
      expect(namesOf(seen.headers).filter((name) => name.startsWith('access-control-'))).toEqual([]);
      expectEveryAnswerHeaders(seen);
    }
  });

  it('varies every answer on Origin, and a preflight also on Access-Control-Request-Headers', async () => {
    const claim = bullet('Every answer');
    const [[name, value] = ['', '']] = quotedHeaders(claim);
    const answers = [
      await ask(() => null, cors, { headers: { origin } }),
      await ask(() => null, cors, { headers: { origin: 'https://evil.example' } }),
      await ask(() => null, cors),
      await ask(() => null, cors, preflight(origin)),
    ];

    for (const seen of answers) expect(seen.headers.get(name)?.split(', ')).toContain(value);
    expect(claim).toContain('also varies on `Access-Control-Request-Headers`');
    expect(answers[3]?.headers.get('vary')?.split(', ')).toContain('Access-Control-Request-Headers');
  });
});
