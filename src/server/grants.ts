// What authorize grants, in the helper libraries' words (serviceSid, incomingAllow…), checked and
// written as the platform reads it (service_sid, incoming.allow…), in the order the app gave.
import { AccessTokenError, GRANT_NAMES, isSid, SID_PREFIXES } from 'access-token-manager';
import { describeSid } from './credentials';
import { checkIdentity } from './identity';
import { describeValue, invalidServerOption, isPlainObject, readProperty } from './invalid';

/**
 * The Conversations (and Programmable Chat) grant: the `chat` key of the token, as the helper
 * libraries' `ChatGrant` writes it.
 * @example const grant: ChatGrantOptions = { serviceSid: 'IS…' };
 */
export interface ChatGrantOptions {
  /** The Conversations Service SID (`IS…`); without it, the account's default service. */
  serviceSid?: string | undefined;
  /** The Push Credential SID (`CR…`) for push notifications on mobile. */
  pushCredentialSid?: string | undefined;
}

/**
 * The Voice grant, as the helper libraries' `VoiceGrant` writes it.
 * @example const grant: VoiceGrantOptions = { incomingAllow: true, outgoingApplicationSid: 'AP…' };
 */
export interface VoiceGrantOptions {
  /** Whether the identity may receive calls (`incoming.allow`). @default false */
  incomingAllow?: boolean | undefined;
  /** The TwiML App SID (`AP…`) outgoing calls go to (`outgoing.application_sid`). */
  outgoingApplicationSid?: string | undefined;
  /** Parameters sent to the TwiML App with each outgoing call (`outgoing.params`). */
  outgoingApplicationParams?: Record<string, string | number | boolean> | undefined;
  /** The Push Credential SID (`CR…`) for incoming calls on mobile. */
  pushCredentialSid?: string | undefined;
}

/**
 * The Sync grant: the `data_sync` key of the token, as the helper libraries' `SyncGrant` writes it.
 * @example const grant: SyncGrantOptions = { serviceSid: 'IS…' };
 */
export interface SyncGrantOptions {
  /** The Sync Service SID (`IS…`), or `"default"`; without it, the default service. */
  serviceSid?: string | undefined;
}

/**
 * The Video grant, as the helper libraries' `VideoGrant` writes it.
 * @example const grant: VideoGrantOptions = { room: 'standup' };
 */
export interface VideoGrantOptions {
  /** The one Room (name or `RM…` SID) the token may join; without it, any room. */
  room?: string | undefined;
}

/**
 * The TaskRouter grant, for a `Worker` of `twilio-taskrouter`: the `task_router` key of the token,
 * as the helper libraries' `TaskRouterGrant` writes it.
 * @example const grant: TaskRouterGrantOptions = { workspaceSid: 'WS…', workerSid: 'WK…', role: 'worker' };
 */
export interface TaskRouterGrantOptions {
  /** The Workspace SID (`WS…`) the Worker belongs to. */
  workspaceSid: string;
  /** The Worker SID (`WK…`) of the agent this token is for. */
  workerSid: string;
  /** The Worker's role, such as `"worker"` (Flex also uses `"supervisor"` and `"admin"`). */
  role?: string | undefined;
}

/**
 * The grants of one token, by product. `conversations` and `chat` are the same grant (give one).
 * Each grant is written in the order given here.
 * @example
 * const grants: TokenGrants = { conversations: { serviceSid: 'IS…' }, voice: { incomingAllow: true } };
 */
export interface TokenGrants {
  /** Conversations: the `chat` grant. */
  conversations?: ChatGrantOptions | undefined;
  /** Programmable Chat, and Conversations: the `chat` grant. */
  chat?: ChatGrantOptions | undefined;
  /** Voice: the `voice` grant. */
  voice?: VoiceGrantOptions | undefined;
  /** Sync: the `data_sync` grant. */
  sync?: SyncGrantOptions | undefined;
  /** Video: the `video` grant. */
  video?: VideoGrantOptions | undefined;
  /** TaskRouter: the `task_router` grant, for a Worker. */
  taskRouter?: TaskRouterGrantOptions | undefined;
}

type Claim = Record<string, unknown>;
type Writer = (options: object, field: string) => Claim;

/** Reads an optional option of one grant; `undefined` when absent (required: refused then). */
function readOption(
  options: object,
  field: string,
  key: string,
  expected: string,
  accepts: (value: unknown) => boolean,
  required = false,
): unknown {
  const value = readProperty(options, key, `${field}.${key}`);
  if ((value !== undefined || required) && !accepts(value)) {
    throw invalidServerOption(`${field}.${key}`, expected, describeValue(value));
  }
  return value;
}

/** Reads a SID option of one grant, describing a wrong one by the rule it breaks. */
function readSid(options: object, field: string, key: string, prefix: string, required = false): unknown {
  const value = readProperty(options, key, `${field}.${key}`);
  if ((value !== undefined || required) && !isSid(value, prefix)) {
    throw invalidServerOption(
      `${field}.${key}`,
      `${prefix} followed by 32 hex digits`,
      describeSid(value, prefix),
    );
  }
  return value;
}

// A param the helper libraries would sign as it is: NaN and Infinity would be signed as null.
const isParam = (item: unknown): boolean =>
  typeof item === 'string' ||
  typeof item === 'boolean' ||
  (typeof item === 'number' && Number.isFinite(item));
