import { EMPTY_SNAPSHOT, type AccessManager, type AccessTokenSnapshot } from 'access-token-manager';
import { createIdleManager } from '../bindings/idleManager';
import { Kept } from './kept';

/**
 * What an {@link AccessManagerProvider} gives its hooks: the manager (the app's, or the one the
 * provider owns once it has mounted), the token snapshot, and who to tell when either changes.
 * Creating it has no side effect, so React may create one during a render and throw it away.
 */
export class ManagerStore {
  #live: AccessManager | null;
  #idle: AccessManager | null = null;
  readonly #create: (() => AccessManager) | null;
  readonly #owned: Kept<AccessManager>;
  readonly #listeners = new Set<() => void>();

  /**
   * @param given - the app's manager, never destroyed here; or `null` for one made by `create`.
   * @param create - makes the manager the provider owns, when it mounts (never during a render).
   */
  constructor(given: AccessManager | null, create: (() => AccessManager) | null) {
    this.#live = given;
    this.#create = given ? null : create;
    this.#owned = new Kept((manager) => {
      if (this.#live === manager) this.#setLive(null);
      manager.destroy();
    });
  }

  /**
   * The manager to hand the app: the live one, or, before an owning provider has mounted (the
   * first render, server rendering), an idle one: no token, no provider, no timer, no listener.
   */
  get manager(): AccessManager {
    return this.#live ?? (this.#idle ??= createIdleManager());
  }

  /** Adds a function called on every change; for `useSyncExternalStore`. */
  readonly subscribe = (onChange: () => void): (() => void) => {
    this.#listeners.add(onChange);
    return () => void this.#listeners.delete(onChange);
  };

  /** The live manager's snapshot (the same object until a field changes), or the empty one. */
  readonly getSnapshot = (): AccessTokenSnapshot => this.#live?.getSnapshot() ?? EMPTY_SNAPSHOT;

  /** The manager for `useSyncExternalStore`: the same object until the live one changes. */
  readonly getManager = (): AccessManager => this.manager;

  /**
   * Runs `attach` with the live manager now (if there is one) and again whenever it changes; the
   * function `attach` returns detaches it.
   * @returns the function that stops watching and detaches.
   */
  watch(attach: (manager: AccessManager) => (() => void) | void): () => void {
    let attached: AccessManager | null = null;
    let detach: (() => void) | void;
    const follow = (): void => {
      if (attached === this.#live) return;
      detach?.();
      attached = this.#live;
      detach = attached ? attach(attached) : undefined;
    };
    follow();
    const unsubscribe = this.subscribe(follow);
    return () => {
      unsubscribe();
      detach?.();
    };
  }

  /**
   * The provider's effect: makes the manager it owns (or takes back the one StrictMode's
   * simulated unmount left) and follows its snapshot.
   * @returns the cleanup: stops following and, for an owned manager, destroys it a microtask
   *   later unless the provider mounts again at once.
   */
  mount(): () => void {
    if (this.#create) {
      const manager = this.#owned.reclaim() ?? this.#owned.keep(this.#create());
      if (this.#live !== manager) this.#setLive(manager);
    }
    const manager = this.#live;
    if (manager === null) return () => {};
    // The manager tells only real changes of its snapshot (never clientError, nor a tick).
    const unsubscribe = manager.subscribe(() => this.#notify());
    return () => {
      unsubscribe();
      this.#owned.release();
    };
  }

  #setLive(manager: AccessManager | null): void {
    this.#live = manager;
    this.#notify();
  }

  #notify(): void {
    for (const listener of [...this.#listeners]) listener();
  }
}
