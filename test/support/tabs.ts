/** In-memory stand-ins for the browser APIs that tabs of one origin share, for the vitest suites. */
import { vi } from 'vitest';

/** In-memory Web Locks and BroadcastChannel, as two tabs of one origin would see them. */
export function fakeTabs() {
  const channels = new Set<FakeChannel>();
  class FakeChannel {
    onmessage: ((event: { data: unknown }) => void) | null = null;
    closed = false;
    constructor(readonly name: string) {
      channels.add(this);
    }
    postMessage(data: unknown) {
      if (this.closed) throw new Error('InvalidStateError: the channel is closed');
      for (const other of channels) {
        if (other !== this && other.name === this.name && !other.closed) {
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
    async request(
      name: string,
      options: { ifAvailable?: boolean; signal?: AbortSignal },
      callback: (lock: { name: string } | null) => unknown,
    ) {
      if (held.has(name)) {
        if (options.ifAvailable) return callback(null);
        await new Promise<void>((resolve, reject) => {
          const queue = queues.get(name) ?? [];
          queues.set(name, queue);
          queue.push(resolve);
          options.signal?.addEventListener('abort', () => {
            queue.splice(queue.indexOf(resolve), 1);
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
  };
  vi.stubGlobal('BroadcastChannel', FakeChannel);
  vi.stubGlobal('navigator', { locks, onLine: true });
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
