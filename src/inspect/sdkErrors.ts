// The full words for each code of the SDK token table (src/sdkCodes.ts): what it means, its likely
// causes (the most frequent first, as Twilio's "Troubleshooting Invalid Access Tokens" ranks them:
// credentials that do not belong together and times first), the remedy and which SDK raises it.
// The core keeps only the codes and reasons; these words ship in access-token-manager/inspect.
import { ON_CLIENT, ON_SERVER } from './finding';

/** The words shared by the codes that mean one thing (20104 and Voice's 31205, say). */
export interface CodeWords {
  /** What the code means, in a sentence. */
  meaning: string;
  /** The likely causes, the most frequent first. */
  causes: readonly string[];
  /** What to change, and where; `undefined` to use the core's remedy of the reason the code maps to. */
  remedy?: string;
}

const INSPECT = 'npx access-token-manager inspect';
const CREDENTIALS =
  'the Account SID, API key SID and API key secret do not belong together (another account or ' +
  'subaccount, a deleted key, test credentials)';
const HELPER = 'a token made by hand or by a generic JWT library instead of a Twilio helper (AccessToken)';
const NOT_REFRESHED =
  'the app kept the token past its exp: no new token was fetched and handed to the SDK before it ran out';

const GROUPS = {
  invalid: {
    meaning: 'Twilio could not read the value as an access token.',
    causes: [
      'the endpoint\'s JSON ({"token": …}), quotes or "Bearer " passed instead of the bare token string',
      'an error or login page passed as the token, or a token cut short',
      CREDENTIALS,
      "another kind of JWT: a Capability Token (Twilio Client 1.x) or the app's own session token",
    ],
    remedy:
      ON_CLIENT +
      'pass the token string as your token server returned it; ' +
      `${INSPECT} on that token names which of these it is.`,
  },
  header: {
    meaning: "The token's header is not Twilio's (typ JWT, alg HS256, cty twilio-fpa;v=1).",
    causes: [HELPER, 'another kind of JWT than a Twilio access token'],
  },
  issuer: {
    meaning: "The token's issuer (iss, the API key SID) or subject (sub, the Account SID) is not valid.",
    causes: [
      'minted with the Account SID and Auth Token instead of an API key (AC… in iss)',
      'the two SIDs swapped, or ' + CREDENTIALS,
    ],
  },
  expired: {
    meaning: 'The token has expired, or its exp is not valid (missing, or too far ahead).',
    causes: [
      NOT_REFRESHED,
      "the token server's clock is behind, so tokens arrive already expired",
      'a token cached on the server or in the page and handed out again',
      'exp or ttl given in milliseconds',
    ],
  },
  early: {
    meaning: 'The token is not valid yet: its nbf is ahead of Twilio’s clock.',
    causes: ["the token server's clock is ahead (no NTP)", 'nbf set to a future time when minting'],
  },
  grants: {
    meaning: 'The grants of the token do not allow what the SDK asked.',
    causes: [
      'no grant for this SDK: ChatGrant (Conversations), SyncGrant, VoiceGrant or VideoGrant',
      'a grant without its service SID (IS…), or with a service of another account',
      'no identity',
    ],
  },
  signature: {
    meaning: "The token's signature does not match the API key in iss.",
    causes: [
      "signed with a secret that is not the API key's (the Auth Token, or another key's secret)",
      CREDENTIALS,
      'the token changed after it was signed',
    ],
    remedy:
      ON_SERVER +
      'sign with the secret of the API key in iss, for the account in sub; create a new key if the secret is lost.',
  },
  authentication: {
    meaning: 'Twilio could not authenticate the token.',
    causes: [
      CREDENTIALS,
      'the token expired or is not valid yet (a server clock off)',
      'a grant or identity missing for this SDK',
    ],
    remedy:
      ON_SERVER +
      `mint with a helper library from the live credentials of one account; check the token with ${INSPECT}.`,
  },
  lifetime: {
    meaning: "The token's lifetime is over the 24 hours Twilio allows.",
    causes: [
      'ttl given in milliseconds (3600000 for an hour)',
      'ttl over 86400 seconds',
      'exp set by hand in milliseconds',
    ],
  },
  missing: {
    meaning: 'The SDK sent no token with its request.',
    causes: [
      'the SDK was created or updated with an empty or undefined token (a fetch not awaited)',
      'the token endpoint answered with an error, and its empty token was passed on',
    ],
  },
  denied: {
    meaning: "The client's server refused its token: its connection state is 'denied'.",
    causes: [
      NOT_REFRESHED + ' (no updateToken on tokenAboutToExpire)',
      CREDENTIALS,
      'no chat (Conversations) or data_sync (Sync) grant, or the service SID of another account',
    ],
    remedy:
      ON_CLIENT +
      'hand every new token to the client (client.updateToken); its connectionError event has the code. ' +
      `Check the token with ${INSPECT}.`,
  },
} satisfies Record<string, CodeWords>;

/** A group of codes that mean one thing. */
export type CodeGroup = keyof typeof GROUPS;

const ANY =
  'every SDK and the REST API (Voice and Video errors, connectionError.errorCode of Conversations, Sync, Chat)';
const VOICE = 'the Voice SDK (@twilio/voice-sdk)';

/**
 * Each code of `SDK_TOKEN_CODES`: its group, its name in Twilio's error dictionary, which SDK
 * raises it, and the platform code it stands for when it is not one and maps to no reason. Sources, per row, as in
 * src/sdkCodes.ts: `@twilio/voice-errors` dictionary.md, `@twilio/voice-sdk` generated.ts and
 * device.ts, `twilio-sync` lib.js.
 */
export const CODE_WORDS: Readonly<
  Record<number, readonly [group: CodeGroup, title: string, raisedBy: string, platformCode?: number]>
> = {
  20101: ['invalid', 'Invalid access token', ANY],
  20102: ['header', 'Invalid access token header', ANY],
  20103: ['issuer', 'Invalid access token issuer/subject', ANY],
  20104: ['expired', 'Access token expired or expiration date invalid', ANY],
  20105: ['early', 'Access token not yet valid', ANY],
  20106: ['grants', 'Invalid access token grants', ANY],
  20107: ['signature', 'Invalid access token signature', ANY],
  20151: ['authentication', 'Authentication Failed', ANY],
  20157: ['lifetime', 'Expiration Time Exceeds Maximum Time Allowed', ANY],
  31102: ['missing', 'Authorization token missing in request', VOICE],
  31201: ['authentication', 'Authorization error', VOICE, 20151],
  31202: ['signature', 'Signature validation failed', VOICE, 20107],
  31204: ['invalid', 'Invalid JWT token', VOICE],
  31205: ['expired', 'JWT token expired', VOICE],
  31207: ['lifetime', 'JWT token expiration too long', VOICE],
  51007: ['authentication', 'Token authentication is rejected by authentication service', VOICE],
  51130: [
    'authentication',
    'Updated token was rejected by server',
    'the Sync SDK (twilio-sync, a SyncError)',
  ],
};

/**
 * The words of a group.
 * @example groupWords('expired').causes[0] // 'the app kept the token past its exp: …'
 */
export const groupWords = (group: CodeGroup): CodeWords => GROUPS[group];

/** What a Conversations, Sync or Chat client's `'denied'` state is, and which SDKs have it. */
export const DENIED_RAISED_BY = 'Conversations, Sync and Chat (connectionStateChanged: "denied")';
