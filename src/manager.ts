import { browserClock, type Clock } from './clock';
import { ClientRegistry, type RegisterOptions, type TokenClient } from './clients';
import { Emitter } from './emitter';
import { AccessTokenError } from './errors';
import {
  RefreshLoop,
  type RefreshFailure,
  type RefreshReason,
  type RetryOptions,
  type TokenProvider,
} from './refresh';
import { Alarm, expiryDeadlines } from './schedule';
import { TabChannel } from './tabs';
import {
  checkAccessTokenTimes,
  decodeAccessToken,
  describeInput,
  type AccessTokenGrants,
  type DecodedAccessToken,
} from './token';

/** Options of {@link AccessManager}. */
export interface AccessManagerOptions {
  /**
   * How long before the token expires `tokenAboutToExpire` fires, in milliseconds.
   * @default 180_000 (three minutes, as the Twilio SDKs do)
   */
  aboutToExpireMs?: number;
  /**
   * How long a client's `updateToken` may take before it is reported as a `clientError`
   * (`client-timeout`), in milliseconds. The other clients never wait for it.
   * @default 10_000
   */
  clientTimeoutMs?: number;
  /**
   * Where time, timers and wake signals come from. Tests pass a fake one.
   * @default browserClock
   */
  clock?: Clock;
  /**
   * The app's function that fetches a new token. With it, the manager keeps itself alive: it
   * fetches at once when it has no token, again before each token expires, and after a wake,
   * retrying with backoff until it succeeds.
   * @example tokenProvider: async ({ signal }) => (await (await fetch('/token', { signal })).json()).token
   */
  tokenProvider?: TokenProvider;
  /**
   * How failed refreshes are retried.
   * @default { baseDelayMs: 1_000, maxDelayMs: 30_000 }
   */
  retry?: RetryOptions;
  /**
   * A key that groups managers in the open tabs of this origin: one tab fetches each new token
   * and the others adopt it. Make it differ per signed-in user, e.g. `'my-app:' + userId`.
   * Where the browser lacks Web Locks or BroadcastChannel, each tab fetches its own.
   */
  shareAcrossTabs?: string;
  /**
   * Wait while the page is hidden instead of refreshing in a background tab. Leave it off when a
   * hidden tab must stay reachable (incoming Voice calls need a live registration).
   * @default false
   */
  pauseWhenHidden?: boolean;
}

/**
 * The events of {@link AccessManager} and the arguments their listeners receive.
 *
 * @example
 * manager.on('tokenAboutToExpire', async (manager) => manager.updateToken(await fetchToken()));
 */
export interface AccessManagerEvents {
  /** A new token was accepted (after validation, before the clients have it). */
  tokenUpdated: [manager: AccessManager];
  /** The token has `aboutToExpireMs` (three minutes) or less left; fires once per token. */
  tokenAboutToExpire: [manager: AccessManager];
  /** twilio-common's name for `tokenAboutToExpire`; fires at the same moment. */
  tokenWillExpire: [manager: AccessManager];
  /** The token has expired; fires once per token. */
  tokenExpired: [manager: AccessManager];
  /** A token was refused. The previous token, its timers and its clients are untouched. */
  tokenError: [error: AccessTokenError, manager: AccessManager];
  /** A client did not take a token: it threw, rejected, hung, or lacks a required grant. */
  clientError: [error: AccessTokenError, client: TokenClient];
  /** A refresh attempt failed (the provider failed, or its token was refused); another follows. */
  refreshFailed: [error: AccessTokenError, failure: RefreshFailure];
}

/** The name of an {@link AccessManager} event. */
export type AccessManagerEventName = keyof AccessManagerEvents;

/** Everything the manager knows about the token it holds. */
interface CurrentToken {
  token: string;
  decoded: DecodedAccessToken;
  aboutToExpireAtMs: number;
  expiresAtMs: number;
  /** When the provider is asked for the next token: the warning, or half-way for short tokens. */
  refreshAtMs: number;
  aboutToExpireFired: boolean;
  expiredFired: boolean;
  refreshStarted: boolean;
}

