import type { Clock } from './clock';
import { AccessTokenError } from './errors';
import {
  RefreshLoop,
  whenAborted,
  type RefreshFailure,
  type RefreshReason,
  type TokenProvider,
} from './refresh';
import { TabChannel } from './tabs';
import { decodeAccessToken, type DecodedAccessToken } from './token';

/** What the keep-alive reads of the token the manager holds. */
export interface HeldToken {
  token: string;
  decoded: DecodedAccessToken;
  /** When it expires, in local milliseconds since the epoch. */
  expiresAtMs: number;
  /** When the provider is due to be asked for the next one, in local milliseconds. */
  refreshAtMs: number;
}

/** What the keep-alive needs from the manager. */
export interface KeepAliveHost {
  /** The token held now, or `null`. */
  held(): HeldToken | null;
  /** Validates and accepts a token (synchronously), then hands it to the clients. */
  updateToken(token: string): Promise<unknown>;
  /** Told about each failed attempt; the manager emits `refreshFailed`. */
  reportFailure(error: AccessTokenError, failure: RefreshFailure): void;
}

/** Settings of a {@link KeepAlive}: the provider and tab options, with defaults applied. */
export interface KeepAliveSettings {
  clock: Clock;
  provider: TokenProvider | undefined;
  shareAcrossTabs: string | undefined;
  baseDelayMs: number;
  maxDelayMs: number;
  pauseWhenHidden: boolean;
  attemptTimeoutMs: number;
}

// How long a new tab waits for another tab to hand it a token before it fetches its own.
const PEER_ANSWER_MS = 200;
// A tab whose valid token is this close to exp calls its own provider, never waits for a peer.
export const MIN_REFRESH_LEAD_MS = 60_000;
// A tab skips at most this many attempts in a row to wait for a failing peer's retry.
const MAX_PEER_WAITS = 3;
const ignore = (): void => {};

/** When a token was issued, or (for one without iat) when it expires: which of two is newer. */
const issuedOrExpires = (decoded: DecodedAccessToken): number =>
  (decoded.issuedAt ?? decoded.expires).getTime();

/**
 * Keeps the manager's token alive: asks the provider for the next one (through a
 * {@link RefreshLoop}), in one tab only when tabs share a key, and takes the tokens other tabs
 * send. The manager decides when; this decides how.
 */
export class KeepAlive {
  readonly #host: KeepAliveHost;
  readonly #settings: KeepAliveSettings;
  readonly #loop: RefreshLoop | undefined;
  readonly #tabs: TabChannel | null;
  /** The token the refresh under way started from (a manual refresh must replace it). */
  #startedFrom: HeldToken | null = null;
  /** How many attempts in a row were skipped to wait for another tab's retry. */
  #peerWaits = 0;
  #stopped = false;

  /**
   * @param host - the manager's side: its token, and how to accept a new one.
   * @param settings - see {@link KeepAliveSettings}.
   */
  constructor(host: KeepAliveHost, settings: KeepAliveSettings) {
    this.#host = host;
    this.#settings = settings;
    const { clock, shareAcrossTabs } = settings;
    this.#tabs =
      shareAcrossTabs === undefined
        ? null
        : TabChannel.open(
            shareAcrossTabs,
            (token) => this.#adopt(token),
            () => {
              const held = host.held();
              return held && clock.now() < held.expiresAtMs ? held.token : null;
            },
            clock,
          );
    this.#loop = settings.provider
      ? new RefreshLoop({
          clock,
          attempt: (reason, signal) => this.#attempt(reason, signal),
          onFailure: (error, failure) => this.#reportFailure(error, failure),
          baseDelayMs: settings.baseDelayMs,
          maxDelayMs: settings.maxDelayMs,
          pauseWhenHidden: settings.pauseWhenHidden,
          attemptTimeoutMs: settings.attemptTimeoutMs,
        })
      : undefined;
  }

  /** Whether there is a provider to ask. */
  get hasProvider(): boolean {
    return this.#loop !== undefined;
  }

