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

/** Why automatic refreshing is off: the error that ended it, or the app's `signOut()`. */
type Ended = AccessTokenError | 'signed-out';

/** See the module comment. */
export class TokenState {
  #held: CurrentToken | null = null;
  #ended: Ended | null = null;
  #error: AccessTokenError | null = null;
  #destroyed = false;
  #destroyedError: AccessTokenError | undefined;
  #snapshot: AccessTokenSnapshot = EMPTY_SNAPSHOT;
  /** Each subscriber, with the last snapshot it was given (none is given the same one twice). */
  readonly #subscribers = new Map<Subscriber, AccessTokenSnapshot>();

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
    return this.#ended === 'signed-out' || this.#ended?.reason === 'session-ended';
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
    this.#ended = null;
    this.#error = null;
    this.#publish();
    return held;
  }

  /** @returns whether `held`'s warning is due now and had not fired (it counts as fired from now). */
  warn(held: CurrentToken, nowMs: number): boolean {
    if (held !== this.#held || held.warned || nowMs < held.aboutToExpireAtMs) return false;
    held.warned = true;
    this.#publish();
    return true;
  }

  /** @returns whether `held` has expired now and `tokenExpired` had not fired (it counts as fired from now). */
  expire(held: CurrentToken, nowMs: number): boolean {
    if (held !== this.#held || held.expiredFired || nowMs < held.expiresAtMs) return false;
    held.expiredFired = true;
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
    if (held !== current || current.refreshStarted || this.#ended !== null || this.#destroyed) return false;
    current.refreshStarted = true;
    if (refusedAtMs !== undefined) current.serverSaidDueAtMs = refusedAtMs;
    return true;
  }

  /** Records `error` (a `tokenError` or `refreshFailed`) as the last one. */
  fail(error: AccessTokenError): void {
    this.#error = error;
    this.#publish();
  }

  /**
   * Automatic refreshing stops until the app calls `refresh()` or gives a token: `error` ended it
   * (the session is over, or the endpoint cannot be reached from here).
   * @returns whether it was running (another tab's word about an ended session is reported once).
   */
  end(error: AccessTokenError): boolean {
    const wasRunning = this.#ended === null;
    this.#ended = error;
    this.#error = error;
    this.#publish();
    return wasRunning;
  }

  /**
   * The user signed out: the token is forgotten, and automatic refreshing stops until a new token.
   * @returns whether the session was still on (signing out twice changes nothing).
   */
  signOut(): boolean {
    if (this.#destroyed || (this.#ended === 'signed-out' && this.#held === null)) return false;
    this.#held = null;
    this.#ended = 'signed-out';
    this.#error = null;
    this.#publish();
    return true;
  }

  /** The manager was destroyed: subscribers get the last snapshot (status `'error'`, `destroyed`), then no more. */
  destroy(): void {
    if (this.#destroyed) return;
    this.#destroyed = true;
    this.#publish();
    this.#subscribers.clear();
  }

  /**
   * Calls `run` with the snapshot now and after each change (never twice with the same one).
   * @returns the function that unsubscribes; safe to call anywhere, any number of times.
   */
  subscribe(run: Subscriber): () => void {
    const snapshot = this.#snapshot;
    if (!this.#destroyed) this.#subscribers.set(run, snapshot);
    run(snapshot);
    return () => void this.#subscribers.delete(run);
  }

  /** Derives the snapshot; when it changed, tells each subscriber that has not seen it yet. */
  #publish(): void {
    const previous = this.#snapshot;
    const held = this.#destroyed ? null : this.#held;
    const error = this.#destroyed
      ? (this.#destroyedError ??= new AccessTokenError('destroyed'))
      : this.#error;
    const status = this.#status(held, error);
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
    // A subscriber may change the state again: those after it then get the newer snapshot, once.
    for (const [run, seen] of [...this.#subscribers]) {
      if (this.#snapshot !== snapshot) return;
      if (seen === snapshot || !this.#subscribers.has(run)) continue;
      this.#subscribers.set(run, snapshot);
      run(snapshot);
    }
  }

  #status(held: CurrentToken | null, error: AccessTokenError | null): AccessTokenStatus {
    if (this.#destroyed) return 'error';
    if (this.sessionEnded) return 'sessionEnded';
    if (held === null || held.expiredFired) {
      if (error) return 'error';
      return held === null ? 'empty' : 'expired';
    }
    return held.warned ? 'aboutToExpire' : 'valid';
  }
}