const DEFAULT_ABOUT_TO_EXPIRE_MS = 180_000;
const DEFAULT_CLIENT_TIMEOUT_MS = 10_000;
// How long a new tab waits for another tab to hand it a token before it fetches its own.
const PEER_ANSWER_MS = 200;
const ignore = (): void => {};

function durationOption(name: string, value: number | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !(value >= 0) || !Number.isFinite(value)) {
    throw new AccessTokenError('invalid-argument', {
      field: `options.${name}`,
      expected: 'a finite number of milliseconds, 0 or more',
      received: typeof value === 'number' ? String(value) : describeInput(value),
    });
  }
  return value;
}

/**
 * Holds one Twilio access token for every SDK on the page: validates it, warns before it expires,
 * and hands each new token to every registered client.
 *
 * @example
 * const manager = new AccessManager(await fetchToken());
 * manager.register(conversationsClient, { requires: 'chat', name: 'conversations' });
 * manager.register(device, { requires: 'voice', name: 'voice' });
 * manager.on('tokenAboutToExpire', async () => manager.updateToken(await fetchToken()));
 * manager.on('tokenError', (error) => console.warn(error.code, error.message));
 */
export class AccessManager {
  readonly #events = new Emitter<AccessManagerEvents>();
  readonly #clients = new ClientRegistry();
  readonly #clock: Clock;
  readonly #aboutToExpireMs: number;
  readonly #clientTimeoutMs: number;
  readonly #alarm: Alarm;
  readonly #stopWaking: () => void;
  readonly #provider: TokenProvider | undefined;
  readonly #refresher: RefreshLoop | undefined;
  readonly #tabs: TabChannel | null = null;
  #current: CurrentToken | null = null;
  #destroyed = false;
  #waking = false;

