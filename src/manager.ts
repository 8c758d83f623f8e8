import {
  ClientRegistry,
  clientRejected,
  readRegisterOptions,
  type RegisterOptions,
  type TokenClient,
} from './clients';
import { EventEmitter } from './emitter';
import { AccessTokenError } from './errors';
import type { CurrentToken } from './heldToken';
import { hasMethods, invalidArgument, readOptions } from './input';
import { durationOption, resolveOptions, type AccessManagerOptions, type ResolvedOptions } from './options';
import type { RefreshFailure } from './provider';
import { Refresher } from './refresh';
import { alarmStepMs, createAlarm, type Alarm } from './schedule';
import type { AccessTokenSnapshot } from './snapshot';
import { tokenOnDemand, type GetTokenOptions } from './tokenOnDemand';
import { createTokenState } from './tokenState';
import type { AccessTokenGrants } from './token';

// The events name the manager itself, so they are declared here, beside it: options.ts never
// imports manager.ts.
/**
 * The events of {@link AccessManager} and the arguments their listeners receive.
 *
 * @example
 * manager.on('tokenAboutToExpire', (m) => fetchToken().then((t) => m.updateToken(t)).catch(() => {}));
 */
export interface AccessManagerEvents {
  /**
   * A new token was accepted (after validation, before the clients have it). The constructor's
   * token is announced a microtask after `new`, unless another event came first.
   */
  tokenUpdated: [manager: AccessManager];
  /** The token has `aboutToExpireMs` (three minutes) or less left; fires once per token. */
  tokenAboutToExpire: [manager: AccessManager];
  /**
   * twilio-common's name for `tokenAboutToExpire`; fires right after it, for the same token (a
   * token given to `updateToken` by a listener of either is taken once both have fired).
   */
  tokenWillExpire: [manager: AccessManager];
  /** The token has expired; fires once per token. */
  tokenExpired: [manager: AccessManager];
  /**
   * A token was refused: by the manager (the previous token, its timers and its clients are
   * untouched), or by a registered SDK's server (`client-rejected`, with `facts.sdkCode`; with a
   * `tokenProvider` a refresh with reason `'rejected'` follows). Or the token provider said the
   * user's session is over (reason `'session-ended'`): refreshing stopped until `refresh()` or a
   * new token, and the token held is kept until its `exp`.
   */
  tokenError: [error: AccessTokenError, manager: AccessManager];
  /**
   * twilio-common's name for `tokenError`; fires right after it, with the same error (after the
   * `tokenUpdated` of a token a `tokenError` listener gives at once). Unlike a Node
   * `EventEmitter`'s `'error'`, it throws nothing when no listener is added.
   */
  error: [error: AccessTokenError, manager: AccessManager];
  /**
   * A client did not take a token: it threw, rejected, hung, or lacks a required grant. `client` is
   * the object the app registered, or for an adapter the app's own SDK object (its `sdkClient`).
   */
  clientError: [error: AccessTokenError, client: TokenClient];
  /** A refresh attempt failed (the provider failed, or its token was refused); another follows. */
  refreshFailed: [error: AccessTokenError, failure: RefreshFailure];
}

/** The name of an {@link AccessManager} event. */
export type AccessManagerEventName = keyof AccessManagerEvents;

/**
 * How much longer than its warning's lead the current token may have left, in server time, for an
 * SDK's word about its expiry to be taken as about it. A word that finds more life left is about a
 * token already replaced, however late it comes: Voice's Device keeps the tokenWillExpire timer of
 * its previous token after updateToken, and a socket's warning can queue behind the update that
 * carried the new token. A minute covers the skew the manager reads from iat (whole seconds, plus
 * the network) and a server clock off by less than that; a server further off refuses the token,
 * and a refusal is not judged by time.
 */
