/**
 * The grant names, in one table: each name `register` takes, with the key of the token's `grants`
 * claim it stands for. A key stands for itself; the name of the SDK that needs a grant stands for
 * it too (`conversations` is `chat`, `sync` is `data_sync`). `register`'s `requires`,
 * `decodeAccessToken`'s {@link GrantName}, the adapters' presets, the React hooks' options and
 * `access-token-manager/inspect` (its known grants, aliases and `forSdk`) all read it.
 *
 * `chat` is Conversations and Programmable Chat (whose older tokens use `ip_messaging`),
 * `data_sync` Sync, `voice` the Voice SDK, `video` Video, `player` Twilio Live (`PlaybackGrant`),
 * `task_router` a TaskRouter Worker; `identity` is the user's identity.
 *
 * `rtc` is not in it, on purpose: it is the key of the retired `ConversationsGrant` of Twilio
 * Video's 2016 beta ("Twilio Conversations"), which no SDK reads and no helper library writes any
 * more. `register` refuses it like any unknown name, and the inspector warns that it is retired
 * and names `video` instead.
 *
 * @example GRANT_NAMES.sync // 'data_sync'
 */
export const GRANT_NAMES = {
  /** The user's identity (`grants.identity`). */
  identity: 'identity',
  /** Conversations and Programmable Chat (`ChatGrant`). */
  chat: 'chat',
  /** Programmable Chat's older key (`IpMessagingGrant`). */
  ip_messaging: 'ip_messaging',
  /** Sync (`SyncGrant`). */
  data_sync: 'data_sync',
  /** The Voice SDK (`VoiceGrant`). */
  voice: 'voice',
  /** Video (`VideoGrant`). */
  video: 'video',
  /** Twilio Live's player (`PlaybackGrant`). */
  player: 'player',
  /** A TaskRouter Worker (`TaskRouterGrant`). */
  task_router: 'task_router',
  // The SDKs' names, last: `register`'s error lists the keys first.
  /** The Conversations SDK's name for the `chat` grant. */
  conversations: 'chat',
  /** The Sync SDK's name for the `data_sync` grant. */
  sync: 'data_sync',
} as const;

/**
 * A key of the token's `grants` claim that the platform knows (see {@link GRANT_NAMES}).
 * @example const key: GrantKey = 'data_sync';
 */
export type GrantKey = (typeof GRANT_NAMES)[keyof typeof GRANT_NAMES];

/**
 * The name of a grant, as it appears as a key of the token's `grants` claim: one the platform
 * knows ({@link GrantKey}), or any other string a token may carry.
 *
 * @example decodeAccessToken(token).grantNames.includes('voice' satisfies GrantName)
 */
export type GrantName = GrantKey | (string & {});

/**
 * A grant `register` can require: a key of the token's `grants` claim, or the name of the SDK that
 * needs it (`conversations` is the `chat` grant, `sync` is `data_sync`), as {@link GRANT_NAMES}
 * lists them.
 *
 * @example manager.register(syncClient, { requires: 'sync' satisfies RequiredGrant });
 */
export type RequiredGrant = keyof typeof GRANT_NAMES;