  /**
   * @param token - the first token, if the app has one. A bad one is reported through
   *   `tokenError` after the constructor returns (listeners added right away hear it).
   * @param options - see {@link AccessManagerOptions}.
   * @throws {@link AccessTokenError} `invalid-argument` for an option of the wrong type.
   */
  constructor(token?: string | null, options: AccessManagerOptions = {}) {
    this.#aboutToExpireMs = durationOption(
      'aboutToExpireMs',
      options.aboutToExpireMs,
      DEFAULT_ABOUT_TO_EXPIRE_MS,
    );
    this.#clientTimeoutMs = durationOption(
      'clientTimeoutMs',
      options.clientTimeoutMs,
      DEFAULT_CLIENT_TIMEOUT_MS,
    );
    this.#clock = options.clock ?? browserClock;
    this.#alarm = new Alarm(this.#clock, () => this.check());
    this.#stopWaking = this.#clock.onWake(() => this.#wake());
    const { tokenProvider, retry = {}, shareAcrossTabs } = options;
    if (shareAcrossTabs !== undefined) {
      this.#tabs = TabChannel.open(
        shareAcrossTabs,
        (peerToken) => this.#adopt(peerToken),
        () => (this.isExpired ? null : this.token),
        this.#clock,
      );
    }
    if (tokenProvider) {
      this.#provider = tokenProvider;
      this.#refresher = new RefreshLoop({
        clock: this.#clock,
        attempt: (reason, signal) => this.#attemptRefresh(reason, signal),
        onFailure: (error, failure) => this.#emitRefreshFailed(error, failure),
        baseDelayMs: durationOption('retry.baseDelayMs', retry.baseDelayMs, 1_000),
        maxDelayMs: durationOption('retry.maxDelayMs', retry.maxDelayMs, 30_000),
        pauseWhenHidden: options.pauseWhenHidden === true,
      });
    }
    let accepted = false;
    if (token !== undefined && token !== null) {
      try {
        this.#accept(token);
        accepted = true;
      } catch (error) {
        void Promise.resolve().then(() => this.#emitTokenError(error as AccessTokenError));
      }
    }
    // Asked after the constructor returns, so listeners added right away hear how it went.
    if (!accepted && this.#refresher) void Promise.resolve().then(() => this.#startRefresh('initial'));
  }

  /** The current token, or `null` before the first one. */
  get token(): string | null {
    return this.#current?.token ?? null;
  }

  /** The current token's identity (`grants.identity`), or `null`. */
  get identity(): string | null {
    return this.#current?.decoded.identity ?? null;
  }

  /** When the current token expires, or `null` before the first one. */
  get expires(): Date | null {
    return this.#current?.decoded.expires ?? null;
  }

  /** `true` from the moment the current token expires; read from the clock, so it is right after a sleep. */
  get isExpired(): boolean {
    return this.#current !== null && this.#clock.now() >= this.#current.expiresAtMs;
  }

  /** The current token's grants, or `null`. */
  get grants(): AccessTokenGrants | null {
    return this.#current?.decoded.payload.grants ?? null;
  }

  /** The Account SID (`sub`) of the current token, or `null`. */
  get accountSid(): string | null {
    return this.#current?.decoded.accountSid ?? null;
  }

  /** The API key SID (`iss`) of the current token, or `null`. */
  get apiKeySid(): string | null {
    return this.#current?.decoded.apiKeySid ?? null;
  }

  /**
   * Validates `token`, then makes it the current one: re-arms the expiry events, emits
   * `tokenUpdated`, and hands it to every registered client. The same token again does nothing.
   *
   * @param token - the new JWT string.
   * @returns the manager, once every client has taken the token, failed, or timed out.
   * @throws {@link AccessTokenError} (as a rejection, also emitted as `tokenError`) when the token is
   *   refused; the previous token stays in force.
   * @example
   * await manager.updateToken(await fetchToken());
   */
  async updateToken(token: string): Promise<AccessManager> {
    if (this.#destroyed) throw new AccessTokenError('destroyed');
    if (token === this.#current?.token) return this;
    let current: CurrentToken;
    try {
      current = this.#accept(token);
    } catch (error) {
      this.#emitTokenError(error as AccessTokenError);
      throw error;
    }
    this.#events.emit('tokenUpdated', this);
    await this.#clients.push(
      current.token,
      current.decoded,
      this.#clock,
      this.#clientTimeoutMs,
      (error, client) => {
        if (!this.#destroyed) this.#events.emit('clientError', error, client);
      },
    );
    return this;
  }

  /**
   * Asks the token provider for a new token now, or joins the refresh already under way. Failed
   * attempts are retried with backoff (each one emits `refreshFailed`).
   *
   * @returns the accepted token, once every client has taken it.
   * @throws {@link AccessTokenError} `no-token-provider` without a `tokenProvider` option, or
   *   `destroyed` when the manager is destroyed first.
   * @example
   * button.onclick = () => manager.refresh();
   */
  async refresh(): Promise<string> {
    if (this.#destroyed) throw new AccessTokenError('destroyed');
    if (!this.#refresher) throw new AccessTokenError('no-token-provider');
    return this.#refresher.run('manual');
  }

  /**
   * Adds an SDK client that gets every new token through its own `updateToken`. It is not handed
   * the current token now: it was created with it.
   *
   * @param client - a Conversations or Sync client, a Voice `Device`, or any `{ updateToken }`.
   * @param options - `requires`: grants it needs; `name`: its name in errors.
   * @returns the function that unregisters it. Registering the same client twice does nothing.
   * @example
   * const unregister = manager.register(device, { requires: 'voice', name: 'voice' });
   */
  register(client: TokenClient, options: RegisterOptions = {}): () => void {
    if (this.#destroyed) throw new AccessTokenError('destroyed');
    if (typeof client?.updateToken !== 'function') {
      throw new AccessTokenError('invalid-argument', {
        field: 'client',
        expected: 'an object with an updateToken(token) method',
        received: describeInput(client),
      });
    }
    this.#clients.add(client, options);
    return () => this.unregister(client);
  }

  /** Stops handing tokens to `client`. Unregistering one that is not registered does nothing. */
  unregister(client: TokenClient): void {
    this.#clients.delete(client);
  }

  /**
   * Re-reads the wall clock and fires, in order and once each, every event whose moment has
   * passed. The manager calls it itself when a timer fires and when the page wakes; call it after
   * anything else that may have frozen time.
   */
  check(): void {
    const current = this.#current;
    if (this.#destroyed || current === null) return;
    const nowMs = this.#clock.now();
    if (!current.aboutToExpireFired && nowMs >= current.aboutToExpireAtMs) {
      current.aboutToExpireFired = true;
      this.#events.emit('tokenAboutToExpire', this);
      this.#events.emit('tokenWillExpire', this);
      // A listener may have replaced the token or destroyed the manager: that re-armed everything.
      if (this.#current !== current || this.#destroyed) return;
    }
    if (!current.expiredFired && nowMs >= current.expiresAtMs) {
      current.expiredFired = true;
      this.#events.emit('tokenExpired', this);
      if (this.#current !== current || this.#destroyed) return;
    }
    if (this.#refresher && !current.refreshStarted && nowMs >= current.refreshAtMs) {
      current.refreshStarted = true;
      this.#startRefresh(
        this.#waking ? 'wake' : nowMs >= current.expiresAtMs ? 'expired' : 'about-to-expire',
      );
    }
    this.#alarm.set(
      Math.min(
        current.aboutToExpireFired ? Infinity : current.aboutToExpireAtMs,
        current.expiredFired ? Infinity : current.expiresAtMs,
        current.refreshStarted || !this.#refresher ? Infinity : current.refreshAtMs,
      ),
    );
  }

  /**
   * Clears every timer and listener the manager made and unregisters every client. No event fires
   * again, and a later `updateToken` rejects with `destroyed`. Calling it twice does nothing.
   */
  destroy(): void {
    if (this.#destroyed) return;
    this.#destroyed = true;
    this.#alarm.clear();
    this.#stopWaking();
    this.#refresher?.stop();
    this.#tabs?.close();
    this.#clients.clear();
    this.#events.removeAllListeners();
  }

  /**
   * Adds a listener. Each listener runs isolated: one that throws is reported and the rest run.
   * @returns the manager, for chaining.
   * @example manager.on('tokenExpired', () => showSignInAgain());
   */
  on<E extends AccessManagerEventName>(
    event: E,
    listener: (...args: AccessManagerEvents[E]) => unknown,
  ): this {
    if (!this.#destroyed) this.#events.on(event, listener);
    return this;
  }

  /**
   * Adds a listener that is removed before its first call.
   * @returns the manager, for chaining.
   * @example manager.once('tokenUpdated', () => console.log('first refresh done'));
   */
  once<E extends AccessManagerEventName>(
    event: E,
    listener: (...args: AccessManagerEvents[E]) => unknown,
  ): this {
    if (!this.#destroyed) this.#events.on(event, listener, true);
    return this;
  }

  /**
   * Removes a listener added with `on` or `once`.
   * @returns the manager, for chaining.
   */
  off<E extends AccessManagerEventName>(
    event: E,
    listener: (...args: AccessManagerEvents[E]) => unknown,
  ): this {
    this.#events.off(event, listener);
    return this;
  }

  /**
   * The same as {@link AccessManager.off}.
   * @returns the manager, for chaining.
   */
  removeListener<E extends AccessManagerEventName>(
    event: E,
    listener: (...args: AccessManagerEvents[E]) => unknown,
  ): this {
    return this.off(event, listener);
  }

  /**
   * Removes every listener of `event`, or of every event when it is left out.
   * @returns the manager, for chaining.
   */
  removeAllListeners(event?: AccessManagerEventName): this {
    this.#events.removeAllListeners(event);
    return this;
  }

  /** The number of listeners of `event`. */
  listenerCount(event: AccessManagerEventName): number {
    return this.#events.listenerCount(event);
  }

  /** Validates `token` against the current one and makes it current. Throws on a refused token. */
  #accept(token: string): CurrentToken {
    const decoded = decodeAccessToken(token, { nowMs: false });
    const skewMs = checkAccessTokenTimes(decoded, this.#clock.now());
    const previous = this.#current?.decoded;
    if (previous) {
      if (decoded.accountSid !== previous.accountSid) throw new AccessTokenError('account-changed');
      if (decoded.identity !== previous.identity) throw new AccessTokenError('identity-changed');
      const issuedAtMs = decoded.issuedAt?.getTime();
      if (issuedAtMs !== undefined && issuedAtMs < (previous.issuedAt?.getTime() ?? -Infinity)) {
        throw new AccessTokenError('stale', { atMs: issuedAtMs });
      }
    }
    const nowMs = this.#clock.now();
    const deadlines = expiryDeadlines(decoded.expires.getTime(), skewMs, this.#aboutToExpireMs);
    // A token shorter-lived than the warning would be refreshed at once, forever: wait half its life.
    const refreshAtMs = Math.max(deadlines.aboutToExpireAtMs, nowMs + (deadlines.expiresAtMs - nowMs) / 2);
    const current: CurrentToken = {
      token,
      decoded,
      ...deadlines,
      refreshAtMs,
      aboutToExpireFired: false,
      expiredFired: false,
      refreshStarted: false,
    };
    this.#current = current;
    // Armed, not fired: even a token that is already due warns asynchronously.
    this.#alarm.set(Math.min(current.aboutToExpireAtMs, refreshAtMs));
    return current;
  }

  /** The page may have slept: retry a waiting refresh now, and fire what is due. */
  #wake(): void {
    this.#refresher?.wake();
    this.#waking = true;
    try {
      this.check();
    } finally {
      this.#waking = false;
    }
  }

  #startRefresh(reason: RefreshReason): void {
    // Failures are reported as refreshFailed and tokenError; the loop retries by itself.
    this.#refresher?.run(reason).catch(ignore);
  }

  /** One refresh attempt: fetch from the provider (in one tab only, when shared) and accept the token. */
  #attemptRefresh(reason: RefreshReason, signal: AbortSignal): Promise<string> {
    const before = this.#current;
    const attempt = async (): Promise<string> => {
      if (this.#current === null && this.#tabs) await this.#tabs.askPeers(PEER_ANSWER_MS);
      const current = this.#current;
      // Another tab (or the app) brought a fresh token while this one waited: nothing to fetch.
      if (current && !this.#isRefreshDue(current) && (reason !== 'manual' || current !== before)) {
        return current.token;
      }
      const token = await this.#provider!({ reason, signal });
      if (signal.aborted) throw new AccessTokenError('destroyed');
      await this.updateToken(token);
      if (this.#isRefreshDue(this.#current!)) throw new AccessTokenError('unchanged');
      this.#tabs?.publish(token);
      return token;
    };
    return this.#tabs ? this.#tabs.withLock(signal, attempt) : attempt();
  }

  #isRefreshDue(current: CurrentToken): boolean {
    return this.#clock.now() >= current.refreshAtMs;
  }

  /** Takes a token another tab sent, if it is newer than the one held; validated like any other. */
  #adopt(token: string): void {
    const heldIssuedAt = this.#current?.decoded.issuedAt?.getTime() ?? -Infinity;
    try {
      const issuedAt = decodeAccessToken(token, { nowMs: false }).issuedAt?.getTime() ?? Infinity;
      if (issuedAt <= heldIssuedAt) return;
    } catch {
      // Not even decodable: updateToken reports it as tokenError.
    }
    this.updateToken(token).catch(ignore);
  }

  #emitTokenError(error: AccessTokenError): void {
    if (!this.#destroyed) this.#events.emit('tokenError', error, this);
  }

  #emitRefreshFailed(error: unknown, failure: RefreshFailure): void {
    const reported =
      error instanceof AccessTokenError
        ? error
        : new AccessTokenError('provider-failed', {}, { cause: error });
    if (!this.#destroyed) this.#events.emit('refreshFailed', reported, failure);
  }
}
