import mitt from 'mitt';

type Listener = (...args: never[]) => unknown;
type Wrapped = ((args: unknown[]) => void) & { listener: Listener };

/**
 * Reports a listener's exception the way a browser reports one from an event listener: to the
 * console and `window.onerror`, without stopping the other listeners or the manager.
 */
function reportListenerError(error: unknown): void {
  if (typeof reportError === 'function') reportError(error);
  else
    globalThis.setTimeout(() => {
      throw error;
    });
}

/**
 * A typed, EventEmitter-style facade over `mitt`: `on`, `once`, `off`, `removeAllListeners`,
 * `listenerCount`, and several arguments per event. Each listener runs isolated: one that throws
 * is reported and the rest still run.
 */
export class Emitter<Events extends { [K in keyof Events]: unknown[] }> {
  readonly #mitt = mitt<Record<string, unknown[]>>();

  /** Adds `listener` for `type`; with `once`, it is removed before its first call. */
  on<K extends keyof Events & string>(
    type: K,
    listener: (...args: Events[K]) => unknown,
    once = false,
  ): void {
    const wrapped: Wrapped = Object.assign(
      (args: unknown[]) => {
        if (once) this.#mitt.off(type, wrapped);
        try {
          (listener as (...args: unknown[]) => unknown)(...args);
        } catch (error) {
          reportListenerError(error);
        }
      },
      { listener: listener as Listener },
    );
    this.#mitt.on(type, wrapped);
  }

  /** Removes the most recently added registration of `listener` for `type`, if any. */
  off<K extends keyof Events & string>(type: K, listener: (...args: Events[K]) => unknown): void {
    const registered = (this.#mitt.all.get(type) ?? []) as Wrapped[];
    const match = [...registered].reverse().find((wrapped) => wrapped.listener === listener);
    if (match) this.#mitt.off(type, match);
  }

  /** Removes every listener of `type`, or of every event when `type` is left out. */
  removeAllListeners(type?: keyof Events & string): void {
    if (type === undefined) this.#mitt.all.clear();
    else this.#mitt.all.delete(type);
  }

  /** The number of listeners of `type`. */
  listenerCount(type: keyof Events & string): number {
    return this.#mitt.all.get(type)?.length ?? 0;
  }

  /** Calls every listener of `type`, in the order they were added, with `args`. */
  emit<K extends keyof Events & string>(type: K, ...args: Events[K]): void {
    this.#mitt.emit(type, args);
  }
}
