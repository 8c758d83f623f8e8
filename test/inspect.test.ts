import twilio from 'twilio';
import fc from 'fast-check';
import { describe, expect, it, vi } from 'vitest';
import { AccessManager, AccessTokenError, decodeAccessToken } from 'access-token-manager';
import {
  formatInspection,
  inspectAccessToken,
  type Finding,
  type InspectAccessTokenOptions,
} from 'access-token-manager/inspect';
import {
  ACCOUNT_SID,
  API_KEY_SECRET,
  API_KEY_SID,
  GOOD_HEADER,
  craftToken,
  goodPayload,
  mintToken,
  signatureOf,
  without,
} from './support/tokens.js';
import { HOUR, MINUTE, T0, T0_SECONDS, mintAt, useFakeTime } from './support/time.js';

const { AccessToken, ClientCapability } = twilio.jwt;

// Every token is minted (by the twilio helper) or crafted while the clock reads T0.
useFakeTime({ toFake: ['Date'] });

/** Mints with the helper library directly, for what `mintToken` has no option for. */
function mintWith(
  grant: InstanceType<(typeof AccessToken)['ChatGrant' | 'VideoGrant' | 'VoiceGrant' | 'TaskRouterGrant']>,
  { accountSid = ACCOUNT_SID, keySid = API_KEY_SID } = {},
): string {
  const token = new AccessToken(accountSid, keySid, API_KEY_SECRET, { identity: 'alice', ttl: 3600 });
  token.addGrant(grant);
  return token.toJwt();
}

// The reasons decodeAccessToken throws for a token: a case for one of them must make the core throw it.
const CORE_TOKEN_REASONS: readonly string[] = [
  'not-a-string',
  'empty',
  'too-long',
  'malformed',
  'undecodable',
  'invalid-header',
  'invalid-issuer',
  'invalid-subject',
  'invalid-expiry',
  'expired',
  'not-yet-valid',
  'missing-grants',
  'ttl-too-long',
];
const CHAT = { service_sid: 'IS' + '0'.repeat(32) };

interface Case {
  /** The finding, as `reason` (severity, code). */
  finding: Pick<Finding, 'reason' | 'severity'> & { code?: number };
  /** How the input is made: `mint` (twilio helper) or `craft` (by hand, where the helper refuses). */
  made: 'mint' | 'craft' | 'text';
  /** What the input is. */
  given: string;
  input: () => unknown;
  options?: InspectAccessTokenOptions;
  /** A word the message must contain, to prove it names the cause. */
  mentions?: string | RegExp;
  /** Whether the payload must still be decoded (inspect kept going). */
  decoded?: boolean;
  /** The core's reason this finding stands in for: it names the same cause more precisely. */
  absorbs?: string;
}

