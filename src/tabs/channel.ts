/**
 * The tabs of one origin that share a key, as seen from one of them: Web Locks elect the tab that
 * fetches and tell which peers are open, and a BroadcastChannel hands tokens between them. Tokens
 * travel in memory only: nothing is ever written to localStorage, sessionStorage, cookies or
 * IndexedDB.
 */
import type { SharingHost } from 'access-token-manager';

/**
 * What tabs tell each other. Each message also carries `from`, the sender's id (see
 * {@link TabChannel}).
 * - `token`: sent after each fetch and in answer to a `request`, with `null` from a tab that
 *   holds no valid token (so the asker stops waiting for it);
 * - `request`: a tab asks its open peers for their token;
 * - `failed`: this tab's attempt failed and it retries at `retryAtMs` (wall-clock ms), so the
 *   others wait for that retry instead of calling a failing token server too;
 * - `ended`: this tab's session ended (signed out, or `session-ended` with the endpoint's status).
 */
export type TabMessage =
  | { type: 'token'; token: string | null }
  | { type: 'request' }
  | { type: 'failed'; retryAtMs: number }
  | { type: 'ended'; signedOut: boolean; status: number | undefined };

const ignore = (): void => {};

/** Whether `value` is what a tab's 'ended' message says its endpoint answered: an HTTP status. */
const isHttpStatus = (value: unknown): value is number =>
  Number.isInteger(value) && (value as number) >= 100 && (value as number) <= 599;

// The longest a peer's failure makes this tab wait for that peer's retry: longer than the
// manager's own backoff with the default options (at most 30 s, 4 min after refusals), so an
// honest peer is waited for as it asks; a later `retryAtMs` (a far future, Infinity) is cut to it.
const MAX_PEER_RETRY_WAIT_MS = 5 * 60_000;

/**
 * One manager's end of the channel and locks of a share key. Each manager also holds a presence
 * lock of its own (`access-token-manager-tab:<key length>:<key>:<id>`) while it is open, so a
 * tab knows which peers exist by listing the locks (`navigator.locks.query()`) instead of
 * waiting to hear from peers that may not exist, and knows a peer left when its presence lock is
 * released.
 */
export class TabChannel {
  readonly #lockName: string;
  /** The presence locks of this key's managers are named this, then the manager's id. */
  readonly #presencePrefix: string;
  readonly #id = String(Math.random());
  readonly #channel: BroadcastChannel;
  readonly #locks: LockManager;
  readonly #host: SharingHost;
  // The question to the peers open now, if any (one at a time: attempts run under the lock).
  /** The peers that have neither answered nor left yet. */
  #waiting = new Set<string>();
  /** Whether the answers so far are enough (a fresh token was taken). */
  #satisfied!: () => boolean;
  /** Ends the wait for answers. */
  #askEnded?: AbortController;
  /** Releases this manager's presence lock. */
  #leave!: () => void;
  #peerRetryAtMs = -Infinity;
  #closed?: true;

