import { browserClock, type Clock } from './clock';
import { ClientRegistry, type RegisterOptions, type TokenClient } from './clients';
import { EventEmitter } from './emitter';
import { AccessTokenError, attachFindings } from './errors';
import { KeepAlive, MIN_REFRESH_LEAD_MS, type HeldToken } from './keepAlive';
import { resolveOptions, type AccessManagerEvents, type AccessManagerOptions } from './options';
import { Alarm, expiryDeadlines } from './schedule';
import {
  checkAccessTokenTimes,
  decodeWithoutFindings,
  describeInput,
  type AccessTokenGrants,
  type DecodedAccessToken,
} from './token';

/** Everything the manager knows about the token it holds. */
interface CurrentToken extends HeldToken {
  aboutToExpireAtMs: number;
  aboutToExpireFired: boolean;
  expiredFired: boolean;
  refreshStarted: boolean;
}

/**
 * Holds one Twilio access token for every SDK on the page: validates it, warns before it expires,
 * and hands each new token to every registered client.
 *
 * @example
 * const manager = new AccessManager(await fetchToken());
 * manager.register(conversationsClient, { requires: 'chat', name: 'conversations' });
 * manager.register(device, { requires: 'voice', name: 'voice' });
 * manager.on('tokenAboutToExpire', () => fetchToken().then((t) => manager.updateToken(t)).catch(() => {}));
 * manager.on('tokenError', (error) => console.warn(error.code, error.message)); // refusals land here
 */
export class AccessManager extends EventEmitter<AccessManagerEvents> {
  readonly #clients = new ClientRegistry();
  readonly #clock: Clock;
  readonly #aboutToExpireMs: number;
  readonly #clientTimeoutMs: number;
  readonly #alarm: Alarm;
  readonly #stopWaking: () => void;
  readonly #keepAlive: KeepAlive;
  #current: CurrentToken | null = null;
  #latestPush: Promise<void> = Promise.resolve();
  #destroyed = false;