const CASES: Case[] = [
  // Every failure of the core's validation, with the core's code and reason.
  {
    finding: { reason: 'not-a-string', severity: 'error', code: 20101 },
    made: 'mint',
    given: 'the JSON object {token} instead of the token',
    input: () => ({ token: mintToken() }),
    mentions: 'an object with a "token" field',
    decoded: true,
  },
  {
    finding: { reason: 'not-a-string', severity: 'error', code: 20101 },
    made: 'text',
    given: 'a number',
    input: () => 42,
    mentions: 'a number',
  },
  {
    finding: { reason: 'empty', severity: 'error', code: 20101 },
    made: 'text',
    given: 'an empty string',
    input: () => '',
  },
  {
    finding: { reason: 'too-long', severity: 'error', code: 20101 },
    made: 'craft',
    given: 'a token over 16 KiB (a grant padded with 20 kB)',
    input: () =>
      craftToken(goodPayload({ grants: { identity: 'alice', chat: CHAT, pad: 'x'.repeat(20_000) } })),
    mentions: 'it was not decoded',
  },
  {
    finding: { reason: 'malformed', severity: 'error', code: 20101 },
    made: 'text',
    given: 'text that is not a JWT',
    input: () => 'not a token at all',
    mentions: 'three base64url parts',
  },
  {
    finding: { reason: 'malformed', severity: 'error', code: 20101 },
    made: 'mint',
    given: 'a token cut short (no signature)',
    input: () => mintToken().split('.').slice(0, 2).join('.'),
    mentions: 'in 2 parts',
    decoded: true,
  },
  {
    finding: { reason: 'undecodable', severity: 'error', code: 20101 },
    made: 'craft',
    given: 'a header that is not JSON',
    input: () => craftToken(goodPayload(), 'not json'),
    mentions: 'header',
    decoded: true,
  },
  {
    finding: { reason: 'undecodable', severity: 'error', code: 20101 },
    made: 'craft',
    given: 'a payload that is not JSON',
    input: () => craftToken('{"iss": ', GOOD_HEADER),
    mentions: 'payload',
  },
  {
    finding: { reason: 'invalid-header', severity: 'error', code: 20102 },
    made: 'craft',
    given: 'alg "none"',
    input: () => craftToken(goodPayload(), { ...GOOD_HEADER, alg: 'none' }),
    mentions: '"none"',
    decoded: true,
  },
  {
    finding: { reason: 'invalid-header', severity: 'error', code: 20102 },
    made: 'craft',
    given: 'no cty',
    input: () => craftToken(goodPayload(), without(GOOD_HEADER, 'cty')),
    mentions: 'cty',
  },
  {
    finding: { reason: 'invalid-issuer', severity: 'error', code: 20103 },
    made: 'craft',
    given: 'an iss that is not an API key SID',
    input: () => craftToken(goodPayload({ iss: 'SK123', jti: 'SK123-1' })),
    mentions: '"SK…" (5 characters)',
  },
  {
    finding: { reason: 'invalid-subject', severity: 'error', code: 20103 },
    made: 'mint',
    given: 'a sub that is not an Account SID',
    input: () => mintToken({ accountSid: 'AC123' }),
    mentions: '"AC…" (5 characters)',
  },
  {
    finding: { reason: 'invalid-expiry', severity: 'error', code: 20104 },
    made: 'craft',
    given: 'exp as a string',
    input: () => craftToken(goodPayload({ exp: String(T0_SECONDS + 3600) })),
    mentions: 'a string',
  },
  {
    finding: { reason: 'expired', severity: 'error', code: 20104 },
    made: 'mint',
    given: 'exp already past',
    input: () => mintToken({ ttl: 3600 }),
    options: { now: T0 + 2 * HOUR },
    mentions: '1 h 0 min ago',
  },
  {
    finding: { reason: 'not-yet-valid', severity: 'error', code: 20105 },
    made: 'mint',
    given: 'nbf an hour ahead',
    input: () => mintToken({ nbf: T0_SECONDS + 3600, ttl: 7200 }),
    mentions: '1 h 0 min',
  },
  {
    finding: { reason: 'missing-grants', severity: 'error', code: 20106 },
    made: 'mint',
    given: 'an identity but no grant',
    input: () => mintToken({ grants: [] }),
  },
  {
    finding: { reason: 'ttl-too-long', severity: 'error', code: 20157 },
    made: 'mint',
    given: 'ttl of two days',
    input: () => mintToken({ ttl: 2 * 86_400 }),
    mentions: '172800 s, over 24 h',
  },

  // Lifetime and clocks.
  {
    finding: { reason: 'ttl-in-ms', severity: 'error', code: 20157 },
    made: 'mint',
    given: 'ttl in milliseconds',
    absorbs: 'ttl-too-long',
    input: () => mintToken({ ttl: 3_600_000 }),
    mentions: '1 h 0 min',
  },
  {
    finding: { reason: 'exp-in-ms', severity: 'error', code: 20157 },
    made: 'craft',
    given: 'exp in milliseconds',
    absorbs: 'ttl-too-long',
    input: () => craftToken(goodPayload({ exp: T0 + HOUR })),
    mentions: 'milliseconds',
  },
  {
    finding: { reason: 'exp-in-ms', severity: 'error', code: 20157 },
    made: 'craft',
    given: 'exp in milliseconds, without iat',
    absorbs: 'ttl-too-long',
    input: () => craftToken(without(goodPayload({ exp: T0 + HOUR }), 'iat')),
    mentions: 'milliseconds',
  },
  {
    finding: { reason: 'ttl-too-short', severity: 'warning' },
    made: 'mint',
    given: 'ttl of one minute',
    input: () => mintToken({ ttl: 60 }),
    mentions: '1 min 0 s',
  },
  {
    finding: { reason: 'ttl-too-short', severity: 'warning' },
    made: 'craft',
    given: 'exp before iat',
    input: () => craftToken(goodPayload({ exp: T0_SECONDS - 10 })),
    mentions: 'not after iat',
  },
  {
    finding: { reason: 'clock-skew', severity: 'warning' },
    made: 'mint',
    given: "iat ahead of this machine's clock",
    input: () => mintAt(10 * MINUTE),
    mentions: /later than this machine's clock.*10 min 0 s fast/,
  },
  {
    // The core refuses it (not-yet-valid, 20105): the finding that names the cause is an error too.
    finding: { reason: 'clock-skew', severity: 'error', code: 20105 },
    made: 'craft',
    given: 'nbf ahead of this machine’s clock, without iat',
    absorbs: 'not-yet-valid',
    input: () => craftToken(without(goodPayload({ nbf: T0_SECONDS + 600, exp: T0_SECONDS + 4200 }), 'iat')),
    mentions: 'nbf is 10 min 0 s later',
  },
  {
    finding: { reason: 'expires-soon', severity: 'info' },
    made: 'mint',
    given: 'a minute left',
    input: () => mintToken({ ttl: 3600 }),
    options: { now: T0 + HOUR - MINUTE },
    mentions: '1 min 0 s left',
  },

  // What was passed instead of the bare token.
  {
    finding: { reason: 'quoted', severity: 'error', code: 20101 },
    made: 'mint',
    given: 'a quoted string',
    absorbs: 'malformed',
    input: () => JSON.stringify(mintToken()),
    decoded: true,
  },
  {
    finding: { reason: 'bearer-prefix', severity: 'error', code: 20101 },
    made: 'mint',
    given: 'a Bearer prefix',
    absorbs: 'malformed',
    input: () => `Bearer ${mintToken()}`,
    decoded: true,
  },
  {
    finding: { reason: 'whitespace', severity: 'error', code: 20101 },
    made: 'mint',
    given: 'a newline after the token',
    absorbs: 'malformed',
    input: () => `${mintToken()}\n`,
    mentions: 'a line break after',
    decoded: true,
  },
  {
    finding: { reason: 'whitespace', severity: 'error', code: 20101 },
    made: 'mint',
    given: 'spaces before the token',
    absorbs: 'malformed',
    input: () => `  ${mintToken()}`,
    mentions: 'spaces before',
    decoded: true,
  },
  {
    finding: { reason: 'whitespace', severity: 'error', code: 20101 },
    made: 'mint',
    given: 'a token wrapped over lines',
    absorbs: 'malformed',
    input: () => mintToken().replace(/(.{64})/g, '$1\n'),
    mentions: 'split',
    decoded: true,
  },
  {
    finding: { reason: 'html-instead-of-token', severity: 'error', code: 20101 },
    made: 'text',
    given: 'an HTML error page',
    absorbs: 'malformed',
    input: () => '<!DOCTYPE html>\n<html><head><title>502 Bad Gateway</title></head><body></body></html>',
    mentions: '"502 Bad Gateway"',
  },
  {
    finding: { reason: 'json-instead-of-token', severity: 'error', code: 20101 },
    made: 'mint',
    given: 'JSON text with a token field',
    absorbs: 'malformed',
    input: () => JSON.stringify({ token: mintToken(), identity: 'alice' }),
    mentions: '{"token": …}',
    decoded: true,
  },
  {
    finding: { reason: 'json-instead-of-token', severity: 'error', code: 20101 },
    made: 'text',
    given: 'a JSON error',
    absorbs: 'malformed',
    input: () => '{"error":"Unauthorized","status":401}',
    mentions: 'keys error, status',
  },
  {
    finding: { reason: 'promise-instead-of-token', severity: 'error', code: 20101 },
    made: 'mint',
    given: 'a Promise',
    absorbs: 'not-a-string',
    input: () => Promise.resolve(mintToken()),
    mentions: 'not awaited',
  },
  {
    finding: { reason: 'response-instead-of-token', severity: 'error', code: 20101 },
    made: 'mint',
    given: 'a fetch Response',
    absorbs: 'not-a-string',
    input: () => new Response(JSON.stringify({ token: mintToken() })),
    mentions: 'status 200',
  },
  {
    finding: { reason: 'secret-instead-of-token', severity: 'error', code: 20101 },
    made: 'text',
    given: 'an Auth Token',
    absorbs: 'malformed',
    input: () => '0123456789abcdef'.repeat(2),
    mentions: 'Auth Token',
  },
  {
    finding: { reason: 'not-an-access-token', severity: 'error', code: 20102 },
    made: 'mint',
    given: 'a Capability Token',
    absorbs: 'invalid-header',
    input: () => {
      const capability = new ClientCapability({ accountSid: ACCOUNT_SID, authToken: API_KEY_SECRET });
      capability.addScope(
        new ClientCapability.OutgoingClientScope({ applicationSid: 'AP' + '0'.repeat(32) }),
      );
      return capability.toJwt();
    },
    mentions: 'Capability Token',
    decoded: true,
  },

  // Key, account and jti.
  {
    finding: { reason: 'jti-mismatch', severity: 'warning' },
    made: 'craft',
    given: 'a jti of another key',
    input: () => craftToken(goodPayload({ jti: 'SK' + 'f'.repeat(32) + '-1' })),
    mentions: 'does not start with the API key SID',
  },
  {
    finding: { reason: 'jti-mismatch', severity: 'warning' },
    made: 'craft',
    given: 'no jti',
    input: () => craftToken(without(goodPayload(), 'jti')),
    mentions: 'missing',
  },
  {
    finding: { reason: 'account-sid-in-iss', severity: 'error', code: 20103 },
    made: 'mint',
    given: 'the Account SID as the key (AC in iss)',
    absorbs: 'invalid-issuer',
    input: () =>
      mintWith(new AccessToken.ChatGrant({ serviceSid: CHAT.service_sid }), { keySid: ACCOUNT_SID }),
    mentions: 'Auth Token',
  },
  {
    finding: { reason: 'api-key-sid-in-sub', severity: 'error', code: 20103 },
    made: 'mint',
    given: 'the API key SID as the account (SK in sub)',
    absorbs: 'invalid-subject',
    input: () => mintToken({ accountSid: API_KEY_SID }),
    mentions: 'swapped',
  },

  // Identity and grants.
  {
    finding: { reason: 'no-identity', severity: 'warning' },
    made: 'craft',
    given: 'no identity',
    input: () => craftToken(goodPayload({ grants: { chat: CHAT } })),
  },
  {
    finding: { reason: 'no-identity', severity: 'error', code: 20106 },
    made: 'craft',
    given: 'no identity, for Voice',
    input: () => craftToken(goodPayload({ grants: { chat: CHAT } })),
    options: { forSdk: 'voice' },
    mentions: 'Voice SDK',
  },
  {
    finding: { reason: 'voice-identity-characters', severity: 'error' },
    made: 'mint',
    given: 'an e-mail as identity with a Voice grant',
    input: () => mintToken({ identity: 'alice@example.com', grants: ['voice'] }),
    mentions: '"@", "."',
  },
  {
    finding: { reason: 'voice-identity-characters', severity: 'error' },
    made: 'mint',
    given: 'a space in the identity, for Voice',
    input: () => mintToken({ identity: 'alice smith', grants: ['chat'] }),
    options: { forSdk: ['conversations', 'voice'] },
    mentions: '" "',
  },
  ...(
    [
      ['conversations', ['voice'], 'chat'],
      ['chat', ['voice'], 'chat'],
      ['sync', ['chat'], 'data_sync'],
      ['voice', ['chat'], 'voice'],
      ['video', ['chat'], 'video'],
      ['taskRouter', ['chat'], 'task_router'],
    ] as const
  ).map(([sdk, grants, missing]): Case => ({
    finding: { reason: 'client-missing-grant', severity: 'error', code: 20106 },
    made: 'mint',
    given: `no ${missing} grant, for ${sdk}`,
    input: () => mintToken({ grants: [...grants] }),
    options: { forSdk: sdk },
    mentions: `needs the ${missing} grant`,
  })),
  {
    finding: { reason: 'video-room', severity: 'info' },
    made: 'mint',
    given: 'a Video grant for one room',
    input: () => mintWith(new AccessToken.VideoGrant({ room: 'standup' })),
    mentions: '"standup"',
  },
  {
    finding: { reason: 'unknown-grant', severity: 'warning' },
    made: 'craft',
    given: 'a grant key data-sync',
    input: () => craftToken(goodPayload({ grants: { identity: 'alice', 'data-sync': CHAT } })),
    mentions: 'did you mean "data_sync"',
  },
  {
    finding: { reason: 'unknown-grant', severity: 'warning' },
    made: 'craft',
    given: 'a grant key conversations',
    input: () => craftToken(goodPayload({ grants: { identity: 'alice', conversations: CHAT } })),
    mentions: 'did you mean "chat"',
  },
  {
    finding: { reason: 'unknown-grant', severity: 'warning' },
    made: 'craft',
    given: 'a misspelt grant key vioce',
    input: () => craftToken(goodPayload({ grants: { identity: 'alice', vioce: {} } })),
    mentions: 'did you mean "voice"',
  },
  {
    finding: { reason: 'voice-without-application', severity: 'warning' },
    made: 'mint',
    given: 'a Voice grant without a TwiML App',
    input: () => mintWith(new AccessToken.VoiceGrant({ incomingAllow: true })),
    mentions: 'application_sid',
  },
  {
    finding: { reason: 'grant-without-service', severity: 'warning' },
    made: 'mint',
    given: 'a Chat grant without a service',
    input: () => mintWith(new AccessToken.ChatGrant({})),
    mentions: 'service_sid',
  },

  // The options themselves.
  {
    finding: { reason: 'invalid-argument', severity: 'error', code: 0 },
    made: 'mint',
    given: 'an unknown SDK in forSdk',
    input: () => mintToken(),
    options: { forSdk: 'fax' as never },
    mentions: '"fax"',
  },
  {
    finding: { reason: 'invalid-argument', severity: 'error', code: 0 },
    made: 'mint',
    given: 'now that is not a time',
    input: () => mintToken(),
    options: { now: Number.NaN },
    mentions: 'now must be',
  },
];

