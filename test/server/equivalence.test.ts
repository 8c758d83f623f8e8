// The handler mints what the official `twilio` helper library mints: for the same credentials,
// identity, ttl and grants at the same second, the same header and claims, and in fact the same
// token byte for byte (so the same HMAC signature). And the core and the doctor accept it as it is.
import fc from 'fast-check';
import twilio from 'twilio';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { decodeAccessToken } from 'access-token-manager';
import { inspectAccessToken, type SdkName } from 'access-token-manager/inspect';
import { createTokenHandler, type TokenGrants, type TokenResponseBody } from 'access-token-manager/server';
import {
  ACCOUNT_SID,
  API_KEY_SECRET,
  API_KEY_SID,
  CONVERSATIONS_SERVICE_SID,
  PUSH_CREDENTIAL_SID,
  SYNC_SERVICE_SID,
  TWIML_APP_SID,
  claimsOf,
  options,
  tokenRequest,
} from './support.js';

const { AccessToken } = twilio.jwt;
const T0 = Date.parse('2026-03-01T09:00:00.000Z');
const WORKSPACE_SID = 'WS' + '5'.repeat(32);
const WORKER_SID = 'WK' + '6'.repeat(32);

afterEach(() => {
  vi.useRealTimers();
});

/** What the helper library mints for the same inputs: each grant through its own class. */
function mintWithHelper(identity: string, ttl: number, grants: TokenGrants): string {
  const token = new AccessToken(ACCOUNT_SID, API_KEY_SID, API_KEY_SECRET, { identity, ttl });
  for (const [name, given] of Object.entries(grants)) {
    if (given === undefined) continue;
    if (name === 'conversations' || name === 'chat') token.addGrant(new AccessToken.ChatGrant(given));
    if (name === 'voice') token.addGrant(new AccessToken.VoiceGrant(given));
    if (name === 'sync') token.addGrant(new AccessToken.SyncGrant(given));
    if (name === 'video') token.addGrant(new AccessToken.VideoGrant(given));
    if (name === 'taskRouter') token.addGrant(new AccessToken.TaskRouterGrant(given));
  }
  return token.toJwt();
}

/** What the handler mints for the same inputs, at the current (fake) time. */
async function mintWithHandler(identity: string, ttl: number, grants: TokenGrants): Promise<string> {
  const handler = createTokenHandler(options({ ttl, authorize: () => ({ identity, grants }) }));
  const response = await handler(tokenRequest());
  expect(response.status).toBe(200);
  return ((await response.json()) as TokenResponseBody).token;
}

const sid = (prefix: string) => fc.stringMatching(/^[0-9a-f]{32}$/).map((hex) => prefix + hex);
const chatGrant = fc.record({ serviceSid: sid('IS'), pushCredentialSid: sid('CR') }, { requiredKeys: [] });
const voiceGrant = fc.oneof(
  fc.record({ incomingAllow: fc.boolean(), pushCredentialSid: sid('CR') }, { requiredKeys: [] }),
  fc.record(
    {
      incomingAllow: fc.boolean(),
      outgoingApplicationSid: sid('AP'),
      outgoingApplicationParams: fc.dictionary(
        fc.stringMatching(/^[a-z]{1,8}$/),
        fc.oneof(fc.string({ maxLength: 12 }), fc.integer(), fc.boolean()),
        { maxKeys: 3 },
      ),
    },
    { requiredKeys: ['outgoingApplicationSid'] },
  ),
);
const grantsArbitrary: fc.Arbitrary<TokenGrants> = fc
  .record(
    {
      conversations: chatGrant,
      voice: voiceGrant,
      sync: fc.record({ serviceSid: fc.oneof(sid('IS'), fc.constant('default')) }, { requiredKeys: [] }),
      video: fc.record({ room: fc.stringMatching(/^[\w-]{1,20}$/) }, { requiredKeys: [] }),
      taskRouter: fc.record(
        {
          workspaceSid: sid('WS'),
          workerSid: sid('WK'),
          role: fc.constantFrom('worker', 'supervisor', 'admin'),
        },
        { requiredKeys: ['workspaceSid', 'workerSid'] },
      ),
    },
    { requiredKeys: [] },
  )
  .filter((grants) => Object.keys(grants).length > 0);

