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
const CREDENTIALS = 'Account SID, API key and secret that do not belong together (or test credentials)';
const LATE = 'no new token handed to the SDK before exp';
const GRANT = 'no grant (or service SID) for this SDK, or no identity';

// A function, not a constant: bundlers keep a top-level concatenation with an import (ON_CLIENT +
// …) even where nothing uses it, and an app that imports only inspectAccessToken must not pay for
// these words.
const groups = () =>
  ({
    invalid: {
      meaning: 'Twilio could not read it as an access token.',
      causes: [
        'JSON ({"token": …}), quotes or "Bearer " around the token',
        CREDENTIALS,
        'another kind of JWT (a Capability Token, a session token)',
      ],
      remedy: ON_CLIENT + `pass the token as minted; ${INSPECT} names what is wrong with it.`,
    },
    header: {
      meaning: "The token's header is not Twilio's.",
      causes: ['a token made without a Twilio helper library (AccessToken)', 'another kind of JWT'],
    },
    issuer: {
      meaning: 'The API key SID (iss) or Account SID (sub) is wrong.',
      causes: ['the Account SID and Auth Token used instead of an API key', 'the SIDs swapped', CREDENTIALS],
    },
    expired: {
      meaning: 'The token expired, or its exp is invalid.',
      causes: [LATE, "the token server's clock behind", 'a cached token', 'ttl or exp in milliseconds'],
    },
    early: {
      meaning: 'The token is not valid yet (nbf).',
      causes: ["the token server's clock ahead", 'nbf set in the future'],
    },
    grants: {
      meaning: 'The grants do not allow what the SDK asked.',
      causes: [GRANT],
    },
    signature: {
      meaning: 'The signature does not match the API key in iss.',
      causes: [
        "signed with another secret (the Auth Token, another key's)",
        CREDENTIALS,
        'the token changed',
      ],
      remedy: ON_SERVER + "sign with the API key's own secret.",
    },
    authentication: {
      meaning: 'Twilio could not authenticate the token.',
      causes: [CREDENTIALS, 'the token expired (a clock off)', GRANT],
      remedy: ON_SERVER + `mint with live credentials of one account; check the token with ${INSPECT}.`,
    },
    lifetime: {
      meaning: 'The token lives over 24 h.',
      causes: ['ttl in milliseconds', 'ttl over 86400 s'],
    },
    missing: {
      meaning: 'The SDK sent no token.',
      causes: ['an empty token passed on (a fetch not awaited, or failed)'],
    },
    denied: {
      meaning: "The client's server refused the token (state 'denied').",
      causes: [LATE, CREDENTIALS, GRANT],
      remedy:
        ON_CLIENT +
        `hand each new token to client.updateToken; its connectionError has the code. Try ${INSPECT}.`,
    },
  }) satisfies Record<string, CodeWords>;

/** A group of codes that mean one thing. */
export type CodeGroup = keyof ReturnType<typeof groups>;

const ANY = 'any SDK or Twilio API';
const VOICE = 'Voice SDK';

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
  51130: ['authentication', 'Updated token was rejected by server', 'Sync SDK'],
};

/**
 * The words of a group.
 * @example groupWords('expired').causes[0] // 'the app kept the token past its exp: …'
 */
export const groupWords = (group: CodeGroup): CodeWords => groups()[group];

/** What a Conversations, Sync or Chat client's `'denied'` state is, and which SDKs have it. */
export const DENIED_RAISED_BY = 'Conversations, Sync or Chat SDK';
