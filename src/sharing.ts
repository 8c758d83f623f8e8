/**
 * The plugin interface through which a manager shares its refreshes with other managers (the
 * app's other tabs). The core defines only this shape: `access-token-manager/tabs` implements it with
 * Web Locks and a BroadcastChannel, so an app that does not share tabs ships none of that.
 */
import type { Clock } from './clock';
import type { AccessTokenError } from './errors';
import type { DecodedAccessToken } from './token';

/**
 * The token a manager holds, as a sharing plugin sees it.
 * @example
 * const held = host.held();
 * if (held && host.clock.now() < held.expiresAtMs) channel.postMessage({ token: held.token });
 */
export interface SharedToken {
  /** The JWT string. */
  token: string;
  /** Its decoded form (identity, account, iat, exp). */
  decoded: DecodedAccessToken;
  /** When it expires, in local milliseconds since the epoch (the server's skew taken out). */
  expiresAtMs: number;
}

/**
 * What the manager gives a sharing plugin when it connects.
 * @example
 * channel.onmessage = ({ data }) => host.adopt(data.token); // validated like any other token
 */
export interface SharingHost {
  /** The manager's clock. */
  readonly clock: Clock;
  /** The token the manager holds now, or `null`. */
  held(): SharedToken | null;
  /**
   * Offers the manager a token another tab sent; it is validated like any other (a refused one
   * is reported as `tokenError`), and a refresh waiting to retry finishes when it is taken.
   * @returns whether it is now the held token.
   */
  adopt(token: string): boolean;
  /**
   * Another tab's session ended: its user signed out (`signedOut`), or its provider said the
   * session is over (`session-ended`, with the endpoint's HTTP `status` if known). This manager
   * then does the same (forgets its token, or stops refreshing), and reports it once.
   */
  endSession(signedOut: boolean, status?: number): void;
  /**
   * Waits `ms`, or until `signal` aborts; never rejects.
   * @returns whether the time ran out.
   */
  wait(ms: number, signal?: AbortSignal): Promise<boolean>;
}

/**
 * One refresh attempt, handed to {@link SharedRefresh.attempt}.
 * @example
 * const attempt = async (shared: SharedAttempt) => shared.fresh() ?? (await shared.fetch());
 */
export interface SharedAttempt {
  /** Aborted when the manager is destroyed or the attempt's time limit passes. */
  signal: AbortSignal;
  /** The token held when this refresh began (a manual refresh must replace it), or `null`. */
  startedFrom: SharedToken | null;
  /** The token held, if it is not due for renewal (another tab or the app brought it); else `null`. */
  fresh(): string | null;
  /** Asks the app's token provider and has its token accepted. Rejects when either fails. */
  fetch(): Promise<string>;
}

/**
 * A manager's connection to the other tabs, made by {@link TokenSharing.connect}.
 * @example
 * const refresh: SharedRefresh = {
 *   attempt: (shared) => locks.request(key, async () => shared.fresh() ?? (await shared.fetch())),
 *   failed: () => {},
 *   close: () => channel.close(),
 * };
 */
export interface SharedRefresh {
  /**
   * Runs one attempt on behalf of every tab: calls `attempt.fetch()` at most in one tab at a
   * time, or returns a token another tab brought. It must settle soon after `attempt.signal`
   * aborts (the manager races abort only around its provider, in `fetch`).
   * @returns the token now held.
   */
  attempt(attempt: SharedAttempt): Promise<string>;
  /** This tab's attempt failed with `error` and is retried at `retryAtMs` (local milliseconds). */
  failed(error: AccessTokenError, retryAtMs: number): void;
  /**
   * This tab's session ended: the user signed out (`signedOut`), or the provider said the session
   * is over (`status`: the endpoint's HTTP status, if known). Tell the other tabs (their host's
   * `endSession`). Optional: a plugin without it leaves each tab to find out by itself.
   */
  ended?(signedOut: boolean, status?: number): void;
  /** Leaves the other tabs for good (the manager was destroyed). */
  close(): void;
}

/**
 * What the `shareAcrossTabs` option takes: made by `tabSharing(key)` from `access-token-manager/tabs`.
 *
 * @example
 * import { tabSharing } from 'access-token-manager/tabs';
 * new AccessManager(null, { tokenProvider, shareAcrossTabs: tabSharing('my-app:' + userId) });
 */
export interface TokenSharing {
  /**
   * Joins the other tabs; called once, by the manager's constructor.
   * @returns the connection, or `null` where the browser cannot share (each tab then fetches its own).
   */
  connect(host: SharingHost): SharedRefresh | null;
}
