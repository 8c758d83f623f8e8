/**
 * `tabSharing(key)`: one fetch across the app's open tabs. Implements the core's
 * `TokenSharing` plugin interface: the core calls `connect` once, then runs each refresh attempt
 * through the `attempt` of {@link tabRefresh}.
 */
import {
  AccessTokenError,
  decodeAccessToken,
  describeInput,
  type DecodedAccessToken,
  MAX_TOKEN_LENGTH,
  type SharedAttempt,
  type SharedRefresh,
  type SharedToken,
  type SharingHost,
  type TokenSharing,
} from 'access-token-manager';
import { TabChannel } from './channel';

// The longest a tab waits for an open peer to answer before it fetches its own token. Only a
// peer that is open yet does not run (a frozen or very busy tab) makes it wait that long: peers
// answer within milliseconds, a tab without peers asks nobody, and one that leaves is noticed.
const PEER_ANSWER_MS = 200;
// A tab whose valid token is this close to exp calls its own provider, never waits for a peer.
const OWN_CALL_LEAD_MS = 60_000;
// A tab skips at most this many attempts in a row to wait for a failing peer's retry.
const MAX_PEER_WAITS = 3;

/** When a token was issued, or (for one without iat) when it expires: which of two is newer. */
const issuedOrExpires = (decoded: DecodedAccessToken): number =>
  (decoded.issuedAt ?? decoded.expires).getTime();

/** One manager's share of the refreshes of the tabs that use the same key. */
function tabRefresh(host: SharingHost, channel: TabChannel): SharedRefresh {
  /** How many attempts in a row were skipped to wait for another tab's retry. */
  let peerWaits = 0;

  /**
   * Whether to skip this attempt because another tab's attempt just failed and it retries soon:
   * about one call per round instead of one per tab while the token server is down. Bounded, so
   * a tab whose provider fails for its own reasons never starves a healthy one: a tab whose valid
   * token is within a minute of exp calls its own provider at once, and any tab does after
   * skipping a few rounds in a row.
   */
  const shouldWaitForPeer = (held: SharedToken | null): boolean => {
    if (!channel.peerWillRetry()) return false;
    const leftMs = held ? held.expiresAtMs - host.clock.now() : Infinity;
    const aboutToLapse = leftMs > 0 && leftMs <= OWN_CALL_LEAD_MS;
    if (aboutToLapse || peerWaits >= MAX_PEER_WAITS) {
      peerWaits = 0;
      return false;
    }
    peerWaits += 1;
    return true;
  };

  return {
    attempt(attempt: SharedAttempt): Promise<string> {
      const { signal, startedFrom } = attempt;
      return channel.withLock(signal, async (peers) => {
        // A new tab, or one that waited for the lock while another fetched: the others may have a
        // newer token, whose broadcast can arrive after the lock does. Ask the open peers (none: no
        // question, no wait) before fetching: until a fresh token is taken (a peer's token due for
        // renewal is taken, but the others are still heard, as one of them may hold a newer one),
        // or every open peer answered or left. Any other refresh (say, a manual one in a tab that
        // holds a token) calls its provider: a peer's token from before it began will not do.
        if (host.held() === null || (!peers && host.held() === startedFrom)) {
          await channel.askPeers(PEER_ANSWER_MS, () => attempt.fresh() !== null, peers);
        }
        // Browsers grant a lock asynchronously: the manager may have been destroyed meanwhile (its
        // channel is closed then, so it asked nobody).
        if (signal.aborted) throw new AccessTokenError('destroyed');
        const fresh = attempt.fresh();
        if (fresh !== null) return fresh;
        if (shouldWaitForPeer(host.held())) throw new AccessTokenError('peer-retrying');
        const token = await attempt.fetch();
        peerWaits = 0;
        // Other tabs get the token as soon as it is accepted, not after this tab's clients took it;
        // not once the session ended meanwhile (a tab signed out as it came): it would sign them in.
        if (!signal.aborted) channel.post({ type: 'token', token });
        return token;
      });
    },

    failed(error: AccessTokenError, retryAtMs: number): void {
      if (error.reason !== 'peer-retrying' && error.reason !== 'destroyed') {
        channel.post({ type: 'failed', retryAtMs });
      }
    },

    ended(signedOut: boolean, status?: number): void {
      channel.post({ type: 'ended', signedOut, status });
    },

    close(): void {
      channel.close();
    },
  };
}

/** The token another tab sent, decoded; `undefined` when it does not even decode. */
function decodeBroadcast(token: string): DecodedAccessToken | undefined {
  // Refused before decoding, without the findings `/inspect` would make of a long text.
  if (token.length > MAX_TOKEN_LENGTH) return undefined;
  try {
    return decodeAccessToken(token, { nowMs: false });
  } catch {
    return undefined;
  }
}

/**
 * Whether to offer the manager a token another tab sent: only if it is newer than the one held,
 * and for the same user and account. Another user's tab on the same key is a misconfigured key,
 * not a token to take (nor an error to report at each of its refreshes). A token that does not
 * even decode never comes from a tab of this library (each sends only tokens its manager took):
 * it is junk another script posted, ignored without a word.
 */
function worthAdopting(incoming: DecodedAccessToken, held: SharedToken | null): boolean {
  if (held === null) return true;
  const { decoded } = held;
  if (incoming.identity !== decoded.identity || incoming.accountSid !== decoded.accountSid) return false;
  return issuedOrExpires(incoming) > issuedOrExpires(decoded);
}

/**
 * Shares one token across the app's open tabs of this origin: one tab fetches each new token
 * (Web Locks elect it) and hands it to the others (BroadcastChannel), so five open tabs make one
 * call to the token server, not five. While the token server fails, tabs wait for the failing
 * tab's retry instead of calling too (a few rounds at most, never within a minute of exp). Where
 * the browser lacks Web Locks or BroadcastChannel, each tab fetches its own. Tokens travel in
 * memory only, never through storage.
 *
 * @param key - groups the managers that share: make it differ per signed-in user, e.g.
 *   `'my-app:' + userId`. A tab of another identity or account on the same key is ignored.
 * @returns the value of the `shareAcrossTabs` option.
 * @throws `AccessTokenError` `invalid-argument` for a key that is not a non-empty string.
 * @example
 * import { AccessManager } from 'access-token-manager';
 * import { tabSharing } from 'access-token-manager/tabs';
 *
 * const manager = new AccessManager(null, { tokenProvider, shareAcrossTabs: tabSharing('my-app:' + userId) });
 */
export function tabSharing(key: string): TokenSharing {
  if (typeof key !== 'string' || key === '') {
    throw new AccessTokenError('invalid-argument', {
      field: 'tabSharing(key)',
      expected: "a non-empty string, such as 'my-app:' + userId",
      received: describeInput(key),
    });
  }
  return {
    connect(host) {
      // Where the browser lacks Web Locks or BroadcastChannel, each tab fetches its own token.
      const locks = typeof BroadcastChannel === 'function' && globalThis.navigator?.locks;
      if (!locks) return null;
      const channel = new TabChannel(key, locks, host, (token) => {
        const incoming = decodeBroadcast(token);
        if (incoming === undefined) return false;
        if (worthAdopting(incoming, host.held())) host.adopt(token);
        return true;
      });
      return tabRefresh(host, channel);
    },
  };
}
