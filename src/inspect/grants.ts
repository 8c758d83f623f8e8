// The identity and grants: what each SDK needs, what Voice refuses, and keys no SDK knows.
import { coreFinding, finding, ON_SERVER, quote } from './finding';
import type { Finding } from './finding';
import { GRANT_NAMES } from '../grants';
import type { GrantKey } from '../grants';
import { charactersBreaking, VOICE_REFUSED_CHARACTERS } from '../rules';
import { isRecord } from '../token';

/**
 * An SDK a token may be meant for, as `inspectAccessToken`'s `forSdk` names it.
 * @example inspectAccessToken(token, { forSdk: ['conversations', 'voice'] satisfies SdkName[] })
 */
export type SdkName = 'conversations' | 'chat' | 'sync' | 'voice' | 'video' | 'taskRouter';

/**
 * The SDK names `forSdk` accepts.
 * @example (SDK_NAMES as readonly string[]).includes(name) // validate a command-line argument
 */
export const SDK_NAMES: readonly SdkName[] = [
  'conversations',
  'chat',
  'sync',
  'voice',
  'video',
  'taskRouter',
];

/**
 * Every key the platform knows in a token's `grants` claim (the core's one table of grant names);
 * others get an `unknown-grant` finding.
 * @example KNOWN_GRANT_KEYS.includes('data_sync') // true
 */
export const KNOWN_GRANT_KEYS: readonly GrantKey[] = [...new Set(Object.values(GRANT_NAMES))];

// The grant each SDK needs (any one of them), and the helper class that writes it. A TaskRouter
// Worker reads only its grant (workspace_sid, worker_sid, role) and the account: no identity.
const SDKS: Record<SdkName, { label: string; grants: GrantKey[]; identity?: false }> = {
  conversations: { label: 'Conversations SDK', grants: ['chat'] },
  chat: { label: 'Chat SDK', grants: ['chat', 'ip_messaging'] },
  sync: { label: 'Sync SDK', grants: ['data_sync'] },
  voice: { label: 'Voice SDK', grants: ['voice'] },
  video: { label: 'Video SDK', grants: ['video'] },
  taskRouter: { label: 'TaskRouter Worker', grants: ['task_router'], identity: false },
};
const HELPER_CLASS: Record<GrantKey, string> = {
  identity: 'the identity option',
  task_router: 'TaskRouterGrant',
  chat: 'ChatGrant',
  ip_messaging: 'IpMessagingGrant',
  data_sync: 'SyncGrant',
  voice: 'VoiceGrant',
  video: 'VideoGrant',
  player: 'PlaybackGrant',
};

const squash = (name: string): string => name.toLowerCase().replace(/[^a-z0-9]/g, '');

/** The edit distance between two short strings (insertions, deletions, substitutions). */
function distance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, index) => index);
  for (let i = 1; i <= a.length; i += 1) {
    const current = [i];
    for (let j = 1; j <= b.length; j += 1) {
      const substitution = (previous[j - 1] ?? 0) + (a[i - 1] === b[j - 1] ? 0 : 1);
      current.push(Math.min((previous[j] ?? 0) + 1, (current[j - 1] ?? 0) + 1, substitution));
    }
    previous = current;
  }
  return previous[b.length] ?? 0;
}

/** The known grant key an unknown one was probably meant to be. */
function suggest(key: string): GrantKey | undefined {
  const squashed = squash(key);
  const near = (name: string): boolean =>
    squash(name) === squashed || (squashed.length >= 4 && distance(squash(name), squashed) <= 2);
  // The table's names (its keys and the SDKs' names), then the helper classes' (PlaybackGrant: player).
  const named = Object.entries(GRANT_NAMES).find(([name]) => near(name))?.[1];
  return named ?? KNOWN_GRANT_KEYS.find((grant) => near(HELPER_CLASS[grant].replace('Grant', '')));
}

function unknownGrant(key: string): Finding {
  // rtc: the ConversationsGrant of Twilio Video's 2016 beta, retired (see GRANT_ALIASES).
  const retired = key === 'rtc';
  const meant: GrantKey | undefined = retired ? 'video' : suggest(key);
  const message = retired
    ? 'grants has "rtc", the retired grant of Twilio Video\'s beta (ConversationsGrant), which every SDK ignores: Video reads "video".'
    : `grants has an unknown key ${quote(key)}, which every SDK ignores` +
      (meant === undefined ? '.' : `: did you mean "${meant}"?`);
  const classes =
    meant === undefined
      ? 'ChatGrant, SyncGrant, VoiceGrant, VideoGrant'
      : `${HELPER_CLASS[meant]} writes "${meant}"`;
  const remedy =
    ON_SERVER + `add grants with the helper library (${classes}) instead of writing keys by hand.`;
  return finding('warning', 'unknown-grant', message, remedy);
}

