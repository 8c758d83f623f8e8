// One finding per cause, over random inputs that reach every reason the inspector can give.
import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  inspectAccessToken,
  type Finding,
  type InspectAccessTokenOptions,
} from 'access-token-manager/inspect';
import { ACCOUNT_SID, API_KEY_SID, craftToken } from './support/tokens.js';
import { HOUR, T0, T0_SECONDS } from './support/time.js';

const read = (path: string): string => readFileSync(new URL(`../${path}`, import.meta.url), 'utf8');
const unionMembers = (source: string, name: string): string[] =>
  [...(new RegExp(`export type ${name} =([^;]+);`).exec(source)?.[1] ?? '').matchAll(/'([a-z-]+)'/g)].map(
    (match) => match[1] ?? '',
  );

// The reasons only a manager gives (a second token, a client, the provider): no input reaches them.
const MANAGER_ONLY = [
  'account-changed',
  'identity-changed',
  'stale',
  'unchanged',
  'client-rejected',
  'client-timeout',
  'destroyed',
  'no-token-provider',
  'provider-failed',
  'provider-timeout',
  'peer-retrying',
  'signed-out',
  'token-timeout',
  'token-too-short',
  // What fromEndpoint's fetch met and what createTokenHandler refuses: never a token's finding.
  'session-ended',
  'endpoint-status',
  'endpoint-html',
  'endpoint-no-token',
  'endpoint-unreachable',
  'endpoint-no-origin',
  'invalid-server-option',
];
const EVERY_REASON = [
  ...unionMembers(read('src/errors.ts'), 'AccessTokenErrorReason').filter((r) => !MANAGER_ONLY.includes(r)),
  ...unionMembers(read('src/inspect/finding.ts'), 'InspectReason'),
];

// The pairs that are one cause, the specific first, as this test states them (src/inspect/onePerCause.ts
// must agree). The wrappings' pairs are checked apart: the token inside may have the fault itself.
const WRAPPINGS = [
  'whitespace',
  'quoted',
  'bearer-prefix',
  'html-instead-of-token',
  'json-instead-of-token',
  'secret-instead-of-token',
];
const AS_GIVEN = ['malformed', 'too-long', 'undecodable'];
const ONE_CAUSE: [specific: string, generic: string][] = [
  ['promise-instead-of-token', 'not-a-string'],
  ['response-instead-of-token', 'not-a-string'],
  ...[
    'invalid-header',
    'invalid-issuer',
    'invalid-subject',
    'account-sid-in-iss',
    'api-key-sid-in-sub',
    'missing-grants',
    'no-identity',
    'jti-mismatch',
  ].map((generic): [string, string] => ['not-an-access-token', generic]),
  ['account-sid-in-iss', 'invalid-issuer'],
  ['api-key-sid-in-sub', 'invalid-subject'],
  ['exp-in-ms', 'ttl-too-long'],
  ['ttl-in-ms', 'ttl-too-long'],
  ['clock-skew', 'not-yet-valid'],
];
// Reasons that are a cause per grant: two grants, two causes.
const PER_GRANT = ['unknown-grant', 'client-missing-grant'];

const absent = Symbol('absent');
const claim = <T>(...values: T[]) => fc.constantFrom<T | typeof absent>(...values, absent);
const defined = (entries: [string, unknown][]): Record<string, unknown> =>
  Object.fromEntries(entries.filter(([, value]) => value !== absent));

const header = fc
  .tuple(claim('JWT', 'jwt'), claim<unknown>('HS256', 'none', 256), claim('twilio-fpa;v=1', 'text/plain'))
  .map(([typ, alg, cty]) =>
    defined([
      ['typ', typ],
      ['alg', alg],
      ['cty', cty],
    ]),
  );

const grants = fc
  .record(
    {
      identity: fc.constantFrom('alice', 'alice@example.com', ''),
      chat: fc.constantFrom({ service_sid: 'IS' + '0'.repeat(32) }, {}),
      voice: fc.constantFrom({ outgoing: { application_sid: 'AP' + '0'.repeat(32) } }, {}),
      video: fc.constantFrom({ room: 'standup' }, {}),
      data_sync: fc.constant({ service_sid: 'IS' + '1'.repeat(32) }),
      'data-sync': fc.constant({}),
      rtc: fc.constant({}),
    },
    { requiredKeys: [] },
  )
  .map((value) => value as Record<string, unknown>);

const payload = fc
  .record({
    iss: claim(API_KEY_SID, ACCOUNT_SID, 'SK123'),
    sub: claim(ACCOUNT_SID, API_KEY_SID, 'AC1'),
    jti: claim(`${API_KEY_SID}-1`, 'x'),
    iat: claim(T0_SECONDS, T0_SECONDS + 600),
    nbf: claim(T0_SECONDS, T0_SECONDS + 600, T0_SECONDS + HOUR / 1000),
    exp: claim<unknown>(
      T0_SECONDS + 3600,
      T0_SECONDS + 120,
      T0_SECONDS - 10,
      T0_SECONDS + 2 * 86_400,
      T0_SECONDS + 3_600_000,
      T0 + HOUR,
      '1',
    ),
    grants: claim<unknown>('grants'),
    scope: claim('scope:client:incoming'),
    pad: claim('x'.repeat(20_000)),
  })
  .chain(({ grants: hasGrants, ...claims }) =>
    (hasGrants === absent ? fc.constant(undefined) : grants).map((value) =>
      defined([...Object.entries(claims), ['grants', value === undefined ? absent : value]]),
    ),
  );