const SERVER_WORD_MARGIN_MS = 60_000;

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
  /** The options, read and with their defaults (see options.ts). */
  readonly #settings: ResolvedOptions;
  readonly #alarm: Alarm;
  readonly #stopWaking: () => void;
  readonly #refresher: Refresher;
  /** The held token, its moments, the session, the last error, and the snapshot: see tokenState.ts. */
  readonly #state = createTokenState();

  /**
   * Where the token stands now, as an immutable {@link AccessTokenSnapshot}: the same object
   * until one of its fields changes (so `useSyncExternalStore` and selector libraries can compare
   * it by identity). Bound to the manager: pass it around as is.
   *
   * @returns the snapshot; `status` says where the token stands (see `AccessTokenStatus`).
   * @example
   * const { status, identity, expires } = manager.getSnapshot();
   */
  readonly getSnapshot = (): AccessTokenSnapshot => this.#state.snapshot;

  /**
   * Calls `run` with the snapshot at once, then after each change of it (never twice with the
   * same snapshot): the Svelte store contract, so `$manager` works in a Svelte component, and
   * `useSyncExternalStore(manager.subscribe, manager.getSnapshot)` in React. Bound to the
   * manager. After `destroy()`, `run` gets the last snapshot (status `'error'`, reason
   * `'destroyed'`) and nothing more.
   *
   * @param run - called with each new snapshot.
   * @returns the function that unsubscribes; safe to call inside `run`, twice, or after `destroy()`.
   * @example
   * const unsubscribe = manager.subscribe(({ status, identity }) => render(status, identity));
   */
  readonly subscribe = (run: (snapshot: AccessTokenSnapshot) => void): (() => void) =>
    this.#state.subscribe(run);

  #latestPush: Promise<void> = Promise.resolve();
  /** Set while the expiry warning's listeners run; see {@link AccessManager.updateToken}. */
  #warning = false;
  /** Tokens given by the warning's listeners, accepted once the warning has fired. */
  readonly #afterWarning: ((signedOut?: AccessTokenError) => void)[] = [];

  /**
   * @param token - the first token, if the app has one. How it went is announced a microtask after
   *   the constructor returns, so listeners added right away hear it: a good one as `tokenUpdated`
   *   (as twilio-common did; not when another event came first, such as a newer token's
   *   `tokenUpdated` or a refused token's `tokenError`), a bad one as `tokenError`.
   * @param options - see {@link AccessManagerOptions}.
   * @throws {@link AccessTokenError} `invalid-argument` for an option of the wrong type.
   */
  constructor(token?: string | null, options: AccessManagerOptions = {}) {
    super();
    options = readOptions('options', options, ['retry']); // read once: nothing below can throw untyped
    const settings = (this.#settings = resolveOptions(options));
    this.#alarm = createAlarm(this.#settings.clock, alarmStepMs(this.#settings.aboutToExpireMs), () =>
      this.#check(false),
    );
    this.#refresher = new Refresher(
      {
        held: () => this.#state.held,
        claimRefresh: (held, refusedAtMs) => this.#state.claimRefresh(held, refusedAtMs),
        updateToken: (next) => this.updateToken(next),
        reportFailure: (error, failure) => {
          this.#state.fail(error);
          this.emit('refreshFailed', error, failure);
        },
        reportEnd: (error) => {
          this.#state.end(error);
          this.#emitTokenError(error);
          if (error.reason === 'session-ended') this.#refresher.ended(false, error.facts.status);
        },
        endSession: (signedOut, status) => this.#endSession(signedOut, status),
      },
      settings,
    );
    // Last: nothing above may leave a wake listener behind when it throws.
    this.#stopWaking = this.#settings.clock.onWake(() => this.check());
    let accepted = false;
    if (token !== undefined && token !== null) {
      try {
        const first = this.#accept(token);
        accepted = true;
        // twilio-common announced the first token a tick after `new`, and its apps wait for that.
        // Not after any other event (a newer token, or a refusal it would seem to clear), nor once
        // the token is forgotten (signOut()).
        const emitted = this.emittedCount;
        void Promise.resolve().then(
          () =>
            this.emittedCount === emitted && this.#state.held === first && this.emit('tokenUpdated', this),
        );
      } catch (error) {
        // Recorded now, so the snapshot starts with it (a getToken() asked at once waits it out,
        // and a token given at once clears it); reported a microtask later.
        this.#state.fail(error as AccessTokenError);
        void Promise.resolve().then(() => this.#emitTokenError(error as AccessTokenError, true));
      }
    }
    // Asked after the constructor returns, so listeners added right away hear how it went; not
    // after destroy() or signOut() (which stops every automatic refresh).
    if (!accepted && this.#refresher.hasProvider) {
      void Promise.resolve().then(() => {
        if (!this.#state.destroyed && !this.#state.sessionEnded) this.#refresher.start('initial');
      });
    }
  }

  /** The current token, or `null` before the first one. */
  get token(): string | null {
    return this.#state.held?.token ?? null;
  }

  /** The current token's identity (`grants.identity`), or `null`. */
  get identity(): string | null {
    return this.#state.held?.decoded.identity ?? null;
  }

  /** When the current token expires, or `null` before the first one. */
  get expires(): Date | null {
    return this.#state.held?.decoded.expires ?? null;
  }

  /** `true` from the moment the current token expires; read from the clock, so it is right after a sleep. */
  get isExpired(): boolean {
    const held = this.#state.held;
    return held !== null && this.#settings.clock.now() >= held.expiresAtMs;
  }

  /**
   * `true` from the moment `tokenAboutToExpire` is due for the current token (`aboutToExpireMs`
   * before exp, in server time), until a new one is accepted; read from the clock. Lets a listener
   * added late (a React provider mounting) know what it missed.
   *
   * @example
   * if (manager.isAboutToExpire) showBanner('Reconnecting soon…');
   */
  get isAboutToExpire(): boolean {
    const held = this.#state.held;
    return held !== null && this.#settings.clock.now() >= held.aboutToExpireAtMs;
  }

  /** The current token's grants, or `null`. */
  get grants(): AccessTokenGrants | null {
    return this.#state.held?.decoded.payload.grants ?? null;
  }

  /** The Account SID (`sub`) of the current token, or `null`. */
  get accountSid(): string | null {
    return this.#state.held?.decoded.accountSid ?? null;
  }

  /** The API key SID (`iss`) of the current token, or `null`. */
  get apiKeySid(): string | null {
    return this.#state.held?.decoded.apiKeySid ?? null;
  }

  /**
   * Validates `token`, then makes it the current one: re-arms the expiry events, emits
   * `tokenUpdated`, and hands it to every registered client. The same token again does nothing.
   *
   * @param token - the new JWT string.
   * @returns the manager, once every client has taken the token, failed, or timed out.
   * @throws {@link AccessTokenError} (as a rejection, also emitted as `tokenError`) when the token is
   *   refused; the previous token stays in force. Besides an invalid or expired token, that is one
   *   for another account or identity, or a `stale` one: issued before the current token and
   *   expiring no later, both by the local clock (each token's server skew taken out), so a token
   *   from a server whose clock runs ahead never makes later tokens from correct servers stale.
   * Called by a listener of `tokenAboutToExpire` or `tokenWillExpire`, the token is taken once both
   * have fired (they are one moment of one token; refused `signed-out` if one of them signs out);
   * anywhere else it is taken or refused before this returns.
   * @example
   * await manager.updateToken(await fetchToken());
   */
  updateToken(token: string): Promise<AccessManager> {
    // tokenAboutToExpire and tokenWillExpire are one moment of one token: a token given by one of
    // their listeners is taken once both have fired, so neither warns about a token replaced
    // between the two. Everywhere else acceptance is synchronous (the refresher relies on it).
    if (this.#warning) {
      return new Promise((resolve, reject) => {
        this.#afterWarning.push((signedOut) =>
          signedOut ? reject(signedOut) : this.#update(token).then(resolve, reject),
        );
      });
    }
    return this.#update(token);
  }

  /** {@link AccessManager.updateToken}, outside the warning: accepts or refuses before its first await. */
  async #update(token: string): Promise<AccessManager> {
    if (this.#state.destroyed) throw new AccessTokenError('destroyed');
    if (token === this.#state.held?.token) return this;
    let current: CurrentToken;
    try {
      current = this.#accept(token);
    } catch (error) {
      this.#emitTokenError(error as AccessTokenError);
      throw error;
    }
    // Clients registered by a tokenUpdated listener were created with this token: skip them.
    const recipients = this.#clients.recipients();
    // A subscriber that replaced it as it was taken announced its own token, or signed out.
    if (this.#holds(current)) this.emit('tokenUpdated', this);
    if (this.#holds(current)) {
      const pushed = this.#clients.push(recipients, {
        token,
        decoded: current.decoded,
        clock: this.#settings.clock,
        timeoutMs: this.#settings.clientTimeoutMs,
        onError: (error, sdkClient) => this.emit('clientError', error, sdkClient),
        isCurrent: () => this.#state.held === current,
      });
      // A clientError listener may have pushed a newer token meanwhile: keep that as the latest.
      if (this.#state.held === current) this.#latestPush = pushed;
      else await pushed;
    }
    // When a listener accepted a newer token meanwhile, this resolves once that one is delivered.
    await this.#latestPush;
    return this;
  }

  /**
   * Asks the token provider for a new token now, or joins the refresh already under way. Failed
   * attempts are retried with backoff (each one emits `refreshFailed`). After the provider said
   * the session is over (`session-ended`), this is what starts refreshing again: call it once the
   * user has signed in.
   *
   * @returns the accepted token, once every client has taken it.
   * @throws {@link AccessTokenError} `no-token-provider` without a `tokenProvider` option,
   *   `destroyed` when the manager is destroyed first, or what ended the refresh for good
   *   (`session-ended`, `endpoint-no-origin`), which is also emitted as `tokenError`.
   * @example
   * button.onclick = () => manager.refresh();
   */
  async refresh(): Promise<string> {
    if (this.#state.destroyed) throw new AccessTokenError('destroyed');
    const token = await this.#refresher.run('manual');
    await this.#latestPush; // resolves once the clients have taken it
    return token;
  }

  /**
   * A token valid for at least `minValidityMs` more (in server time): the one held if it is,
   * else the next one. With a `tokenProvider`, a shorter token is refreshed now (one flight,
   * shared with every other trigger and every other caller); without one, it waits for the app's
   * `updateToken`. For what needs a token that lasts, such as Video's `connect(token)` or a
   * `fetch` with an `Authorization` header.
   *
   * @param options - `minValidityMs` (default: `aboutToExpireMs`, so a token outside the warning
   *   window), `timeoutMs` (default 30 000), `signal`; see {@link GetTokenOptions}.
   * @returns the token.
   * @throws {@link AccessTokenError}: the provider's error when an attempt fails (the refresh
   *   goes on retrying in the background), `session-ended` or `signed-out` when the session ends
   *   meanwhile, `token-too-short` when even a fresh token lives less than asked,
   *   `token-timeout`, `destroyed`, or `invalid-argument` for a bad option; `signal.reason` when
   *   `signal` aborts.
   * @example
   * const room = await connect(await manager.getToken({ minValidityMs: 60_000 }), { name: 'demo' });
   */
  async getToken(options: GetTokenOptions = {}): Promise<string> {
    // async: a bad option or a destroyed manager is a rejection, as every other failure is.
    const { minValidityMs, timeoutMs, signal } = readOptions('options', options);
    if (signal !== undefined && !hasMethods(signal, ['addEventListener'])) {
      throw invalidArgument('options.signal', 'an AbortSignal', signal);
    }
    if (this.#state.destroyed) throw new AccessTokenError('destroyed');
    const host = {
      clock: this.#settings.clock,
      held: () => this.#state.held,
      subscribe: this.subscribe,
      refresh: () => (this.#refresher.hasProvider ? this.#refresher.run('manual') : null),
    };
    return tokenOnDemand(
      host,
      durationOption('minValidityMs', minValidityMs, this.#settings.aboutToExpireMs, 0),
      durationOption('timeoutMs', timeoutMs, 30_000, 1),
      signal,
    );
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
    if (this.#state.destroyed) throw new AccessTokenError('destroyed');
    if (!hasMethods(client, ['updateToken'])) {
      throw invalidArgument('client', 'an object with an updateToken(token) method', client);
    }
    this.#clients.add(client, readRegisterOptions(options, client), (name) => {
      // A host outlives its registration only as a no-op. Its SDK's clock rules only for a token
      // it holds: one it was never handed (a missing grant, a failed push) says nothing about the
      // current token.
      const holdsCurrent = (): boolean => {
        const registration = this.#clients.get(client);
        return registration !== undefined && registration.failure === undefined;
      };
      return {
        aboutToExpire: () => holdsCurrent() && this.#serverSaid(false),
        expired: () => holdsCurrent() && this.#serverSaid(true),
        rejected: (cause) => this.#clientFailed(client, clientRejected(name, cause), true),
        pushFailed: (cause) => this.#clientFailed(client, clientRejected(name, cause)),
        unregister: () => this.unregister(client),
      };
    });
    return () => this.unregister(client);
  }

  /**
   * An SDK's server says the current token expires soon, or has: its clock rules, so the moments
   * come now, and with a provider the one refresh for this token starts (others asking join it).
   * Unless the current token has more life left than such a word allows (SERVER_WORD_MARGIN_MS):
   * then the word is about a token already replaced.
   */
  #serverSaid(expired: boolean): void {
    const leadMs = (expired ? 0 : this.#settings.aboutToExpireMs) + SERVER_WORD_MARGIN_MS;
    if (this.#state.serverSaid(expired, this.#settings.clock.now(), leadMs)) this.#check(false);
  }

  /**
   * A client failed to take the newest token after its push ended (`pushFailed`: a clientError),
   * or its SDK's server `refused` the token it holds. A client never handed the current token (it
   * lacks a grant) speaks of an older one; else one report per client and token (a refused push
   * reported already is that refusal), then for a refusal with a provider a new token, in the one
   * refresh.
   */
  #clientFailed(client: TokenClient, error: AccessTokenError, refused?: boolean): void {
    const current = this.#state.held;
    const registration = this.#clients.get(client);
    const reported = registration?.failure?.reason;
    if (!registration || current === null || reported === 'client-missing-grant') return;
    if (!refused || reported !== 'client-rejected') {
      registration.failure = error;
      if (refused) this.#emitTokenError(error);
      else this.emit('clientError', error, registration.reportAs);
    }
    // A tokenError listener may have replaced the token or destroyed the manager: refuse() asks
    // the state (claimRefresh), which then starts nothing.
    if (refused) this.#refresher.refuse(current);
  }

  /**
   * The user signed out: the manager forgets its token (the snapshot's `status` becomes
   * `'sessionEnded'`, `token` `null`), stops every automatic refresh and aborts the one in flight
   * (a pending `refresh()` rejects with `signed-out`). With `shareAcrossTabs`, every tab of the key
   * does the same. The registered clients keep what they hold: shut them down yourself. Once the
   * user has signed in again, `refresh()` or `updateToken(token)` starts over (a token for another
   * identity is taken too). Calling it twice, or after `destroy()`, does nothing more.
   *
   * @example
   * async function logOut() {
   *   manager.signOut(); // every tab of the key stops refreshing
   *   await conversationsClient.shutdown(); // the SDK clients are the app's to close
   * }
   */
  signOut(): void {
    if (this.#state.destroyed) return;
    this.#endSession(true);
    this.#refresher.ended(true);
  }

  /**
   * The session ended: here by `signOut()` (`signedOut`), or in another tab (signed out, or its
   * provider said `session-ended`, reported here once as `tokenError`).
   */
  #endSession(signedOut: boolean, status?: number): void {
    if (signedOut) {
      // A token given by a listener of the warning before it signed out is forgotten too.
      for (const update of this.#afterWarning.splice(0)) update(new AccessTokenError('signed-out'));
      this.#alarm.clear();
      this.#refresher.cancel(new AccessTokenError('signed-out'));
      this.#state.signOut(); // last: a subscriber told of it may sign in again at once
    } else if (!this.#state.sessionEnded) {
      const error = new AccessTokenError('session-ended', status === undefined ? {} : { status });
      this.#state.end(error);
      this.#refresher.cancel(error);
      this.#emitTokenError(error);
    }
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
    this.#refresher.wake();
    this.#check(true);
  }

  /** Fires what is due and arms the alarm for what is next; `waking` names the refresh reason. */
  #check(waking: boolean): void {
    const current = this.#state.held;
    // Called again from a listener of the warning, it leaves the rest to the call that fires it,
    // which goes on once both warnings have fired.
    if (this.#state.destroyed || current === null || this.#warning) return;
    const nowMs = this.#settings.clock.now();
    // A subscriber told of the moment, or a listener of it, may have replaced the token, signed
    // out or destroyed the manager: that re-armed (or cleared) everything, and the moment is moot.
    if (this.#state.fire(current, nowMs, false)) {
      if (this.#holds(current)) this.#warn();
      if (!this.#holds(current)) return;
    }
    if (this.#state.fire(current, nowMs, true)) {
      if (this.#holds(current)) this.emit('tokenExpired', this);
      if (!this.#holds(current)) return;
    }
    const refreshAtMs = this.#refresher.tick(current, nowMs, waking);
    // The provider runs synchronously up to its first await, and may have destroyed the manager.
    if (this.#state.held !== current || this.#state.destroyed) return;
    this.#alarm.set(
      Math.min(
        current.warned ? Infinity : current.aboutToExpireAtMs,
        current.expiredFired ? Infinity : current.expiresAtMs,
        refreshAtMs,
      ),
    );
  }

  /** Emits `tokenAboutToExpire` then `tokenWillExpire`, then takes any token their listeners gave. */
  #warn(): void {
    this.#warning = true;
    try {
      this.emit('tokenAboutToExpire', this);
      this.emit('tokenWillExpire', this);
    } finally {
      this.#warning = false;
    }
    for (const update of this.#afterWarning.splice(0)) update();
  }

  /**
   * Clears every timer and listener the manager made and unregisters every client. No event fires
   * again, and a later `updateToken` rejects with `destroyed`. Calling it twice does nothing.
   */
  destroy(): void {
    if (this.#state.destroyed) return;
    this.#state.destroy();
    this.#alarm.clear();
    this.#stopWaking();
    this.#refresher.stop();
    this.#clients.clear();
    this.closeEvents();
  }

  /** Validates `token` against the current one and makes it current. Throws on a refused token. */
  #accept(token: string): CurrentToken {
    const current = this.#state.accept(token, this.#settings.clock.now(), this.#settings.aboutToExpireMs);
    // Armed, not fired: even a token that is already due warns asynchronously. Not when a
    // subscriber replaced the token, signed out or destroyed the manager as it was taken.
    if (this.#holds(current)) {
      this.#alarm.set(Math.min(current.aboutToExpireAtMs, this.#refresher.dueAtMs(current)));
    }
    return current;
  }

  /** Whether `current` is still the token held by a live manager (a listener may have acted). */
  #holds(current: CurrentToken): boolean {
    return this.#state.held === current && !this.#state.destroyed;
  }

  /**
   * Records `error` as the last one (unless `recorded` already), then reports it as `tokenError`
   * and twilio-common's `'error'`.
   */
  #emitTokenError(error: AccessTokenError, recorded?: boolean): void {
    if (!recorded) this.#state.fail(error);
    this.emit('tokenError', error, this);
    this.emit('error', error, this);
  }
}
