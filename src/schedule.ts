import { MAX_TIMER_DELAY_MS, type Clock, type TimerHandle } from './clock';

/** The two local moments at which a token's events are due. */
export interface ExpiryDeadlines {
  /** When `tokenAboutToExpire` is due, in local milliseconds since the epoch. */
  aboutToExpireAtMs: number;
  /** When `tokenExpired` is due, in local milliseconds since the epoch. */
  expiresAtMs: number;
}

/**
 * Turns a token's exp (server time) into local deadlines.
 *
 * @param expMs - the token's exp, in milliseconds since the epoch, by the server's clock.
 * @param skewMs - how far the server's clock is ahead of the local one (0 or more).
 * @param aboutToExpireMs - how long before exp the warning is due.
 * @returns the deadlines by the local clock.
 */
export function expiryDeadlines(expMs: number, skewMs: number, aboutToExpireMs: number): ExpiryDeadlines {
  const expiresAtMs = expMs - skewMs;
  return { aboutToExpireAtMs: expiresAtMs - aboutToExpireMs, expiresAtMs };
}

/**
 * One timer that rings at a wall-clock moment. It re-reads the clock when it fires: a delay too
 * long for `setTimeout` is waited in steps, and a timer that fires late (a throttled tab, a laptop
 * that slept) rings at once, so the owner always judges by the wall clock, never by the timer.
 */
export class Alarm {
  readonly #clock: Clock;
  readonly #onRing: () => void;
  #handle: TimerHandle | undefined;
  #atMs = Infinity;

  /**
   * @param clock - where time and timers come from.
   * @param onRing - called once each time the moment set by {@link Alarm.set} is reached.
   */
  constructor(clock: Clock, onRing: () => void) {
    this.#clock = clock;
    this.#onRing = onRing;
  }

  /** Rings at `atMs` (local milliseconds since the epoch), replacing any earlier setting; `Infinity` disarms. */
  set(atMs: number): void {
    this.clear();
    this.#atMs = atMs;
    if (Number.isFinite(atMs)) this.#arm();
  }

  /** Disarms the alarm. */
  clear(): void {
    if (this.#handle !== undefined) this.#clock.clearTimeout(this.#handle);
    this.#handle = undefined;
    this.#atMs = Infinity;
  }

  #arm(): void {
    const delayMs = Math.min(Math.max(0, this.#atMs - this.#clock.now()), MAX_TIMER_DELAY_MS);
    this.#handle = this.#clock.setTimeout(() => {
      this.#handle = undefined;
      if (this.#clock.now() < this.#atMs) this.#arm();
      else this.#onRing();
    }, delayMs);
  }
}
