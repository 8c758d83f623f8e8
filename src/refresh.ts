/**
 * The one owner of refreshing: *when* the provider is asked for a token's successor (the due
 * moment, once per token), and *how* (single flight, a time limit per attempt, retries with
 * backoff, waiting while offline, abort on destroy, and the tab-sharing plugin when given).
 * The manager keeps the token, its events and its clients; it tells this module the time
 * (`tick`) and hands over the tokens it fetched (`RefreshHost.updateToken`).
 */
import type { Clock } from './clock';
import { AccessTokenError } from './errors';
import {
  backoffDelayMs,
  retryDelayMs,
  type RefreshFailure,
  type RefreshReason,
  type RetryOptions,
  type TokenProvider,
} from './provider';
import { refreshLeadMs } from './schedule';
import { endsRefreshing } from './sessionEnded';
import type { SharedAttempt, SharedRefresh, SharedToken, TokenSharing } from './sharing';
import { wait, whenAborted } from './wait';

/** The token the manager holds, as the refresher reads it. */
export interface HeldToken extends SharedToken {
  /** When the manager accepted it, in local milliseconds since the epoch. */
  acceptedAtMs: number;
  /**
   * When an SDK's server said it is about to expire (or has), if one did: its clock rules, so the
   * refresh is due from then on whatever the local moment (see `TokenClientHost`). Also set on
   * arrival when the token server's learned clock found it due (see serverSkew.ts).
   */
  serverSaidDueAtMs?: number;
}

/** What the refresher needs from the manager. */
export interface RefreshHost {
  /** The token held now, or `null`. */
  held(): HeldToken | null;
  /**
   * Starts the one automatic refresh of `held` (refused by an SDK's server at `refusedAtMs`, if
   * given: due from then on).
   * @returns `false` when it is no longer held, its refresh started already, or automatic
   *   refreshing is off (the session ended, or the user signed out).
   */
  claimRefresh(held: HeldToken, refusedAtMs?: number): boolean;
  /**
   * Validates `token` and makes it current, then hands it to the clients.
   *
   * Ordering relied on (by `#fetch` and `#adopt` below): acceptance or refusal happens
   * synchronously, before the returned promise's first `await`, so `held()` read right after the
   * call tells whether the token was taken. The one exception, a call made by a listener of the
   * expiry warning (accepted once that moment ends), cannot come from here: a refresh calls it
   * only after awaiting its provider, and a tab only from a channel message, both outside any emit.
   */
  updateToken(token: string): Promise<unknown>;
  /** Told about each failed attempt; the manager emits `refreshFailed`. */
  reportFailure(error: AccessTokenError, failure: RefreshFailure): void;
  /** Told once when a refresh ends for good (see `sessionEnded.ts`); the manager emits `tokenError`. */
  reportEnd(error: AccessTokenError): void;
  /** Another tab's session ended; see {@link SharingHost.endSession}. */
  endSession(signedOut: boolean, status?: number): void;
}

/** The options the refresher reads, under their public names, with defaults applied. */
export interface RefreshSettings {
  clock: Clock;
  tokenProvider: TokenProvider | undefined;
  shareAcrossTabs: TokenSharing | undefined;
  aboutToExpireMs: number;
  refreshTimeoutMs: number;
  retry: Required<RetryOptions>;
  pauseWhenHidden: boolean;
}

const ignore = (): void => {};

/** Keeps the manager's token alive through its `tokenProvider`; see the module comment. */
export class Refresher {
  readonly #host: RefreshHost;
  readonly #settings: RefreshSettings;
  readonly #tabs: SharedRefresh | null;
  #inFlight: Promise<string> | null = null;
  /** Aborts the attempt in flight (on destroy, or when its time limit passes). */
  #attemptController: AbortController | null = null;
  /** Ends the current retry or offline wait early; replaced at each wake. */
  #wakeController = new AbortController();
  /** The token the refresh under way started from (a manual refresh must replace it). */
  #startedFrom: HeldToken | null = null;
  /** Refusals by an SDK's server in a row (no token has reached its due moment unrefused since). */
  #refusals = 0;
  /** When the refresh a refusal asked for may call the provider, in local milliseconds. */
  #refusalWaitUntilMs = 0;
  #stopped = false;
  /** Counts {@link Refresher.cancel}s: a refresh started before the last one is over. */
  #generation = 0;
  /** Why the last {@link Refresher.cancel} called off the refresh under way. */
  #cancelledBy = new AccessTokenError('destroyed');