describe('createTokenHandler and the twilio helper library', () => {
  it('mint the same token, byte for byte, for every product grant together', async () => {
    vi.useFakeTimers({ toFake: ['Date'], now: T0 });
    const grants: TokenGrants = {
      conversations: { serviceSid: CONVERSATIONS_SERVICE_SID, pushCredentialSid: PUSH_CREDENTIAL_SID },
      voice: {
        incomingAllow: true,
        outgoingApplicationSid: TWIML_APP_SID,
        outgoingApplicationParams: { team: 'support' },
        pushCredentialSid: PUSH_CREDENTIAL_SID,
      },
      sync: { serviceSid: SYNC_SERVICE_SID },
      video: { room: 'standup' },
      taskRouter: { workspaceSid: WORKSPACE_SID, workerSid: WORKER_SID, role: 'worker' },
    };

    const ours = await mintWithHandler('alice', 3600, grants);
    const theirs = mintWithHelper('alice', 3600, grants);

    expect(claimsOf(ours)).toEqual(claimsOf(theirs));
    expect(ours).toBe(theirs);
  });

  it('mint the same claims for any identity, ttl and grants (property)', async () => {
    vi.useFakeTimers({ toFake: ['Date'], now: T0 });
    await fc.assert(
      fc.asyncProperty(
        fc.stringMatching(/^\w{1,40}$/),
        fc.integer({ min: 180, max: 86_400 }),
        grantsArbitrary,
        fc.integer({ min: 0, max: 10 * 365 * 86_400 }),
        async (identity, ttl, grants, offsetSeconds) => {
          vi.setSystemTime(T0 + offsetSeconds * 1000);
          const ours = await mintWithHandler(identity, ttl, grants);
          const theirs = mintWithHelper(identity, ttl, grants);
          expect(claimsOf(ours)).toEqual(claimsOf(theirs));
          expect(ours).toBe(theirs);
        },
      ),
      { numRuns: 150 },
    );
  });
});

describe('what the handler mints, read by the core and the doctor', () => {
  it.each<[string, TokenGrants, SdkName[]]>([
    ['Conversations', { conversations: { serviceSid: CONVERSATIONS_SERVICE_SID } }, ['conversations']],
    ['Chat', { chat: { serviceSid: CONVERSATIONS_SERVICE_SID } }, ['chat']],
    ['Voice', { voice: { incomingAllow: true, outgoingApplicationSid: TWIML_APP_SID } }, ['voice']],
    ['Sync', { sync: { serviceSid: SYNC_SERVICE_SID } }, ['sync']],
    ['Video', { video: {} }, ['video']],
    [
      'TaskRouter',
      { taskRouter: { workspaceSid: WORKSPACE_SID, workerSid: WORKER_SID, role: 'worker' } },
      [],
    ],
    [
      'all of them',
      {
        conversations: { serviceSid: CONVERSATIONS_SERVICE_SID },
        voice: { incomingAllow: true, outgoingApplicationSid: TWIML_APP_SID },
        sync: { serviceSid: SYNC_SERVICE_SID },
        video: {},
      },
      ['conversations', 'voice', 'sync', 'video'],
    ],
  ])(
    '%s: decodeAccessToken accepts it and inspectAccessToken finds nothing',
    async (_name, grants, forSdk) => {
      const token = await mintWithHandler('alice_42', 3600, grants);

      expect(() => decodeAccessToken(token)).not.toThrow();
      const report = inspectAccessToken(token, { forSdk });
      expect(report.findings).toEqual([]);
      expect(report.status).toBe('ok');
    },
  );

  it('a 24-hour token, the longest allowed, is accepted too', async () => {
    const token = await mintWithHandler('alice', 86_400, { video: {} });

    expect(inspectAccessToken(token, { forSdk: 'video' }).findings).toEqual([]);
  });
});