function checkIdentity(
  identity: string,
  grants: Record<string, unknown>,
  forSdks: readonly SdkName[],
): Finding[] {
  const sdks = forSdks.filter((sdk) => SDKS[sdk].identity !== false);
  const mint =
    ON_SERVER +
    'pass identity when minting: new AccessToken(accountSid, apiKeySid, apiKeySecret, { identity }).';
  if (identity === '') {
    if (sdks.length === 0) {
      const message = 'The token has no identity: Conversations, Sync, Voice and Video all need one.';
      return [finding('warning', 'no-identity', message, mint)];
    }
    const labels = sdks.map((sdk) => SDKS[sdk].label).join(' and ');
    return [
      finding('error', 'no-identity', `The token has no identity, which the ${labels} needs.`, mint, 20106),
    ];
  }
  const refused = charactersBreaking(identity, VOICE_REFUSED_CHARACTERS);
  if (refused.length === 0 || !('voice' in grants || sdks.includes('voice'))) return [];
  const characters = refused.map((character) => JSON.stringify(character));
  const message =
    `The identity has characters the Voice SDK refuses (${characters.join(', ')}): ` +
    'Voice identities may hold only letters, digits and underscore.';
  const remedy =
    ON_SERVER +
    'use an identity of letters, digits and underscore only (a user id, or the e-mail with ' +
    'other characters replaced by _), the same for every SDK.';
  return [finding('error', 'voice-identity-characters', message, remedy)];
}

function checkGrantContents(grants: Record<string, unknown>): Finding[] {
  const findings: Finding[] = [];
  const { chat, voice, video } = grants;
  if (chat !== undefined && !(isRecord(chat) && typeof chat.service_sid === 'string')) {
    const message =
      'The chat grant has no service_sid: Conversations needs the SID of your Conversations service (IS…).';
    findings.push(
      finding('warning', 'grant-without-service', message, ON_SERVER + 'pass serviceSid to ChatGrant.'),
    );
  }
  if (
    voice !== undefined &&
    !(isRecord(voice) && isRecord(voice.outgoing) && voice.outgoing.application_sid)
  ) {
    const message =
      'The voice grant has no outgoing application_sid: the Voice SDK needs a TwiML App to place calls.';
    const remedy = ON_SERVER + 'pass outgoingApplicationSid (AP…) to VoiceGrant.';
    findings.push(finding('warning', 'voice-without-application', message, remedy));
  }
  if (isRecord(video) && typeof video.room === 'string' && video.room !== '') {
    const message = `The video grant is limited to the room ${quote(video.room, 40)}: the token joins no other room.`;
    const remedy = ON_SERVER + 'leave room out of the VideoGrant if the client must join other rooms.';
    findings.push(finding('info', 'video-room', message, remedy));
  }
  return findings;
}

/**
 * Checks the identity and grants: an identity is present (and fit for Voice when Voice is used),
 * each SDK in `sdks` finds its grant, the grants are complete, and no key is unknown.
 *
 * @param payload - the decoded claims, or `null`.
 * @param sdks - the SDKs the token is meant for (none to skip those checks).
 * @returns the findings.
 * @example checkGrants(payload, ['voice']).map((f) => f.reason) // ['voice-identity-characters']
 */
export function checkGrants(payload: Record<string, unknown> | null, sdks: readonly SdkName[]): Finding[] {
  if (payload === null) return [];
  const grants = isRecord(payload.grants) ? payload.grants : {};
  const identity = typeof grants.identity === 'string' ? grants.identity : '';
  const findings = checkIdentity(identity, grants, sdks);
  // One finding per missing grant, naming every SDK that needs it (Conversations and Chat share chat).
  const missing = new Map<string, string[]>();
  for (const sdk of sdks) {
    const { label, grants: needed } = SDKS[sdk];
    const grant = needed[0] ?? '';
    if (!needed.some((name) => name in grants)) missing.set(grant, [...(missing.get(grant) ?? []), label]);
  }
  for (const [grant, labels] of missing) {
    findings.push(coreFinding('error', 'client-missing-grant', { client: labels.join(' and '), grant }));
  }
  findings.push(...checkGrantContents(grants));
  const known: readonly string[] = KNOWN_GRANT_KEYS;
  for (const key of Object.keys(grants)) if (!known.includes(key)) findings.push(unknownGrant(key));
  return findings;
}
