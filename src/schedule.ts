import { timerDelayMs, type Clock, type TimerHandle } from './clock';

/**
 * The least time before exp at which the provider is asked, whatever `aboutToExpireMs` is, so
 * the app does not see `tokenExpired` while the provider works; and the least time before exp
 * at which the refresh (or warning) comes after a suspend that ended before the warning.
 */
export const MIN_REFRESH_LEAD_MS = 60_000;

/**
 * How long before exp a token's refresh is due: at the warning, and never less than
 * {@link MIN_REFRESH_LEAD_MS}.
 */
export const refreshLeadMs = (aboutToExpireMs: number): number =>
  Math.max(aboutToExpireMs, MIN_REFRESH_LEAD_MS);

/** The shortest step of an {@link Alarm}, in milliseconds, whatever `aboutToExpireMs` is. */
export const MIN_ALARM_STEP_MS = 15_000;

/**
 * The longest step of the manager's {@link Alarm}: `aboutToExpireMs` less a minute (two minutes
 * by default), at least {@link MIN_ALARM_STEP_MS}.
 *
 * A suspended machine pauses timers and may wake with no signal, so the timer pending when it
 * slept fires at most one step after it wakes. A page awake for the whole last `aboutToExpireMs`
 * before exp therefore gets its refresh (or warning) at least a minute before exp, wherever the
 * sleep ended. The price is one wake-up per step (30 an hour by default).
 *
 * @param aboutToExpireMs - how long before exp the warning is due.
 */
export const alarmStepMs = (aboutToExpireMs: number): number =>
  Math.max(MIN_ALARM_STEP_MS, aboutToExpireMs - MIN_REFRESH_LEAD_MS);

/**
 * One timer that rings at a wall-clock moment, judged by the wall clock, never by the timer.
 *
 * Browsers pause timers while the machine sleeps, so a timer fires late by the length of the
 * sleep, and a wake signal (focus, visibility, `resume`) does not always come: a laptop suspended
 * with a visible window wakes with none. So the alarm never waits longer than `maxStepMs` in one
 * timer: when a step ends it re-reads the clock and waits again, the last step ending on the
 * moment. A sleep that ends at `t` therefore makes it ring at `max(atMs, t + maxStepMs)` at the
 * latest, instead of `atMs + sleep`. A timer that fires late rings at once; a step too long for
 * `setTimeout` is clamped and re-armed.
 */
export interface Alarm {
  /** Rings at `atMs` (local milliseconds since the epoch), replacing any earlier setting; `Infinity` disarms. */
  set(atMs: number): void;
  /** Disarms the alarm. */
  clear(): void;
}

/**
 * Makes an {@link Alarm}, disarmed.
 *
 * @param clock - where time and timers come from.
 * @param maxStepMs - the longest one timer waits (see {@link alarmStepMs}).
 * @param onRing - called once each time the moment set by {@link Alarm.set} is reached.
 * @returns the alarm.
 */
export function createAlarm(clock: Clock, maxStepMs: number, onRing: () => void): Alarm {
  let handle: TimerHandle | undefined;
  let ringAtMs = Infinity;
  const arm = (): void => {
    const leftMs = Math.max(0, ringAtMs - clock.now());
    handle = clock.setTimeout(
      () => {
        handle = undefined;
        if (clock.now() < ringAtMs) arm();
        else onRing();
      },
      timerDelayMs(Math.min(leftMs, maxStepMs)),
    );
  };
  const alarm: Alarm = {
    set(atMs) {
      alarm.clear();
      ringAtMs = atMs;
      if (Number.isFinite(atMs)) arm();
    },
    clear() {
      if (handle !== undefined) clock.clearTimeout(handle);
      handle = undefined;
      ringAtMs = Infinity;
    },
  };
  return alarm;
}
