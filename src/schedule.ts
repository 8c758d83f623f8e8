import { timerDelayMs, type Clock, type TimerHandle } from './clock';

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
 * The shortest step of an {@link Alarm}, in milliseconds: closer to its moment than twice this,
 * it waits the rest in one timer.
 */
export const MIN_ALARM_STEP_MS = 60_000;

/**
 * One timer that rings at a wall-clock moment, judged by the wall clock, never by the timer.
 *
 * Browsers pause timers while the machine sleeps, so a timer fires late by the length of the
 * sleep, and a wake signal (focus, visibility, `resume`) does not always come: a laptop suspended
 * with a visible window wakes with none. So the alarm never waits the whole way in one timer: it
 * waits half of what is left, re-reads the clock, and waits half again, down to
 * {@link MIN_ALARM_STEP_MS}. A sleep that starts at `u` and ends at `t` therefore makes it ring
 * at most at `t + (atMs − u) / 2` (or `t + 2 × MIN_ALARM_STEP_MS` near the moment) instead of
 * `atMs + (t − u)`. The price is a few wake-ups: about `log2(delay / 1 min)`, 11 for a refresh due
 * 24 hours away. A timer that fires late rings at once; a step too long for `setTimeout` is
 * clamped and re-armed.
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
    const leftMs = Math.max(0, this.#atMs - this.#clock.now());
    const delayMs = leftMs <= 2 * MIN_ALARM_STEP_MS ? leftMs : leftMs / 2;
    this.#handle = this.#clock.setTimeout(() => {
      this.#handle = undefined;
      if (this.#clock.now() < this.#atMs) this.#arm();
      else this.#onRing();
    }, timerDelayMs(delayMs));
  }
}