describe(inspectAccessToken, () => {
  describe.each(CASES)(
    '$finding.reason: $given ($made)',
    ({ finding, input, options, mentions, decoded, absorbs }) => {
      it('reports it, with a cause and a remedy that says where to act', () => {
        const { findings } = inspectAccessToken(input(), options);
        const named = (message: string): boolean =>
          mentions === undefined ||
          (typeof mentions === 'string' ? message.includes(mentions) : mentions.test(message));
        const found = findings.find((item) => item.reason === finding.reason && named(item.message));
        expect(found, JSON.stringify(findings, null, 2)).toMatchObject(finding);
        expect(found?.message).toMatch(/\S+\.$|\?$/);
        expect(found?.remedy.length).toBeGreaterThan(10);
        // Every remedy, the core's shared wording included, says where to act.
        expect(found?.remedy).toMatch(/token server|client code/);
        if (finding.code === undefined) expect(found).not.toHaveProperty('code');
      });

      if (decoded) {
        it('keeps going: the payload is still decoded', () => {
          expect(inspectAccessToken(input(), options).payload).toMatchObject({ exp: expect.any(Number) });
        });
      }

      it('puts first the error the core throws (or the finding that names its cause), with its code', () => {
        const given = input();
        const nowMs =
          typeof options?.now === 'number' && Number.isFinite(options.now) ? options.now : Date.now();
        let thrown: unknown;
        try {
          decodeAccessToken(given, { nowMs });
        } catch (error) {
          thrown = error;
        }
        const { findings } = inspectAccessToken(given, options);
        const [first] = findings;
        if (CORE_TOKEN_REASONS.includes(finding.reason))
          expect(thrown).toMatchObject({ reason: finding.reason });
        if (!(thrown instanceof AccessTokenError)) return;
        expect(first).toMatchObject({ severity: 'error', code: thrown.code });
        if (absorbs === undefined) {
          expect(first?.reason).toBe(thrown.reason);
          expect(`${first?.message} ${first?.remedy}`).toBe(thrown.message);
        } else {
          // One finding per cause: the one that names the cause stands in the core's place, alone.
          expect(thrown.reason).toBe(absorbs);
          expect(first?.reason).toBe(finding.reason);
          expect(findings.map(({ reason }) => reason)).not.toContain(absorbs);
        }
      });

      it('never repeats the token or its signature', () => {
        const given = input();
        const text = typeof given === 'string' ? given : (JSON.stringify(given) ?? '');
        const token = /[\w-]{20,}\.[\w-]{20,}\.([\w-]{20,})/.exec(text);
        const inspection = inspectAccessToken(given, options);
        const words = inspection.findings.map(({ message, remedy }) => message + remedy).join('\n');
        if (token) {
          expect(JSON.stringify(inspection)).not.toContain(token[1]);
          expect(words).not.toContain(token[0].split('.')[1]);
        }
      });
    },
  );

  it('finds nothing wrong with a helper-minted token for every SDK', () => {
    const token = mintToken({ grants: ['chat', 'voice', 'video', 'sync'] });
    const inspection = inspectAccessToken(token, { forSdk: ['conversations', 'sync', 'voice', 'video'] });
    expect(inspection.findings).toEqual([]);
    expect(inspection.status).toBe('ok');
    expect(inspection.header).toEqual({ alg: 'HS256', typ: 'JWT', cty: 'twilio-fpa;v=1' });
    expect(inspection.payload).toMatchObject({
      iss: API_KEY_SID,
      sub: ACCOUNT_SID,
      grants: { identity: 'alice' },
    });
    expect(JSON.stringify(inspection)).not.toContain(signatureOf(token));
  });

  it("finds nothing wrong with a TaskRouter Worker's token for taskRouter, identity or none", () => {
    const TASK_ROUTER = {
      workspace_sid: 'WS' + '0'.repeat(32),
      worker_sid: 'WK' + '0'.repeat(32),
      role: 'worker',
    };
    const minted = mintWith(
      new AccessToken.TaskRouterGrant({
        workspaceSid: TASK_ROUTER.workspace_sid,
        workerSid: TASK_ROUTER.worker_sid,
        role: 'worker',
      }),
    );
    // The Worker reads its grant and the account, never the identity.
    const anonymous = craftToken(goodPayload({ grants: { task_router: TASK_ROUTER } }));
    for (const token of [minted, anonymous]) {
      const inspection = inspectAccessToken(token, { forSdk: 'taskRouter' });
      expect(inspection.findings.filter(({ severity }) => severity === 'error')).toEqual([]);
    }
    expect(inspectAccessToken(minted, { forSdk: 'taskRouter' }).status).toBe('ok');
  });

  it('lists every problem, not just the first the core finds, each cause once', () => {
    const payload = goodPayload({ iss: ACCOUNT_SID, sub: API_KEY_SID, exp: T0_SECONDS + 2 * 86_400 });
    const token = craftToken(payload, { ...GOOD_HEADER, alg: 'none' });
    const reasons = inspectAccessToken(`"${token}"\n`).findings.map(({ reason }) => reason);
    // The wrappings first (they absorb the core's malformed on the text as given), then the token
    // inside: account-sid-in-iss and api-key-sid-in-sub name the causes of invalid-issuer and -subject.
    expect(reasons).toEqual([
      'whitespace',
      'quoted',
      'invalid-header',
      'account-sid-in-iss',
      'api-key-sid-in-sub',
      'ttl-too-long',
    ]);
  });

  it('inspects the token inside pasted JSON as the token it is, after the wrapping', () => {
    const expired = mintToken({ ttl: 3_600_000 });
    const { findings, payload } = inspectAccessToken(JSON.stringify({ token: expired }));
    expect(findings.map(({ reason }) => reason)).toEqual(['json-instead-of-token', 'ttl-in-ms']);
    expect(payload).toMatchObject({ sub: ACCOUNT_SID });
    // A cut token inside a Bearer header is malformed itself: said once, about the token inside.
    const cut = mintToken().split('.').slice(0, 2).join('.');
    const inBearer = inspectAccessToken(`Bearer ${cut}`).findings;
    expect(inBearer.map(({ reason }) => reason)).toEqual(['bearer-prefix', 'malformed']);
    expect(inBearer[1]?.message).toContain('in 2 parts');
  });

  it("merges the findings of one cause: every header field that is not Twilio's, in one finding", () => {
    const token = craftToken(goodPayload(), { typ: 'JWT', alg: 'RS256' });
    const header = inspectAccessToken(token).findings.filter((f) => f.reason === 'invalid-header');
    expect(header).toHaveLength(1);
    expect(header[0]?.message).toMatch(/alg is "RS256".*cty is missing/);
  });

  it('names an SDK grant missing once, with every SDK that needs it', () => {
    const { findings } = inspectAccessToken(mintToken({ grants: ['voice'] }), {
      forSdk: ['conversations', 'chat', 'sync'],
    });
    expect(findings.filter((f) => f.reason === 'client-missing-grant').map((f) => f.message)).toEqual([
      'Client "Conversations SDK and Chat SDK" needs the chat grant, missing from the token.',
      'Client "Sync SDK" needs the data_sync grant, missing from the token.',
    ]);
  });

  it('puts the times into words', () => {
    const token = mintToken({ ttl: 3600, nbf: T0_SECONDS });
    const { times } = inspectAccessToken(token, { now: new Date(T0 + 15 * MINUTE) });
    expect(times).toEqual({
      issued: '2025-06-01T12:00:00Z (15 min 0 s ago)',
      validFrom: '2025-06-01T12:00:00Z (15 min 0 s ago)',
      expires: '2025-06-01T13:00:00Z (in 45 min 0 s)',
      lifetime: '1 h 0 min',
      left: '45 min 0 s',
      issuedAtMs: T0,
      notBeforeMs: T0,
      expiresAtMs: T0 + HOUR,
      lifetimeSeconds: 3600,
      leftMs: 45 * MINUTE,
      skewMs: 0,
    });
    expect(inspectAccessToken(token, { now: T0 + 2 * HOUR }).times.left).toBe('none: expired 1 h 0 min ago');
  });

  it('estimates the clock offset and judges the token in server time, as the core does', () => {
    const { times, findings } = inspectAccessToken(mintAt(10 * MINUTE, { ttl: 3600 }));
    expect(times.skewMs).toBe(10 * MINUTE);
    expect(times.left).toBe('1 h 0 min');
    expect(findings.map(({ reason }) => reason)).toEqual(['clock-skew']);
  });

  it('sorts errors before warnings before notes, and sums them up in status', () => {
    const token = craftToken(goodPayload({ jti: 'x', grants: { chat: CHAT, video: { room: 'a' } } }));
    const inspection = inspectAccessToken(token, { forSdk: 'sync' });
    expect(inspection.findings.map(({ severity, reason }) => `${severity} ${reason}`)).toEqual([
      'error no-identity',
      'error client-missing-grant',
      'warning jti-mismatch',
      'info video-room',
    ]);
    expect(inspection.status).toBe('error');
    expect(inspectAccessToken(mintToken({ ttl: 60 })).status).toBe('warning');
  });

  it('never throws, whatever it is given', () => {
    const hostile = new Proxy(
      {},
      {
        get() {
          throw new Error('no');
        },
        ownKeys() {
          throw new Error('no');
        },
      },
    );
    expect(inspectAccessToken(hostile).status).toBe('error');
    fc.assert(
      fc.property(fc.anything(), fc.string(), (value, text) => {
        expect(inspectAccessToken(value).findings.length).toBeGreaterThan(0);
        inspectAccessToken(text);
        inspectAccessToken(`${text}.${text}.${text}`);
      }),
    );
  });

  describe('wording shared with the core', () => {
    it.each([
      ['an object with a token field', () => ({ token: mintToken() }), 'not-a-string'],
      ['an empty string', () => '', 'empty'],
      ['a string that is no JWT', () => 'not a token', 'malformed'],
      ['an expired token', () => mintAt(-2 * HOUR), 'expired'],
    ])('says where to act (server or client) for %s', (_name, input, reason) => {
      // Issue 4: "each remedy says what to change and where (server or client)".
      const found = inspectAccessToken(input()).findings.find((f) => f.reason === reason);

      expect(found?.remedy).toMatch(/token server|client code/i);
    });

    it('reports a header value of the wrong type once, in the words of the core', () => {
      const token = craftToken(goodPayload(), { ...GOOD_HEADER, alg: 256 });
      let coreMessage = '';
      try {
        decodeAccessToken(token);
      } catch (error) {
        coreMessage = (error as AccessTokenError).message;
      }

      const headerFindings = inspectAccessToken(token).findings.filter((f) => f.reason === 'invalid-header');

      expect(coreMessage).toContain('a number');
      expect(headerFindings.map((f) => `${f.message} ${f.remedy}`)).toEqual([coreMessage]);
    });
  });
});

