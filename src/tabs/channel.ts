/**
 * The tabs of one origin that share a key, as seen from one of them: Web Locks elect the tab that
 * fetches, and a BroadcastChannel hands its token to the others. Tokens travel in memory only:
 * nothing is ever written to localStorage, sessionStorage, cookies or IndexedDB.
 */
import type { SharingHost } from 'access-token-manager';

type TabMessage =
  { type: 'token'; token: string } | { type: 'request' } | { type: 'failed'; retryAtMs: number };

/** `navigator.locks`, where the browser has it. */
function webLocks(): LockManager | undefined {
  return typeof navigator === 'object' ? navigator.locks : undefined;
}

/** One tab's end of the channel and lock of a share key. */
export class TabChannel {
  readonly #lockName: string;
  readonly #channel: BroadcastChannel;
  readonly #locks: LockManager;
  readonly #host: SharingHost;
  /** Aborted when a peer answers (a token taken, or a failure heard): ends every pending ask. */
  #answered = new AbortController();
  #peerRetryAtMs = -Infinity;
  #closed = false;

  /**
   * Opens the channel, or returns `null` where the browser lacks `BroadcastChannel` or
   * `navigator.locks` (each tab then fetches its own token).
   *
   * @param key - the app's share key; managers with the same key share a token.
   * @param host - the manager: its clock, its token, and where a peer's token goes.
   * @param onToken - called with each token another tab sends; returns whether it was taken.
   */
  static open(key: string, host: SharingHost, onToken: (token: string) => boolean): TabChannel | null {
    const locks = webLocks();
    if (typeof BroadcastChannel !== 'function' || !locks) return null;
    return new TabChannel(key, locks, host, onToken);
  }

  private constructor(
    key: string,
    locks: LockManager,
    host: SharingHost,
    onToken: (token: string) => boolean,
  ) {
    this.#host = host;
    this.#lockName = `access-token-manager:${key}`;
    this.#locks = locks;
    this.#channel = new BroadcastChannel(this.#lockName);
    this.#channel.onmessage = ({ data }: MessageEvent<TabMessage>) => {
      if (data?.type === 'token' && typeof data.token === 'string') {
        this.#peerRetryAtMs = -Infinity; // a tab succeeded: nobody is waiting to retry any more
        if (onToken(data.token)) this.#answerPeers();
      } else if (data?.type === 'request') {
        const held = host.held();
        if (held && host.clock.now() < held.expiresAtMs) this.publish(held.token);
      } else if (data?.type === 'failed' && typeof data.retryAtMs === 'number') {
        this.#peerRetryAtMs = Math.max(this.#peerRetryAtMs, data.retryAtMs);
        this.#answerPeers();
      }
    };
  }

  /**
   * Runs `task` while this tab holds the share key's lock, after any other tab's task. A tab that
   * closes releases its lock, so the next tab in line takes over. `task` is told whether it had to
   * wait: then another tab may have just fetched a token whose broadcast has not arrived yet.
   * Aborting `signal` gives up a place in the queue (the lock of a running task is released when
   * the task settles, which the manager ensures on abort).
   */
  async withLock<T>(signal: AbortSignal, task: (waited: boolean) => Promise<T>): Promise<T> {
    const immediate = await this.#locks.request(this.#lockName, { ifAvailable: true }, async (lock) =>
      lock ? { value: await task(false) } : null,
    );
    if (immediate) return immediate.value;
    return this.#locks.request(this.#lockName, { signal }, () => task(true)) as Promise<T>;
  }

  /**
   * Tells the other tabs that this tab's attempt failed and when it retries (wall-clock ms), so
   * they wait for that retry instead of calling a failing token server too.
   */
  publishFailure(retryAtMs: number): void {
    this.#post({ type: 'failed', retryAtMs });
  }

  /** Whether another tab's attempt failed and it has not retried yet: then this tab should wait. */
  peerWillRetry(): boolean {
    return this.#host.clock.now() < this.#peerRetryAtMs;
  }

  /** Sends a token to every other tab with the same key. */
  publish(token: string): void {
    this.#post({ type: 'token', token });
  }

  /**
   * Asks the other tabs for their token and waits until one is taken, or one reports a failed
   * attempt, or `timeoutMs` passes, or the channel closes.
   */
  async askPeers(timeoutMs: number): Promise<void> {
    const { signal } = this.#answered;
    this.#post({ type: 'request' });
    await this.#host.wait(timeoutMs, signal);
  }

  /** Stops listening for good; pending {@link TabChannel.askPeers} calls end. */
  close(): void {
    this.#closed = true;
    this.#channel.close();
    this.#answered.abort();
  }

  /** Posts to the other tabs; after {@link TabChannel.close}, nothing (a closed channel throws). */
  #post(message: TabMessage): void {
    if (!this.#closed) this.#channel.postMessage(message);
  }

  /** Ends every pending {@link TabChannel.askPeers} wait. */
  #answerPeers(): void {
    if (this.#closed) return; // stays aborted: a later ask ends at once
    const answered = this.#answered;
    this.#answered = new AbortController();
    answered.abort();
  }
}
