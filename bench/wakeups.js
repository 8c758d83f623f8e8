// Idle cost: how many times the manager's timers fire (wake the page) per hour and over a token's
// life, with a tokenProvider that always works, on a simulated clock (no real waiting). The alarm
// never waits longer than aboutToExpireMs less a minute (2 minutes by default), so a suspend with
// no wake signal cannot carry the refresh past a minute before exp (issue #14); this counts what
// that costs. Peers for comparison poll on an interval.
import { mintToken } from '../test/support/tokens.js';

/** A clock whose time moves only when `runUntil` runs its timers, counting each one that fires. */
function simulatedClock(startMs) {
  let nowMs = startMs;
  let nextId = 0;
  const timers = new Map();
  const state = { fired: 0 };
  const clock = {
    now: () => nowMs,
    setTimeout(callback, delayMs) {
      timers.set(++nextId, { atMs: nowMs + delayMs, callback });
      return nextId;
    },
    clearTimeout: (id) => void timers.delete(id),
    onWake: () => () => {},
  };
  async function runUntil(endMs) {
    for (;;) {
      let next;
      for (const [id, timer] of timers) if (!next || timer.atMs < next[1].atMs) next = [id, timer];
      if (!next || next[1].atMs > endMs) break;
      timers.delete(next[0]);
      nowMs = Math.max(nowMs, next[1].atMs);
      state.fired += 1;
      next[1].callback();
      await new Promise((resolve) => setImmediate(resolve)); // let the refresh's promises settle
    }
    nowMs = endMs;
  }
  /** Mints a token as the token server would at the simulated time. */
  function mintNow(options) {
    const realNow = Date.now;
    Date.now = () => nowMs;
    try {
      return mintToken(options);
    } finally {
      Date.now = realNow;
    }
  }
  return { clock, state, runUntil, mintNow };
}

/**
 * Timer wake-ups over `days` simulated days of tokens that live `ttlSeconds`.
 * @returns {Promise<{ perHour: number, perToken: number, perDay: number, refreshes: number }>}
 */
export async function wakeUps(AccessManager, ttlSeconds, days = 3) {
  const DAY_MS = 86_400_000;
  const startMs = Date.now();
  const sim = simulatedClock(startMs);
  let refreshes = 0;
  const manager = new AccessManager(sim.mintNow({ ttl: ttlSeconds }), {
    clock: sim.clock,
    tokenProvider: () => {
      refreshes += 1;
      return sim.mintNow({ ttl: ttlSeconds });
    },
  });
  let expired = 0;
  manager.on('tokenExpired', () => (expired += 1));
  await sim.runUntil(startMs + days * DAY_MS);
  manager.destroy();
  if (expired > 0) throw new Error(`tokenExpired fired ${expired} times with a working provider`);
  const tokens = (days * DAY_MS) / (ttlSeconds * 1000);
  return {
    perHour: sim.state.fired / (days * 24),
    perToken: sim.state.fired / tokens,
    perDay: sim.state.fired / days,
    refreshes,
  };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const { AccessManager } = await import(process.argv[2] ?? '../dist/index.js');
  for (const ttl of [86_400, 3_600]) console.log(ttl, await wakeUps(AccessManager, ttl));
}
