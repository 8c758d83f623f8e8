/**
 * The one owner of the held token's state: the token and its moments (warned, expired, its
 * refresh started), whether automatic refreshing is off until the app acts (the session ended,
 * or the user signed out), the last error, and the snapshot derived from all of it. Nothing else
 * writes this state: each change is a transition here that returns its outcome, and the snapshot
 * is re-derived (and its subscribers told) after each one, so it changes exactly when the state
 * does.
 */
import { AccessTokenError } from './errors';
import { admitToken, type CurrentToken } from './heldToken';
import type { HeldToken } from './refresh';
import { EMPTY_SNAPSHOT, type AccessTokenSnapshot, type AccessTokenStatus } from './snapshot';

/** A function given to `subscribe`. */
type Subscriber = (snapshot: AccessTokenSnapshot) => void;

/** See the module comment. */
export class TokenState {
  #held: CurrentToken | null = null;
  /** Automatic refreshing is off until the app acts (see {@link TokenState.end}). */
  #off = false;
  /** The session is over: the provider said so, or the user signed out. */
  #over = false;
  #error: AccessTokenError | null = null;
  #destroyed = false;
  #snapshot: AccessTokenSnapshot = EMPTY_SNAPSHOT;
  readonly #subscribers = new Set<Subscriber>();

  /** The token held, or `null` (before the first one, after `signOut()`). */
  get held(): CurrentToken | null {
    return this.#held;
  }

  /** Whether `destroy()` ran. */
  get destroyed(): boolean {
    return this.#destroyed;
  }

  /** Whether the session is over (the provider said so, or the user signed out) until the app acts. */
  get sessionEnded(): boolean {
    return this.#over;
  }

  /** The snapshot: the same object until one of its fields changes. */
  get snapshot(): AccessTokenSnapshot {
    return this.#snapshot;
  }

  /**
   * Validates `token` against the one held and makes it the held one; the session (if it had
   * ended) starts over and the last error is cleared.
   * @returns the new held token, nothing fired yet.
   * @throws {@link AccessTokenError} for a refused token; nothing changes then.
   */
  accept(token: string, nowMs: number, aboutToExpireMs: number): CurrentToken {
    const held = admitToken(token, this.#held, nowMs, aboutToExpireMs);
    this.#held = held;
    this.#off = this.#over = false;
    this.#error = null;
    this.#publish();
    return held;
  }

  /**
   * The moment of `held`'s warning (or, `expired`, of its expiry) has come by `nowMs`.
   * @returns whether it had not fired yet: it counts as fired from now, and the caller fires it.
   */
  fire(held: CurrentToken, nowMs: number, expired: boolean): boolean {
    const flag = expired ? 'expiredFired' : 'warned';
    if (held !== this.#held || held[flag] || nowMs < (expired ? held.expiresAtMs : held.aboutToExpireAtMs)) {
      return false;
    }
    held[flag] = true;
    this.#publish();
    return true;
  }

  /**
   * An SDK's server says the held token expires soon (or has, `expired`): its clock rules, so the
   * moments come now, unless the token has more than `leadMs` left (the word is about a token
   * already replaced).
   * @returns whether the word was taken (the caller then fires what is due).
   */
  serverSaid(expired: boolean, nowMs: number, leadMs: number): boolean {
    const held = this.#held;
    if (held === null || this.#destroyed || held.expiresAtMs - nowMs > leadMs) return false;
    held.aboutToExpireAtMs = Math.min(held.aboutToExpireAtMs, nowMs);
    held.serverSaidDueAtMs = Math.min(held.serverSaidDueAtMs ?? nowMs, nowMs);
    if (expired) held.expiresAtMs = Math.min(held.expiresAtMs, nowMs);
    return true;
  }

  /**
   * Starts the one automatic refresh of `held` (at its due moment, or `refusedAtMs`, when an SDK's
   * server refused it: it is due from then on).
   * @returns `false` when it is not the held token, its refresh has started already, or
   *   automatic refreshing is off (see {@link TokenState.end}).
   */
  claimRefresh(held: HeldToken, refusedAtMs?: number): boolean {
    const current = this.#held;
    if (held !== current || current.refreshStarted || this.#off || this.#destroyed) return false;
    current.refreshStarted = true;
    if (refusedAtMs !== undefined) current.serverSaidDueAtMs = refusedAtMs;
    return true;
  }

  /** Records `error` (a `tokenError` or `refreshFailed`) as the last one. */
  fail(error: AccessTokenError): void {
    if (this.#destroyed) return; // the last snapshot says destroyed
    this.#error = error;
    this.#publish();
  }

  /**
   * Automatic refreshing stops until the app calls `refresh()` or gives a token: `error` ended it
   * (the session is over, `session-ended`, or the endpoint cannot be reached from here).
   */
  end(error: AccessTokenError): void {
    this.#off = true;
    this.#over = error.reason === 'session-ended';
    this.fail(error);
  }

  /** The user signed out: the token is forgotten, and automatic refreshing stops until a new token. */
  signOut(): void {
    this.#held = null;
    this.#off = this.#over = true;
    this.#error = null;
    this.#publish();
  }

  /** The manager was destroyed: subscribers get the last snapshot (status `'error'`, `destroyed`), then no more. */
  destroy(): void {
    this.#destroyed = true;
    this.#error = new AccessTokenError('destroyed');
    this.#publish();
    this.#subscribers.clear();
  }

  /**
   * Calls `run` with the snapshot now and after each change (never twice with the same one).
   * @returns the function that unsubscribes; safe to call anywhere, any number of times.
   */
  subscribe(run: Subscriber): () => void {
    if (!this.#destroyed) this.#subscribers.add(run);
    run(this.#snapshot);
    return () => void this.#subscribers.delete(run);
  }

  /** Derives the snapshot; when it changed, tells each subscriber. */
  #publish(): void {
    const previous = this.#snapshot;
    const held = this.#destroyed ? null : this.#held;
    const error = this.#error;
    const status: AccessTokenStatus = this.#destroyed
      ? 'error'
      : this.#over
        ? 'sessionEnded'
        : held === null || held.expiredFired
          ? error
            ? 'error'
            : held
              ? 'expired'
              : 'empty'
          : held.warned
            ? 'aboutToExpire'
            : 'valid';
    const token = held?.token ?? null;
    if (token === previous.token && status === previous.status && error === previous.error) return;
    const snapshot: AccessTokenSnapshot = Object.freeze({
      token,
      identity: held?.decoded.identity ?? null,
      expires: held?.decoded.expires ?? null,
      status,
      error,
    });
    this.#snapshot = snapshot;
    // A subscriber may change the state again: that change told every subscriber the newer
    // snapshot, so this one stops. One added meanwhile got the snapshot when it subscribed.
    for (const run of [...this.#subscribers]) {
      if (this.#snapshot !== snapshot) return;
      if (this.#subscribers.has(run)) run(snapshot);
    }
  }
}