describe('AccessTokenError with access-token-manager/inspect loaded', () => {
  it('carries every finding about the refused token', () => {
    const token = craftToken(goodPayload({ iss: ACCOUNT_SID, exp: T0_SECONDS + 2 * 86_400 }));
    let thrown: unknown;
    try {
      decodeAccessToken(`Bearer ${token}`);
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(AccessTokenError);
    const { reason, findings } = thrown as AccessTokenError;
    expect(reason).toBe('malformed');
    // bearer-prefix names the cause of malformed and stands in its place, with its code.
    expect(findings?.map((item) => item.reason)).toEqual([
      'bearer-prefix',
      'account-sid-in-iss',
      'ttl-too-long',
    ]);
    expect(findings?.[0]).toMatchObject({ reason: 'bearer-prefix', code: 20101 });
  });

  it('judges the times at the nowMs decodeAccessToken was given', () => {
    const token = mintToken({ ttl: 3600 });
    const error = (() => {
      try {
        decodeAccessToken(token, { nowMs: T0 + 2 * HOUR });
      } catch (caught) {
        return caught as AccessTokenError;
      }
    })();
    expect(error?.findings).toEqual([expect.objectContaining({ reason: 'expired', code: 20104 })]);
  });
});

describe('AccessManager with access-token-manager/inspect loaded', () => {
  it('rejects an expired token with an error that carries the findings', async () => {
    const token = mintToken({ ttl: 3600 });
    vi.setSystemTime(T0 + 2 * HOUR);
    const manager = new AccessManager();
    const tokenErrors: AccessTokenError[] = [];
    manager.on('tokenError', (error) => tokenErrors.push(error));
    await expect(manager.updateToken(token)).rejects.toMatchObject({ reason: 'expired' });
    expect(tokenErrors[0]?.findings).toEqual([expect.objectContaining({ reason: 'expired', code: 20104 })]);
    manager.destroy();
  });
});

describe(formatInspection, () => {
  it('prints the findings and the times, without colour unless asked, never the signature', () => {
    const token = mintToken({ ttl: 3_600_000, identity: 'a@b', grants: ['voice'] });
    const inspection = inspectAccessToken(token);
    const plain = formatInspection(inspection);
    // ttl-in-ms stands for ttl-too-long: one error for one mistake.
    expect(plain).toContain('2 errors, 0 warnings, 0 notes.');
    expect(plain).not.toContain('ttl-too-long');
    expect(plain).toContain('✖ error · 20157 · ttl-in-ms');
    expect(plain).toContain('→ On your token server, give ttl in seconds (3600), not milliseconds.');
    expect(plain).toMatch(/lifetime\s+1000 h 0 min/);
    expect(plain).not.toContain('\u001b[');
    expect(plain).not.toContain(signatureOf(token));
    expect(formatInspection(inspection, { color: true })).toContain('\u001b[31m✖ error');
  });

  it('says so when nothing is wrong', () => {
    expect(formatInspection(inspectAccessToken(mintToken()))).toContain('✔ No problems found.');
  });
});
