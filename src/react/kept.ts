/**
 * Something an effect made and its cleanup gives up, released a microtask later unless the effect
 * takes it back first.
 *
 * Why: in development, StrictMode mounts every effect, runs its cleanup and mounts it again, all
 * in one synchronous pass. An effect that destroyed what it made in its cleanup would make it
 * twice: two managers and two provider calls, two SDK clients. Released a microtask later, the
 * first one is taken back by the second mount, so there is exactly one; a real unmount (nothing
 * takes it back) still releases it, before any timer or network answer can reach it.
 */
export class Kept<T> {
  #value: T | null = null;
  #releasing = false;
  readonly #release: (value: T) => void;

  /** @param release - ends a value for good (destroys the manager, disposes of the client). */
  constructor(release: (value: T) => void) {
    this.#release = release;
  }

  /** Holds `value` from now on. */
  keep(value: T): T {
    this.releaseNow();
    this.#value = value;
    return value;
  }

  /** The value a cleanup gave up and no one released yet, taken back; `null` when there is none. */
  reclaim(): T | null {
    this.#releasing = false;
    return this.#value;
  }

  /** Gives the value up: it is released in a microtask, unless {@link Kept.reclaim} takes it back. */
  release(): void {
    if (this.#value === null || this.#releasing) return;
    this.#releasing = true;
    queueMicrotask(() => {
      if (this.#releasing) this.releaseNow();
    });
  }

  /** Releases the value now, if there is one. */
  releaseNow(): void {
    const value = this.#value;
    this.#value = null;
    this.#releasing = false;
    if (value !== null) this.#release(value);
  }
}