/** A token, bare, cut, or with a part that is not JSON. */
const token = fc
  .tuple(header, payload, fc.constantFrom('whole', 'cut', 'bad header', 'bad payload'))
  .map(([h, p, shape]) => {
    const made = craftToken(p, h);
    const [first, second, signature] = made.split('.');
    if (shape === 'cut') return `${first}.${second}`;
    if (shape === 'bad header')
      return `${Buffer.from('not json').toString('base64url')}.${second}.${signature}`;
    if (shape === 'bad payload')
      return `${first}.${Buffer.from('{"iss":').toString('base64url')}.${signature}`;
    return made;
  });

type Wrap = (text: string) => string;
const WRAPS: Record<string, Wrap> = {
  quotes: (text) => JSON.stringify(text),
  bearer: (text) => `Bearer ${text}`,
  newline: (text) => `${text}\n`,
  spaces: (text) => `  ${text}`,
  json: (text) => JSON.stringify({ token: text, identity: 'alice' }),
  lines: (text) => text.replace(/(.{64})/g, '$1\n'),
};

/** What is passed: a token (perhaps wrapped), its bare form, or something else entirely. */
const input: fc.Arbitrary<{ given: unknown; bare?: string }> = fc.oneof(
  { weight: 6, arbitrary: token.map((bare) => ({ given: bare, bare })) },
  {
    weight: 4,
    arbitrary: fc
      .tuple(token, fc.array(fc.constantFrom(...Object.keys(WRAPS)), { minLength: 1, maxLength: 3 }))
      .map(([bare, wraps]) => ({ given: wraps.reduce((text, name) => WRAPS[name]!(text), bare), bare })),
  },
  {
    weight: 2,
    arbitrary: fc
      .constantFrom<unknown>(
        '',
        42,
        null,
        '0123456789abcdef'.repeat(2),
        '<!DOCTYPE html><html><head><title>502</title></head></html>',
        '{"error":"Unauthorized","status":401}',
        Promise.resolve('x'),
        new Response('{}'),
        new Proxy(
          {},
          {
            get() {
              throw new Error('no');
            },
          },
        ),
      )
      .map((given) => ({ given })),
  },
  { weight: 1, arbitrary: fc.anything().map((given) => ({ given })) },
);

const options: fc.Arbitrary<InspectAccessTokenOptions> = fc.record(
  {
    now: fc.constantFrom(T0, T0 + 2 * HOUR, T0 + HOUR - 60_000, Number.NaN),
    forSdk: fc.subarray(['conversations', 'chat', 'sync', 'voice', 'video', 'taskRouter', 'fax'] as never[]),
  },
  { requiredKeys: ['now'] },
);

const causeOf = ({ reason, message }: Finding): string =>
  PER_GRANT.includes(reason) ? `${reason}: ${message}` : reason;

describe('inspectAccessToken: one finding per cause', () => {
  it('never gives two findings for one cause, whatever it is given', () => {
    fc.assert(
      fc.property(input, options, ({ given, bare }, opts) => {
        const { findings } = inspectAccessToken(given, opts);
        const reasons = findings.map(({ reason }) => reason as string);
        const causes = findings.map(causeOf);
        expect(new Set(causes).size, causes.join(', ')).toBe(causes.length);
        for (const [specific, generic] of ONE_CAUSE) {
          expect(reasons.includes(specific) && reasons.includes(generic), `${specific} + ${generic}`).toBe(
            false,
          );
        }
        // A wrapping stands for the core's verdict on the text as given; the token inside is
        // inspected on its own, so a fault left beside a wrapping must be the inside token's.
        // (Text that holds no token of ours, such as "! ", may hold two mistakes: the space and the rest.)
        if (bare !== undefined && reasons.some((reason) => WRAPPINGS.includes(reason))) {
          const inside = inspectAccessToken(bare, opts).findings.map((f) => f.reason);
          for (const reason of reasons.filter((r) => AS_GIVEN.includes(r))) expect(inside).toContain(reason);
        }
      }),
      { numRuns: 400 },
    );
  });

  it('reaches every reason the inspector gives, so the property above covers them all', () => {
    const seen = new Set<string>();
    for (const [{ given }, opts] of fc.sample(fc.tuple(input, options), { numRuns: 3000, seed: 15 })) {
      for (const { reason } of inspectAccessToken(given, opts).findings) seen.add(reason);
    }
    expect(EVERY_REASON.length).toBeGreaterThan(35);
    expect(EVERY_REASON.filter((reason) => !seen.has(reason))).toEqual([]);
  });
});