  /**
   * Starts a refresh (or joins the one under way).
   * @returns the accepted token; rejects with `no-token-provider` without a provider, or
   *   `destroyed` once stopped.
   */
  run(reason: RefreshReason): Promise<string> {
    if (!this.#loop) return Promise.reject(new AccessTokenError('no-token-provider'));
    if (!this.#loop.running) this.#startedFrom = this.#host.held();
    return this.#loop.run(reason);
  }

  /** Starts a refresh whose failures are only reported (as `refreshFailed` and `tokenError`). */
  start(reason: RefreshReason): void {
    this.run(reason).catch(ignore);
  }

  /** The page woke, came online, or the app asked: a refresh waiting to retry retries now. */
  wake(): void {
    this.#loop?.wake();
  }

  /** Aborts the attempt in flight, stops retrying, and leaves the tabs, for good. */
  stop(): void {
    this.#stopped = true;
    this.#loop?.stop();
    this.#tabs?.close();
  }

  /**
   * One attempt: fetch from the provider (in one tab only, when shared) until the token is
   * accepted. Handing it to the clients goes on after, outside the attempt's time limit.
   */
  #attempt(reason: RefreshReason, signal: AbortSignal): Promise<string> {
    const host = this.#host;
    const attempt = async (waited = false): Promise<string> => {
      // Browsers grant a lock asynchronously: the manager may have been destroyed meanwhile.
      if (signal.aborted) throw new AccessTokenError('destroyed');
      const before = this.#startedFrom;
      // A new tab, or one that waited for the lock while another fetched: the others may have a
      // newer token, whose broadcast can arrive after the lock does. Ask before fetching again.
      if (this.#tabs && (host.held() === null || (waited && host.held() === before))) {
        await this.#tabs.askPeers(PEER_ANSWER_MS);
        if (signal.aborted) throw new AccessTokenError('destroyed');
      }
      const held = host.held();
      // Another tab (or the app) brought a fresh token since the refresh began: nothing to fetch.
      if (held && !this.#isDue(held) && (reason !== 'manual' || held !== before)) return held.token;
      if (this.#shouldWaitForPeer(held)) throw new AccessTokenError('peer-retrying');
      // Settles when aborted even if the provider ignores its signal, so a tab's lock is released.
      const token = await Promise.race([this.#settings.provider!({ reason, signal }), whenAborted(signal)]);
      const delivered = host.updateToken(token);
      // Acceptance is synchronous: a refused token (or a destroyed manager) rejects at once.
      if (host.held()?.token !== token) await delivered;
      delivered.catch(ignore); // client failures are reported as clientError
      if (this.#isDue(host.held()!)) throw new AccessTokenError('unchanged');
      this.#peerWaits = 0;
      // Other tabs get the token as soon as it is accepted, not after this tab's clients took it.
      if (!this.#stopped) this.#tabs?.publish(token);
      return token;
    };
    return this.#tabs ? this.#tabs.withLock(signal, attempt) : attempt();
  }

  #isDue(held: HeldToken): boolean {
    return this.#settings.clock.now() >= held.refreshAtMs;
  }

  /**
   * Whether to skip this attempt because another tab's attempt just failed and it retries soon:
   * about one call per round instead of one per tab while the token server is down. Bounded, so
   * a tab whose provider fails for its own reasons never starves a healthy one: a tab whose valid
   * token is within the minimum lead of exp calls its own provider at once, and any tab does after
   * skipping a few rounds in a row.
   */
  #shouldWaitForPeer(held: HeldToken | null): boolean {
    if (!this.#tabs?.peerWillRetry()) return false;
    const leftMs = held ? held.expiresAtMs - this.#settings.clock.now() : Infinity;
    const aboutToLapse = leftMs > 0 && leftMs <= MIN_REFRESH_LEAD_MS;
    if (aboutToLapse || this.#peerWaits >= MAX_PEER_WAITS) {
      this.#peerWaits = 0;
      return false;
    }
    this.#peerWaits += 1;
    return true;
  }

  /**
   * Takes a token another tab sent, if it is newer than the one held and for the same user and
   * account; validated like any other.
   * @returns whether it is now the held token.
   */
  #adopt(token: string): boolean {
    const held = this.#host.held()?.decoded;
    let incoming: DecodedAccessToken | undefined;
    try {
      incoming = decodeAccessToken(token, { nowMs: false });
    } catch {
      // Not even decodable: updateToken reports it as tokenError.
    }
    if (held && incoming) {
      // Another user's tab on the same key is a misconfigured key, not a token to take (nor an
      // error to report at each of its refreshes).
      if (incoming.identity !== held.identity || incoming.accountSid !== held.accountSid) return false;
      if (issuedOrExpires(incoming) <= issuedOrExpires(held)) return false;
    }
    // Acceptance happens before updateToken's first await, so the outcome is known right away.
    this.#host.updateToken(token).catch(ignore);
    const taken = this.#host.held()?.token === token;
    // A refresh waiting to retry (say, behind a peer's failures) can finish now.
    if (taken) this.#loop?.wake();
    return taken;
  }

  #reportFailure(error: unknown, failure: RefreshFailure): void {
    const reported =
      error instanceof AccessTokenError
        ? error
        : new AccessTokenError('provider-failed', {}, { cause: error });
    if (reported.reason !== 'peer-retrying' && reported.reason !== 'destroyed') {
      this.#tabs?.publishFailure(this.#settings.clock.now() + failure.retryInMs);
    }
    this.#host.reportFailure(reported, failure);
  }
}