function isParams(value: unknown): boolean {
  try {
    return isPlainObject(value) && Object.values(value).every(isParam);
  } catch {
    return false; // a getter that throws
  }
}

/** Writes the claim keys in the helper libraries' order, leaving out what was not given. */
function claim(entries: [string, unknown][]): Claim {
  return Object.fromEntries(entries.filter(([, value]) => value !== undefined));
}

const writeChat: Writer = (options, field) =>
  claim([
    ['service_sid', readSid(options, field, 'serviceSid', SID_PREFIXES.service)],
    ['push_credential_sid', readSid(options, field, 'pushCredentialSid', SID_PREFIXES.credential)],
  ]);

const writeVoice: Writer = (options, field) => {
  const incoming = readOption(options, field, 'incomingAllow', 'a boolean', (v) => typeof v === 'boolean');
  const app = readSid(options, field, 'outgoingApplicationSid', SID_PREFIXES.application);
  const params = readOption(
    options,
    field,
    'outgoingApplicationParams',
    'an object of strings, finite numbers and booleans',
    isParams,
  );
  if (params !== undefined && app === undefined) {
    // The helper libraries drop such params without a word; the calls would then go without them.
    throw invalidServerOption(
      `${field}.outgoingApplicationParams`,
      'given with outgoingApplicationSid, the TwiML App they are sent to',
      'params without an outgoingApplicationSid',
    );
  }
  return claim([
    ['incoming', incoming === true ? { allow: true } : undefined],
    [
      'outgoing',
      app === undefined
        ? undefined
        : claim([
            ['application_sid', app],
            ['params', params],
          ]),
    ],
    ['push_credential_sid', readSid(options, field, 'pushCredentialSid', SID_PREFIXES.credential)],
  ]);
};

const writeSync: Writer = (options, field) =>
  claim([
    [
      'service_sid',
      readOption(
        options,
        field,
        'serviceSid',
        'IS followed by 32 hex digits, or "default"',
        (value) => value === 'default' || isSid(value, SID_PREFIXES.service),
      ),
    ],
  ]);

const writeVideo: Writer = (options, field) =>
  claim([
    [
      'room',
      readOption(options, field, 'room', 'a room name or SID', (v) => typeof v === 'string' && v !== ''),
    ],
  ]);

const writeTaskRouter: Writer = (options, field) =>
  claim([
    ['workspace_sid', readSid(options, field, 'workspaceSid', SID_PREFIXES.workspace, true)],
    ['worker_sid', readSid(options, field, 'workerSid', SID_PREFIXES.worker, true)],
    [
      'role',
      readOption(
        options,
        field,
        'role',
        'a role name such as "worker"',
        (v) => typeof v === 'string' && v !== '',
      ),
    ],
  ]);

// Each grant name the app may use: the claim key the platform reads (from the core's one table of
// grant names, where the SDKs' names map to their keys), and how to write it.
const GRANTS: Record<string, [key: string, write: Writer]> = {
  conversations: [GRANT_NAMES.conversations, writeChat],
  chat: [GRANT_NAMES.chat, writeChat],
  voice: [GRANT_NAMES.voice, writeVoice],
  sync: [GRANT_NAMES.sync, writeSync],
  video: [GRANT_NAMES.video, writeVideo],
  taskRouter: [GRANT_NAMES.task_router, writeTaskRouter],
};

/**
 * @internal The `grants` claim for one identity: the identity first, then each grant the app gave,
 * in its order, as the helper libraries write them.
 * @param identity - who the token is for, as authorize returned it.
 * @param grants - what authorize granted.
 * @param field - where they came from, for errors (`authorize().grants`).
 * @throws {@link AccessTokenError} `invalid-server-option` for an unknown grant or a bad option,
 *   `missing-grants` when none is given.
 */
export function toGrantsClaim(identity: string, grants: unknown, field: string): Claim {
  if (!isPlainObject(grants)) {
    throw invalidServerOption(
      field,
      'an object such as { conversations: { serviceSid } }',
      describeValue(grants),
    );
  }
  const claims: Claim = { identity };
  let keys: string[];
  try {
    keys = Object.keys(grants);
  } catch {
    throw invalidServerOption(field, 'an object that can be read', 'an object that throws when read');
  }
  for (const name of keys) {
    const options = readProperty(grants, name, `${field}.${name}`);
    if (options === undefined) continue;
    const grant = GRANTS[name];
    if (!Object.hasOwn(GRANTS, name) || grant === undefined) {
      throw invalidServerOption(
        `${field}.${name}`,
        `one of ${Object.keys(GRANTS).join(', ')}`,
        `a grant named "${name.slice(0, 32)}"`,
      );
    }
    const [key, write] = grant;
    if (Object.hasOwn(claims, key)) {
      throw invalidServerOption(
        `${field}.${name}`,
        'given once: conversations and chat are one grant',
        'both',
      );
    }
    if (!isPlainObject(options)) {
      throw invalidServerOption(
        `${field}.${name}`,
        'an object of grant options ({} for none)',
        describeValue(options),
      );
    }
    claims[key] = write(options, `${field}.${name}`);
  }
  if (Object.keys(claims).length === 1) {
    throw new AccessTokenError('missing-grants', { field, received: describeValue(grants) });
  }
  checkIdentity(identity, claims.voice !== undefined, `${field.replace(/\.grants$/, '')}.identity`);
  return claims;
}
