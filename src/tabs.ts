/**
 * Sharing one token across the app's open tabs: Web Locks elect the tab that fetches, and a
 * BroadcastChannel hands its token to the others. Tokens travel in memory only: nothing is ever
 * written to localStorage, sessionStorage, cookies or IndexedDB.
 */

import type { Clock } from './clock';

type TabMessage =
  { type: 'token'; token: string } | { type: 'request' } | { type: 'failed'; retryAtMs: number };

/** `navigator.locks`, where the browser has it. */
function webLocks(): LockManager | undefined {
  return typeof navigator === 'object' ? navigator.locks : undefined;
}

/** The tabs of one origin that share a key, as seen from one of them. */
export class TabChannel {
  readonly #lockName: string;
  readonly #channel: BroadcastChannel;
  readonly #locks: LockManager;
  readonly #peerAnswers = new Set<() => void>();
  readonly #clock: Clock;
  #peerRetryAtMs = -Infinity;
  #closed = false;

  /**
   * Opens the channel, or returns `null` where the browser lacks `BroadcastChannel` or
   * `navigator.locks` (each tab then fetches its own token).
   *
   * @param key - the app's share key; managers with the same key share a token.
   * @param onToken - called with each token another tab sends (validate it before use); returns
   *   whether the token was taken.
   * @param currentToken - the token this tab can give a tab that asks for one.
   * @param clock - timers for {@link TabChannel.askPeers}.
   */
  static open(
    key: string,
    onToken: (token: string) => boolean,
    currentToken: () => string | null,
    clock: Clock,
  ): TabChannel | null {
    const locks = webLocks();
    if (typeof BroadcastChannel !== 'function' || !locks) return null;
    return new TabChannel(key, locks, onToken, currentToken, clock);
  }

  private constructor(
    key: string,
    locks: LockManager,
    onToken: (token: string) => boolean,
    currentToken: () => string | null,
    clock: Clock,
  ) {
    this.#clock = clock;
    this.#lockName = `access-manager:${key}`;
    this.#locks = locks;
    this.#channel = new BroadcastChannel(this.#lockName);
    this.#channel.onmessage = ({ data }: MessageEvent<TabMessage>) => {
      if (data?.type === 'token' && typeof data.token === 'string') {
        this.#peerRetryAtMs = -Infinity; // a tab succeeded: nobody is waiting to retry any more
        if (onToken(data.token)) this.#answerPeers();
      } else if (data?.type === 'request') {
        const token = currentToken();
        if (token !== null) this.publish(token);
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
    return this.#clock.now() < this.#peerRetryAtMs;
  }

  /** Sends a token to every other tab with the same key. */
  publish(token: string): void {
    this.#post({ type: 'token', token });
  }

  /** Posts to the other tabs; after {@link TabChannel.close}, nothing (a closed channel throws). */
  #post(message: TabMessage): void {
    if (!this.#closed) this.#channel.postMessage(message);
  }

  /**
   * Asks the other tabs for their token and waits until one is taken, or one reports a failed
   * attempt, or `timeoutMs`.
   * @returns once a token was taken by `onToken`, a failure was heard, or the time ran out.
   */
  askPeers(timeoutMs: number): Promise<void> {
    return new Promise((resolve) => {
      const done = (): void => {
        this.#peerAnswers.delete(done);
        this.#clock.clearTimeout(timer);
        resolve();
      };
      const timer = this.#clock.setTimeout(done, timeoutMs);
      this.#peerAnswers.add(done);
      this.#post({ type: 'request' });
    });
  }

  /** Stops listening; pending `askPeers` calls resolve. */
  close(): void {
    this.#closed = true;
    this.#channel.close();
    this.#answerPeers();
  }

  /** Ends every pending {@link TabChannel.askPeers} wait. */
  #answerPeers(): void {
    for (const answered of [...this.#peerAnswers]) answered();
  }
}
