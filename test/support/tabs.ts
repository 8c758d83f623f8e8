/** In-memory stand-ins for the browser APIs that tabs of one origin share, for the vitest suites. */
import { vi } from 'vitest';

type LockCallback = (lock: { name: string } | null) => unknown;

/**
 * In-memory Web Locks and BroadcastChannel, as two tabs of one origin would see them.
 * @returns `freezeNewestTab()`: the tab whose channel opened last stops running, as a frozen or
 *   busy tab: it keeps its locks, and never handles a message while the test runs.
 */
export function fakeTabs() {
  const channels = new Set<FakeChannel>();
  class FakeChannel {
    onmessage: ((event: { data: unknown }) => void) | null = null;
    closed = false;
    frozen = false;
    constructor(readonly name: string) {
      channels.add(this);
    }
    postMessage(data: unknown) {
      if (this.closed) throw new Error('InvalidStateError: the channel is closed');
      for (const other of channels) {
        if (other !== this && other.name === this.name && !other.closed && !other.frozen) {
          queueMicrotask(() => other.onmessage?.({ data: structuredClone(data) }));
        }
      }
    }
    close() {
      this.closed = true;
      channels.delete(this);
    }
  }
  const held = new Set<string>();
  const queues = new Map<string, (() => void)[]>();
  const locks = {
    // request(name, callback) or request(name, options, callback), as in browsers.
    async request(
      name: string,
      ...rest:
        | [callback: LockCallback]
        | [options: { ifAvailable?: boolean; signal?: AbortSignal }, callback: LockCallback]
    ) {
      const [options, callback] = rest.length === 1 ? [{}, rest[0]] : rest;
      if (options.signal?.aborted) throw new DOMException('aborted', 'AbortError');
      if (held.has(name)) {
        if (options.ifAvailable) return callback(null);
        await new Promise<void>((resolve, reject) => {
          const queue = queues.get(name) ?? [];
          queues.set(name, queue);
          queue.push(resolve);
          options.signal?.addEventListener('abort', () => {
            // Aborting a request that was granted meanwhile does nothing, as in browsers.
            const index = queue.indexOf(resolve);
            if (index < 0) return;
            queue.splice(index, 1);
            reject(new DOMException('aborted', 'AbortError'));
          });
        });
      }
      held.add(name);
      try {
        return await callback({ name });
      } finally {
        const next = queues.get(name)?.shift();
        if (next) next();
        else held.delete(name);
      }
    },
    /**
     * What `navigator.locks.query()` lists: the locks held, and the requests waiting for one. As in
     * browsers (a round trip to the browser process), the answer comes in a later task, never
     * among the microtasks that were queued when it was asked.
     */
    async query() {
      await new Promise((resolve) => setTimeout(resolve, 0));
      return {
        held: [...held].map((name) => ({ name, mode: 'exclusive' })),
        pending: [...queues].flatMap(([name, queue]) => queue.map(() => ({ name, mode: 'exclusive' }))),
      };
    },
  };
  vi.stubGlobal('BroadcastChannel', FakeChannel);
  vi.stubGlobal('navigator', { locks, onLine: true });
  return {
    freezeNewestTab() {
      const newest = [...channels].at(-1);
      if (!newest) throw new Error('no tab to freeze');
      newest.frozen = true;
    },
  };
}

/** Web Locks as browsers grant them: the callback runs later, never inside request(). Call after {@link fakeTabs}. */
export function asyncLockGrants() {
  const { locks } = navigator as unknown as { locks: { request: (...args: unknown[]) => Promise<unknown> } };
  const request = locks.request.bind(locks);
  vi.stubGlobal('navigator', {
    onLine: true,
    locks: { request: async (...args: unknown[]) => (await Promise.resolve(), request(...args)) },
  });
}