  /**
   * Opens the channel. The caller checks that the browser has `BroadcastChannel` and Web Locks.
   *
   * @param key - the app's share key; managers with the same key share a token.
   * @param locks - the browser's `navigator.locks`.
   * @param host - the manager: its clock, its token, and where a peer's token goes.
   * @param onToken - called with each token another tab sends; returns whether it is a token at
   *   all (it decodes), which makes the message count as a peer's answer.
   */
  constructor(key: string, locks: LockManager, host: SharingHost, onToken: (token: string) => boolean) {
    this.#host = host;
    this.#lockName = `access-token-manager:${key}`;
    // The key's length first: a key `a:b` (prefix `…:3:a:b:`) never passes for a key `a` (`…:1:a:`).
    this.#presencePrefix = `access-token-manager-tab:${key.length}:${key}:`;
    this.#locks = locks;
    // The channel opens before the presence lock is asked for: a peer that sees this manager's
    // presence can ask it at once, and gets an answer.
    this.#channel = new BroadcastChannel(this.#lockName);
    // Anything else another script of the origin posts on the channel (junk, a message of
    // another version) is ignored: each kind of message is read only with the fields it needs.
    this.#channel.onmessage = ({ data }: MessageEvent<unknown>) => {
      const { type, from, token, retryAtMs, signedOut, status } = (data ?? {}) as Partial<
        Record<string, unknown>
      >;
      if (typeof from !== 'string') return;
      if (type === 'token' && (token === null || (typeof token === 'string' && onToken(token)))) {
        // A tab succeeded: nobody is waiting to retry any more. (A token that does not even
        // decode is junk: no answer, and no reason to stop waiting.)
        if (token !== null) this.#peerRetryAtMs = -Infinity;
        this.#heard(from);
      } else if (type === 'request') {
        const held = host.held();
        // Always answer, even with nothing: the asker then stops waiting for this tab at once.
        this.post({ type: 'token', token: held && host.clock.now() < held.expiresAtMs ? held.token : null });
      } else if (type === 'failed' && typeof retryAtMs === 'number') {
        // NaN and a time past ask for no wait; a far future (Infinity) for the longest a peer may.
        const untilMs = Math.min(retryAtMs, host.clock.now() + MAX_PEER_RETRY_WAIT_MS);
        if (untilMs > this.#peerRetryAtMs) this.#peerRetryAtMs = untilMs;
      } else if (
        type === 'ended' &&
        typeof signedOut === 'boolean' &&
        (status === undefined || isHttpStatus(status))
      ) {
        host.endSession(signedOut, status);
      }
    };
    this.#enter();
    // A held lock keeps a page out of the back/forward cache: leave at pagehide, which also tells
    // the peers at once that a closing or reloading tab will not answer. A page restored from that
    // cache stays out of sight (tabs opened after it fetch their own token): re-entering at
    // pageshow did not fit the size budget of this entry.
    globalThis.addEventListener?.('pagehide', this.#onPageHide);
  }

  /**
   * Runs `task` while this tab holds the share key's lock, after any other tab's task. A tab that
   * closes releases its lock, so the next tab in line takes over. Aborting `signal` gives up a
   * place in the queue (the lock of a running task is released when the task settles, which the
   * manager ensures on abort).
   *
   * `task` gets the locks as they stood when it asked for the lock, to pass on to
   * {@link TabChannel.askPeers}, if it got the lock at once; or `null` if it had to wait: then
   * another tab may have just fetched a token whose broadcast has not arrived yet, and the locks
   * have changed.
   */
  withLock<T>(
    signal: AbortSignal,
    task: (peers: Promise<LockManagerSnapshot> | null) => Promise<T>,
  ): Promise<T> {
    const locks = this.#locks;
    const name = this.#lockName;
    // Listed in parallel with the lock: a page's first use of Web Locks waits for the browser to
    // connect them, and this way the only tab pays that once, not once per question.
    const peers = locks.query();
    peers.catch(ignore); // unused when the lock is not free
    // Without the lock, `ifAvailable` calls back with `null` at once, holding nothing.
    return locks.request(name, { ifAvailable: true }, (lock) =>
      lock ? task(peers) : locks.request(name, { signal }, () => task(null)),
    ) as Promise<T>;
  }

  /** Whether another tab's attempt failed and it has not retried yet: then this tab should wait. */
  peerWillRetry(): boolean {
    return this.#host.clock.now() < this.#peerRetryAtMs;
  }

  /**
   * Sends `message` (see {@link TabMessage}) to every other tab with the same key; after
   * {@link TabChannel.close}, nothing (a closed channel throws).
   */
  post(message: TabMessage): void {
    if (!this.#closed) this.#channel.postMessage({ ...message, from: this.#id });
  }

  /**
   * Asks the open peers for their token, and waits until `satisfied()` (a token was taken), or
   * every peer answered or left, or `timeoutMs` passes (a peer that is open but does not run: a
   * frozen or busy tab), or the channel closes. Without peers it returns at once, asking nobody.
   * Call it while holding the share key's lock, so that no peer is fetching meanwhile and an
   * answer of "none" is final.
   */
  async askPeers(
    timeoutMs: number,
    satisfied: () => boolean,
    peers: Promise<LockManagerSnapshot> | null,
  ): Promise<void> {
    // Only held ones: each presence lock has a name of its own, so the browser grants it as soon
    // as it is asked for, and a tab whose request has not reached the browser is not listed at all.
    const { held = [] } = await (peers ?? this.#locks.query());
    if (this.#closed) return;
    const ended = (this.#askEnded = new AbortController());
    const waiting = (this.#waiting = new Set());
    this.#satisfied = satisfied;
    for (const { name = '' } of held) {
      const id = name.slice(this.#presencePrefix.length);
      if (name.startsWith(this.#presencePrefix) && id !== this.#id) {
        waiting.add(id);
        // Granted once the peer's presence lock is released: it closed or navigated away, and
        // will not answer. Given up when the ask ends.
        this.#locks.request(name, { signal: ended.signal }, () => this.#heard(id)).catch(ignore);
      }
    }
    if (waiting.size) {
      this.post({ type: 'request' });
      await this.#host.wait(timeoutMs, ended.signal);
    }
    ended.abort();
    waiting.clear();
  }

  /** Stops listening for good; a pending {@link TabChannel.askPeers} ends. */
  close(): void {
    this.#closed = true;
    this.#channel.close();
    this.#askEnded?.abort();
    this.#leave();
    globalThis.removeEventListener?.('pagehide', this.#onPageHide);
  }

  /** Takes this manager's presence lock, held until {@link TabChannel.close} or pagehide. */
  #enter(): void {
    const left = new Promise<void>((resolve) => (this.#leave = resolve));
    // Released at once if this manager left before the browser granted it.
    this.#locks.request(this.#presencePrefix + this.#id, () => left).catch(ignore);
  }

  #onPageHide = (): void => this.#leave();

  /** Counts an answer (or departure) of the peer `id`, and ends the ask when it needs no more. */
  #heard(id: string): void {
    this.#waiting.delete(id);
    if (this.#waiting.size === 0 || this.#satisfied()) this.#askEnded?.abort();
  }
}