  /**
   * @param token - the first token, if the app has one. A bad one is reported through
   *   `tokenError` after the constructor returns (listeners added right away hear it).
   * @param options - see {@link AccessManagerOptions}.
   * @throws {@link AccessTokenError} `invalid-argument` for an option of the wrong type.
   */
  constructor(token?: string | null, options: AccessManagerOptions = {}) {
    super();
    const { aboutToExpireMs, clientTimeoutMs, baseDelayMs, maxDelayMs, refreshTimeoutMs } =
      resolveOptions(options);
    this.#aboutToExpireMs = aboutToExpireMs;
    this.#clientTimeoutMs = clientTimeoutMs;
    this.#clock = options.clock ?? browserClock;
    this.#alarm = new Alarm(this.#clock, () => this.#check(false));
    this.#stopWaking = this.#clock.onWake(() => this.check());
    this.#keepAlive = new KeepAlive(
      {
        held: () => this.#current,
        updateToken: (next) => this.updateToken(next),
        reportFailure: (error, failure) => this.emit('refreshFailed', error, failure),
      },
      {
        clock: this.#clock,
        provider: options.tokenProvider,
        shareAcrossTabs: options.shareAcrossTabs,
        baseDelayMs,
        maxDelayMs,
        pauseWhenHidden: options.pauseWhenHidden === true,
        attemptTimeoutMs: refreshTimeoutMs,
      },
    );
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
    if (!accepted && this.#keepAlive.hasProvider) {
      void Promise.resolve().then(() => this.#keepAlive.start('initial'));
    }
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
    // Clients registered by a tokenUpdated listener were created with this token: skip them.
    const recipients = this.#clients.recipients();
    this.emit('tokenUpdated', this);
    if (this.#current === current) {
      const pushed = this.#clients.push(recipients, {
        token,
        decoded: current.decoded,
        clock: this.#clock,
        timeoutMs: this.#clientTimeoutMs,
        onError: (error, client) => this.emit('clientError', error, client),
        isCurrent: () => this.#current === current,
      });
      // A clientError listener may have pushed a newer token meanwhile: keep that as the latest.
      if (this.#current === current) this.#latestPush = pushed;
      else await pushed;
    }
    // When a listener accepted a newer token meanwhile, this resolves once that one is delivered.
    await this.#latestPush;
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
    this.#keepAlive.wake(); // "now": a refresh waiting to retry retries at once
    const token = await this.#keepAlive.run('manual');
    await this.#latestPush; // resolves once the clients have taken it
    return token;
  }

  /**
   * Adds an SDK client that gets every new token through its own `updateToken`. It is not handed
   * the current token now: it was created with it.
   *
   * @param client - a Conversations or Sync client, a Voice `Device`, or any `{ updateToken }`.
   * @param options - `requires`: grants it needs (a grant key, or `conversations` / `sync`);
   *   `name`: its name in errors. Both default to what the client presets (an adapter does).
   * @returns the function that unregisters it. Registering the same client twice does nothing.
   * @throws {@link AccessTokenError} `invalid-argument` for a client without `updateToken` or an
   *   unknown grant name.
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
    this.#clients.add(client, options, (name) => {
      const refused = (cause: unknown) =>
        new AccessTokenError('client-rejected', { client: name }, { cause });
      return {
        aboutToExpire: () => this.#serverSaid(false),
        expired: () => this.#serverSaid(true),
        rejected: (cause) => this.#emitTokenError(refused(cause)),
        pushFailed: (cause) => this.emit('clientError', refused(cause), client),
        unregister: () => this.unregister(client),
      };
    });
    return () => this.unregister(client);
  }

  /**
   * An SDK's server says the current token expires soon, or has: its clock rules, so the moments
   * come now, and with a provider the one refresh for this token starts (others asking join it).
   */
  #serverSaid(expired: boolean): void {
    const current = this.#current;
    if (current === null) return;
    const nowMs = this.#clock.now();
    current.aboutToExpireAtMs = Math.min(current.aboutToExpireAtMs, nowMs);
    current.refreshAtMs = Math.min(current.refreshAtMs, nowMs);
    if (expired) current.expiresAtMs = Math.min(current.expiresAtMs, nowMs);
    this.#check(false);
  }

  /** Stops handing tokens to `client`. Unregistering one that is not registered does nothing. */
  unregister(client: TokenClient): void {
    this.#clients.delete(client);
  }

  /**
   * Re-reads the wall clock and fires, in order and once each, every event whose moment has
   * passed; with a provider, a token found expired or nearly so is refreshed at once (reason
   * `'wake'`) and a refresh waiting to retry retries now. The manager calls it itself when the
   * page wakes (`visibilitychange`, `focus`, `pageshow`, `online`); call it after anything else
   * that may have frozen time.
   * @example document.addEventListener('resume', () => manager.check());
   */
  check(): void {
    this.#keepAlive.wake();
    this.#check(true);
  }

  /** Fires what is due and arms the alarm for what is next; `waking` names the refresh reason. */
  #check(waking: boolean): void {
    const current = this.#current;
    if (this.#destroyed || current === null) return;
    const nowMs = this.#clock.now();
    if (!current.aboutToExpireFired && nowMs >= current.aboutToExpireAtMs) {
      current.aboutToExpireFired = true;
      this.emit('tokenAboutToExpire', this);
      this.emit('tokenWillExpire', this);
      // A listener may have replaced the token or destroyed the manager: that re-armed everything.
      if (this.#current !== current || this.#destroyed) return;
    }
    if (!current.expiredFired && nowMs >= current.expiresAtMs) {
      current.expiredFired = true;
      this.emit('tokenExpired', this);
      if (this.#current !== current || this.#destroyed) return;
    }
    const { hasProvider } = this.#keepAlive;
    if (hasProvider && !current.refreshStarted && nowMs >= current.refreshAtMs) {
      current.refreshStarted = true;
      this.#keepAlive.start(waking ? 'wake' : nowMs >= current.expiresAtMs ? 'expired' : 'about-to-expire');
    }
    this.#alarm.set(
      Math.min(
        current.aboutToExpireFired ? Infinity : current.aboutToExpireAtMs,
        current.expiredFired ? Infinity : current.expiresAtMs,
        current.refreshStarted || !hasProvider ? Infinity : current.refreshAtMs,
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
    this.#keepAlive.stop();
    this.#clients.clear();
    this.closeEvents();
  }

  /** Validates `token` against the current one and makes it current. Throws on a refused token. */
  #accept(token: string): CurrentToken {
    const nowMs = this.#clock.now();
    let decoded: DecodedAccessToken;
    let skewMs: number;
    try {
      decoded = decodeWithoutFindings(token, { nowMs: false });
      skewMs = checkAccessTokenTimes(decoded, nowMs);
    } catch (error) {
      // With access-manager/inspect loaded, the error lists every finding, judged by this clock.
      throw attachFindings(error, token, nowMs);
    }
    const previous = this.#current?.decoded;
    if (previous) {
      if (decoded.accountSid !== previous.accountSid) throw new AccessTokenError('account-changed');
      if (decoded.identity !== previous.identity) throw new AccessTokenError('identity-changed');
      const issuedAtMs = decoded.issuedAt?.getTime();
      if (issuedAtMs !== undefined && issuedAtMs < (previous.issuedAt?.getTime() ?? -Infinity)) {
        throw new AccessTokenError('stale', { atMs: issuedAtMs });
      }
    }
    const deadlines = expiryDeadlines(decoded.expires.getTime(), skewMs, this.#aboutToExpireMs);
    // The provider is asked at the warning, and never less than a minute before exp, so the app
    // does not see tokenExpired while it works, whatever aboutToExpireMs is. But a token that
    // lives less than that would be refreshed at once, forever: then wait half of what is left.
    const refreshLeadMs = Math.max(this.#aboutToExpireMs, MIN_REFRESH_LEAD_MS);
    const refreshAtMs = Math.max(
      deadlines.expiresAtMs - refreshLeadMs,
      nowMs + (deadlines.expiresAtMs - nowMs) / 2,
    );
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

  #emitTokenError(error: AccessTokenError): void {
    this.emit('tokenError', error, this);
  }
}
