/**
 * The one owner of the held token's state: the token and its moments (warned, expired, its
 * refresh started), whether automatic refreshing is off until the app acts (the session ended,
 * or the user signed out), the last error, and the snapshot derived from all of it. Nothing else
 * writes this state: each change is a transition here that returns its outcome, and the snapshot
 * is re-derived (and its subscribers told) after each one, so it changes exactly when the state
 * does.
 */
import { reportUncaught } from './emitter';
import { AccessTokenError } from './errors';
import { admitToken, type CurrentToken } from './heldToken';
import type { HeldToken } from './refresh';
import { EMPTY_SNAPSHOT, type AccessTokenSnapshot, type AccessTokenStatus } from './snapshot';

/** A function given to `subscribe`. */
type Subscriber = (snapshot: AccessTokenSnapshot) => void;

/** See the module comment. Made by {@link createTokenState}. */
export interface TokenState {
  /** The token held, or `null` (before the first one, after `signOut()`). */
  readonly held: CurrentToken | null;
  /** Whether `destroy()` ran. */
  readonly destroyed: boolean;
  /** Whether the session is over (the provider said so, or the user signed out) until the app acts. */
  readonly sessionEnded: boolean;
  /** The snapshot: the same object until one of its fields changes. */
  readonly snapshot: AccessTokenSnapshot;
  /**
   * Validates `token` against the one held and makes it the held one; the session (if it had
   * ended) starts over and the last error is cleared.
   * @returns the new held token, nothing fired yet.
   * @throws {@link AccessTokenError} for a refused token; nothing changes then.
   */
  accept(token: string, nowMs: number, aboutToExpireMs: number): CurrentToken;
  /**
   * The moment of `held`'s warning (or, `expired`, of its expiry) has come by `nowMs`.
   * @returns whether it had not fired yet: it counts as fired from now, and the caller fires it.
   */
  fire(held: CurrentToken, nowMs: number, expired: boolean): boolean;
  /**
   * An SDK's server says the held token expires soon (or has, `expired`): its clock rules, so the
   * moments come now, unless the token has more than `leadMs` left (the word is about a token
   * already replaced).
   * @returns whether the word was taken (the caller then fires what is due).
   */
  serverSaid(expired: boolean, nowMs: number, leadMs: number): boolean;
  /**
   * Starts the one automatic refresh of `held` (at its due moment, or `refusedAtMs`, when an SDK's
   * server refused it: it is due from then on).
   * @returns `false` when it is not the held token, its refresh has started already, or
   *   automatic refreshing is off (see {@link TokenState.end}).
   */
  claimRefresh(held: HeldToken, refusedAtMs?: number): boolean;
  /** Records `error` (a `tokenError` or `refreshFailed`) as the last one. */
  fail(error: AccessTokenError): void;
  /**
   * Automatic refreshing stops until the app calls `refresh()` or gives a token: `error` ended it
   * (the session is over, `session-ended`, or the endpoint cannot be reached from here).
   */
  end(error: AccessTokenError): void;
  /** The user signed out: the token is forgotten, and automatic refreshing stops until a new token. */
  signOut(): void;
  /** The manager was destroyed: subscribers get the last snapshot (status `'error'`, `destroyed`), then no more. */
  destroy(): void;
  /**
   * Calls `run` with the snapshot now and after each change (never twice with the same one).
   * @returns the function that unsubscribes; safe to call anywhere, any number of times.
   */
  subscribe(run: Subscriber): () => void;
}

/** Makes the state of a manager with no token yet. */
export function createTokenState(): TokenState {
  /** The token held. */
  let current: CurrentToken | null = null;
  /** Automatic refreshing is off until the app acts (see {@link TokenState.end}). */
  let off = false;
  /** The session is over: the provider said so, or the user signed out. */
  let over = false;
  let lastError: AccessTokenError | null = null;
  let destroyed = false;
  let snapshot: AccessTokenSnapshot = EMPTY_SNAPSHOT;
  const subscribers = new Set<Subscriber>();

  /** Derives the snapshot; when it changed, tells each subscriber. */
  const publish = (): void => {
    const previous = snapshot;
    const shown = destroyed ? null : current;
    const error = lastError;
    const status: AccessTokenStatus = destroyed
      ? 'error'
      : over
        ? 'sessionEnded'
        : shown === null || shown.expiredFired
          ? error
            ? 'error'
            : shown
              ? 'expired'
              : 'empty'
          : shown.warned
            ? 'aboutToExpire'
            : 'valid';
    const token = shown?.token ?? null;
    if (token === previous.token && status === previous.status && error === previous.error) return;
    const next: AccessTokenSnapshot = Object.freeze({
      token,
      identity: shown?.decoded.identity ?? null,
      expires: shown?.decoded.expires ?? null,
      status,
      error,
    });
    snapshot = next;
    // A subscriber may change the state again: that change told every subscriber the newer
    // snapshot, so this one stops. One added meanwhile got the snapshot when it subscribed. One
    // that throws is reported as a listener is: the transition that published goes on.
    for (const run of [...subscribers]) {
      if (snapshot !== next) return;
      try {
        if (subscribers.has(run)) run(next);
      } catch (error) {
        reportUncaught(error);
      }
    }
  };

  const state: TokenState = {
    get held() {
      return current;
    },
    get destroyed() {
      return destroyed;
    },
    get sessionEnded() {
      return over;
    },
    get snapshot() {
      return snapshot;
    },
    accept(token, nowMs, aboutToExpireMs) {
      const admitted = admitToken(token, current, nowMs, aboutToExpireMs);
      current = admitted;
      off = over = false;
      lastError = null;
      publish();
      return admitted;
    },
    fire(held, nowMs, expired) {
      const flag = expired ? 'expiredFired' : 'warned';
      if (held !== current || held[flag] || nowMs < (expired ? held.expiresAtMs : held.aboutToExpireAtMs)) {
        return false;
      }
      held[flag] = true;
      publish();
      return true;
    },
    serverSaid(expired, nowMs, leadMs) {
      if (current === null || destroyed || current.expiresAtMs - nowMs > leadMs) return false;
      current.aboutToExpireAtMs = Math.min(current.aboutToExpireAtMs, nowMs);
      current.serverSaidDueAtMs = Math.min(current.serverSaidDueAtMs ?? nowMs, nowMs);
      if (expired) current.expiresAtMs = Math.min(current.expiresAtMs, nowMs);
      return true;
    },
    claimRefresh(held, refusedAtMs) {
      if (held !== current || current.refreshStarted || off || destroyed) return false;
      current.refreshStarted = true;
      if (refusedAtMs !== undefined) current.serverSaidDueAtMs = refusedAtMs;
      return true;
    },
    fail(error) {
      if (destroyed) return; // the last snapshot says destroyed
      lastError = error;
      publish();
    },
    end(error) {
      off = true;
      over = error.reason === 'session-ended';
      state.fail(error);
    },
    signOut() {
      current = null;
      off = over = true;
      lastError = null;
      publish();
    },
    destroy() {
      destroyed = true;
      lastError = new AccessTokenError('destroyed');
      publish();
      subscribers.clear();
    },
    subscribe(run) {
      if (!destroyed) subscribers.add(run);
      run(snapshot);
      return () => void subscribers.delete(run);
    },
  };
  return state;
}
