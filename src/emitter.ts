import mitt from 'mitt';
import { invalidArgument } from './input';

type Listener = (...args: never[]) => unknown;
type Wrapped = ((args: unknown[]) => void) & { listener: Listener };

/**
 * @internal Reports an exception of the app's own code (a listener, an adapter's undo) the way a
 * browser reports one from an event listener: to the console and `window.onerror`
 * (`reportError`), without stopping the other listeners, the emitter or a `destroy()`. Where
 * there is no `reportError` (Node), it goes to `console.error`: throwing it from a timer would
 * end the process.
 */
export function reportUncaught(error: unknown): void {
  if (typeof reportError === 'function') reportError(error);
  else console.error(error);
}

/**
 * The EventEmitter-style API of twilio-common and the Twilio SDKs (`on`, `once`, `off`,
 * `removeListener`, `removeAllListeners`, `listenerCount`), typed per event, over `mitt`.
 * Each listener runs isolated: one that throws is reported and the rest still run.
 *
 * @typeParam Events - each event's name, mapped to the arguments its listeners receive.
 */
export class EventEmitter<Events extends { [K in keyof Events]: unknown[] }> {
  readonly #mitt = mitt<Record<string, unknown[]>>();
  #closed = false;
  #emitted = 0;

  /**
   * Adds a listener.
   * @returns this emitter, for chaining.
   * @throws {@link AccessTokenError} `invalid-argument` when `listener` is not a function.
   * @example manager.on('tokenExpired', () => showSignInAgain());
   */
  on<K extends keyof Events & string>(event: K, listener: (...args: Events[K]) => unknown): this {
    return this.#add(event, listener, false);
  }

  /**
   * Adds a listener that is removed before its first call.
   * @returns this emitter, for chaining.
   * @throws {@link AccessTokenError} `invalid-argument` when `listener` is not a function.
   * @example manager.once('tokenUpdated', () => console.log('first refresh done'));
   */
  once<K extends keyof Events & string>(event: K, listener: (...args: Events[K]) => unknown): this {
    return this.#add(event, listener, true);
  }

  /**
   * Removes a listener added with `on` or `once` (its most recent registration, if added twice).
   * @returns this emitter, for chaining.
   * @example manager.off('tokenExpired', showSignInAgain);
   */
  off<K extends keyof Events & string>(event: K, listener: (...args: Events[K]) => unknown): this {
    const registered = (this.#mitt.all.get(event) ?? []) as Wrapped[];
    const match = [...registered].reverse().find((wrapped) => wrapped.listener === listener);
    if (match) this.#mitt.off(event, match);
    return this;
  }

  /**
   * The same as `off`, under Node's name.
   * @returns this emitter, for chaining.
   */
  removeListener<K extends keyof Events & string>(event: K, listener: (...args: Events[K]) => unknown): this {
    return this.off(event, listener);
  }

  /**
   * Removes every listener of `event`, or of every event when it is left out.
   * @returns this emitter, for chaining.
   * @example manager.removeAllListeners('tokenUpdated');
   */
  removeAllListeners(event?: keyof Events & string): this {
    if (event === undefined) this.#mitt.all.clear();
    else this.#mitt.all.delete(event);
    return this;
  }

  /**
   * The number of listeners of `event`.
   * @example manager.listenerCount('tokenExpired') // 1
   */
  listenerCount(event: keyof Events & string): number {
    return this.#mitt.all.get(event)?.length ?? 0;
  }

  /** Calls every listener of `event`, in the order they were added, with `args`. */
  protected emit<K extends keyof Events & string>(event: K, ...args: Events[K]): void {
    if (this.#closed) return;
    this.#emitted += 1;
    this.#mitt.emit(event, args);
  }

  /** How many events were emitted so far: a later announcement is stale once this has moved. */
  protected get emittedCount(): number {
    return this.#emitted;
  }

  /** Removes every listener for good: later `on` and `once` calls add nothing, and nothing is emitted. */
  protected closeEvents(): void {
    this.#closed = true;
    this.#mitt.all.clear();
  }

  #add(event: string, listener: Listener, once: boolean): this {
    // Refused here, at the call that made the mistake, not at every later emit.
    if (typeof event !== 'string') throw invalidArgument('event', 'an event name', event);
    if (typeof listener !== 'function') throw invalidArgument('listener', 'a function', listener);
    if (this.#closed) return this;
    let fired = false;
    const wrapped: Wrapped = Object.assign(
      (args: unknown[]) => {
        // An emit nested in an earlier listener may already have called a once listener, and an
        // earlier listener may have closed the emitter (mitt calls a copy of the list).
        if ((once && fired) || this.#closed) return;
        fired = true;
        if (once) this.#mitt.off(event, wrapped);
        try {
          (listener as (...args: unknown[]) => unknown)(...args);
        } catch (error) {
          reportUncaught(error);
        }
      },
      { listener },
    );
    this.#mitt.on(event, wrapped);
    return this;
  }
}