  /**
   * @param host - the manager's side: its token, and how to accept a new one.
   * @param settings - see {@link RefreshSettings}.
   */
  constructor(host: RefreshHost, settings: RefreshSettings) {
    this.#host = host;
    this.#settings = settings;
    const { clock } = settings;
    this.#tabs =
      settings.shareAcrossTabs?.connect({
        clock,
        held: () => host.held(),
        adopt: (token) => this.#adopt(token),
        endSession: (signedOut, status) => host.endSession(signedOut, status),
        wait: (ms, signal) => wait(clock, ms, signal),
      }) ?? null;
  }

  /** Whether there is a provider to ask. */
  get hasProvider(): boolean {
    return this.#settings.tokenProvider !== undefined;
  }

  /**
   * When the provider is due to be asked for the successor of `held` (local milliseconds), or
   * `Infinity` without a provider: at the warning and at least a minute before exp; a token that
   * lives less than that would be refreshed at once, forever, so then half of its life; at once
   * when an SDK's server said so.
   */
  dueAtMs(held: HeldToken): number {
    if (!this.hasProvider) return Infinity;
    const leadMs = refreshLeadMs(this.#settings.aboutToExpireMs);
    const { acceptedAtMs, expiresAtMs, serverSaidDueAtMs = Infinity } = held;
    return Math.min(
      serverSaidDueAtMs,
      Math.max(expiresAtMs - leadMs, acceptedAtMs + (expiresAtMs - acceptedAtMs) / 2),
    );
  }

  /**
   * Starts the refresh of `held` if it is due and has not started yet. The provider may be called
   * (and may destroy the manager) before this returns.
   * @param waking - the page woke: names the refresh reason `'wake'`.
   * @returns the next moment to be told the time, or `Infinity`.
   */
  tick(held: HeldToken, nowMs: number, waking: boolean): number {
    const dueAtMs = this.dueAtMs(held);
    if (nowMs < dueAtMs) return dueAtMs;
    // Once claimed, a token stays due: its due moment only ever moves earlier.
    if (!this.#host.claimRefresh(held)) return Infinity;
    this.#refusals = 0; // it lived to its due moment unrefused
    this.start(waking ? 'wake' : nowMs >= held.expiresAtMs ? 'expired' : 'about-to-expire');
    return Infinity;
  }

  /**
   * Starts a refresh, or joins the one under way (fetching, or waiting to retry).
   * @returns the accepted token; rejects with `no-token-provider` without a provider, or
   *   `destroyed` once stopped.
   */
  run(reason: RefreshReason): Promise<string> {
    if (!this.hasProvider) return Promise.reject(new AccessTokenError('no-token-provider'));
    if (reason === 'manual') {
      // The app asks now (refresh(), getToken()): a refusal's wait ends, a retry's wait too.
      this.#refusalWaitUntilMs = 0;
      this.wake();
    }
    if (this.#inFlight === null) {
      this.#startedFrom = this.#host.held();
      const flight: Promise<string> = this.#loop(reason).finally(() => {
        if (this.#inFlight === flight) this.#inFlight = null;
      });
      this.#inFlight = flight;
      // Reported once the refresh is over, so a tokenError listener's refresh() starts a new one;
      // a refresh called off (see cancel) was ended by whoever called it off, who reports it.
      const generation = this.#generation;
      flight.catch(
        (error: unknown) =>
          generation === this.#generation && endsRefreshing(error) && this.#host.reportEnd(error),
      );
    }
    return this.#inFlight;
  }

  /** Starts a refresh whose failures are only reported (as `refreshFailed` and `tokenError`). */
  start(reason: RefreshReason): void {
    this.run(reason).catch(ignore);
  }

  /**
   * An SDK's server refused `held`, the token held: it is due now (the provider returning it again
   * is `unchanged`), and its successor is fetched in the one refresh (reason `'rejected'`). Not at
   * once: after a backoff drawn as for retries, its ceiling doubling with each refusal in a row up to
   * eight times `retry.maxDelayMs`, so that a server refusing every token costs at most one provider
   * call per four `retry.maxDelayMs` (30 an hour by default) once ramped; a wake does not cut it,
   * a manual refresh does.
   */
  refuse(held: HeldToken): void {
    const { clock, retry } = this.#settings;
    if (!this.hasProvider || !this.#host.claimRefresh(held, clock.now())) return;
    const delayMs = backoffDelayMs(++this.#refusals, { ...retry, maxDelayMs: 8 * retry.maxDelayMs });
    this.#refusalWaitUntilMs = clock.now() + delayMs;
    this.start('rejected');
  }

  /** The page woke, came online, or the app asked: a refresh waiting to retry retries now. */
  wake(): void {
    const waking = this.#wakeController;
    this.#wakeController = new AbortController();
    waking.abort();
  }

  /**
   * Calls off the refresh under way (the session ended, or the user signed out): its attempt is
   * aborted, its waits end, and whoever awaits it gets `reason`; the next `run` starts over, with
   * no refusal's backoff left. Unlike {@link Refresher.stop}, the refresher goes on.
   */
  cancel(reason: AccessTokenError): void {
    this.#generation += 1;
    this.#cancelledBy = reason;
    this.#inFlight = null;
    this.#refusals = 0;
    this.#refusalWaitUntilMs = 0;
    this.#attemptController?.abort();
    this.wake();
  }

  /** Tells the other tabs that this tab's session ended (see {@link SharedRefresh.ended}). */
  ended(signedOut: boolean, status?: number): void {
    this.#tabs?.ended?.(signedOut, status);
  }

  /**
   * Aborts the attempt in flight, stops retrying and leaves the tabs, for good. Every timer of
   * the refresh is cleared before this returns (see {@link wait}).
   */
  stop(): void {
    this.#stopped = true;
    this.#attemptController?.abort();
    this.wake();
    this.#tabs?.close();
  }

  async #loop(reason: RefreshReason): Promise<string> {
    const { clock, pauseWhenHidden, retry } = this.#settings;
    // Called off by cancel() (a later one counts too): it ends as when stopped, with cancel's reason.
    const generation = this.#generation;
    const over = (): boolean => this.#stopped || generation !== this.#generation;
    // A refusal's backoff (see refuse); woken early, it waits the rest.
    while (reason === 'rejected' && !over() && clock.now() < this.#refusalWaitUntilMs) {
      await wait(clock, this.#refusalWaitUntilMs - clock.now(), this.#wakeController.signal);
    }
    for (let attempt = 1; ; attempt++) {
      while (!over() && (clock.isOnline?.() === false || (pauseWhenHidden && clock.isHidden?.()))) {
        // Woken by `online` or `visibilitychange`; the time limit covers a clock that never wakes.
        await wait(clock, retry.maxDelayMs, this.#wakeController.signal);
      }
      if (over()) break;
      try {
        const token = await this.#attempt(reason);
        if (!over()) return token;
      } catch (error) {
        if (over()) break;
        // Nothing automatic until the app acts: reported (and recorded) once the refresh is over.
        if (endsRefreshing(error)) throw error;
        const retryInMs = retryDelayMs(attempt, retry, error);
        this.#reportFailure(error, { attempt, retryInMs });
        if (over()) break; // a refreshFailed listener destroyed the manager
        await wait(clock, retryInMs, this.#wakeController.signal);
      }
    }
    throw this.#stopped ? new AccessTokenError('destroyed') : this.#cancelledBy;
  }

  /**
   * One attempt, settled at the latest when the refresher stops (even if the provider ignores its
   * signal) or when `refreshTimeoutMs` passes: a fetch left half-open by a sleep is aborted and
   * counts as a failure, instead of holding the refresh (and a tab's lock) for ever. It ends at
   * acceptance: handing the token to the clients goes on after, outside the time limit.
   */
  async #attempt(reason: RefreshReason): Promise<string> {
    const { clock, refreshTimeoutMs } = this.#settings;
    const controller = new AbortController();
    const { signal } = controller;
    this.#attemptController = controller;
    const limit = new AbortController();
    signal.addEventListener('abort', () => limit.abort(), { once: true });
    let timedOut = false;
    void wait(clock, refreshTimeoutMs, limit.signal).then((ranOut) => {
      timedOut = ranOut;
      if (ranOut) controller.abort();
    });
    const startedFrom = this.#startedFrom;
    const attempt: SharedAttempt = {
      signal,
      startedFrom,
      fresh: () => {
        const held = this.#host.held();
        // Another tab (or the app) brought a fresh token since the refresh began: nothing to
        // fetch; but a manual refresh must replace the token it started from.
        return held && !this.#isDue(held) && (reason !== 'manual' || held !== startedFrom)
          ? held.token
          : null;
      },
      fetch: () => this.#fetch(reason, signal),
    };
    try {
      // Abort is raced in one place, around the provider (#fetch): every other wait of an attempt
      // (a tab's lock queue, its peers) ends on the signal or the tabs closing by itself.
      return await (this.#tabs ? this.#tabs.attempt(attempt) : (attempt.fresh() ?? attempt.fetch()));
    } catch (error) {
      throw timedOut ? new AccessTokenError('provider-timeout', { timeoutMs: refreshTimeoutMs }) : error;
    } finally {
      limit.abort(); // clears the time limit's timer
    }
  }

  /** Asks the provider and has its token accepted; see {@link RefreshHost.updateToken}. */
  async #fetch(reason: RefreshReason, signal: AbortSignal): Promise<string> {
    // Browsers grant a tab's lock asynchronously: the manager may have been destroyed meanwhile.
    if (signal.aborted) throw new AccessTokenError('destroyed');
    // Settles when aborted even if the provider ignores its signal, so a tab's lock is released.
    const token = await Promise.race([
      this.#settings.tokenProvider!({ reason, signal }),
      whenAborted(signal),
    ]);
    // Aborted as the provider answered (signOut() in the same tick): its token is not taken.
    if (signal.aborted) throw new AccessTokenError('destroyed');
    const delivered = this.#host.updateToken(token);
    // Acceptance is synchronous: a refused token (or a destroyed manager) rejects at once.
    if (this.#host.held()?.token !== token) await delivered;
    delivered.catch(ignore); // client failures are reported as clientError
    if (this.#isDue(this.#host.held()!)) throw new AccessTokenError('unchanged');
    return token;
  }

  #isDue(held: HeldToken): boolean {
    return this.#settings.clock.now() >= this.dueAtMs(held);
  }

  /** Takes a token another tab sent; see {@link SharingHost.adopt}. */
  #adopt(token: string): boolean {
    // Acceptance happens before updateToken's first await, so the outcome is known right away.
    this.#host.updateToken(token).catch(ignore);
    const taken = this.#host.held()?.token === token;
    // A refresh waiting to retry (say, behind a peer's failures) can finish now.
    if (taken) this.wake();
    return taken;
  }

  #reportFailure(error: unknown, failure: RefreshFailure): void {
    const reported =
      error instanceof AccessTokenError
        ? error
        : new AccessTokenError('provider-failed', {}, { cause: error });
    this.#tabs?.failed(reported, this.#settings.clock.now() + failure.retryInMs);
    this.#host.reportFailure(reported, failure);
  }
}
