// `npm run bench`: speed and memory of the built package, each against a peer measured in the
// same run, reported as medians of repeated samples. Run `npm run build` first.
import { jwtDecode } from 'jwt-decode';
import { AccessManager, decodeAccessToken } from '../dist/index.js';
import { mintToken } from '../test/support/tokens.js';
import { fanoutInChromium } from './fanout-chromium.js';
import { hostileScans } from './hostile.js';
import { firstTokenInChromium } from './tabs-chromium.js';
import { wakeUps } from './wakeups.js';

const SAMPLES = 15;

/** Median of `SAMPLES` timings of `iterations` calls of `fn`, in nanoseconds per call. */
function measure(iterations, fn) {
  for (let i = 0; i < iterations; i++) fn(i); // warm-up: let the JIT settle first
  const perCallNs = [];
  for (let sample = 0; sample < SAMPLES; sample++) {
    const started = process.hrtime.bigint();
    for (let i = 0; i < iterations; i++) fn(i);
    perCallNs.push(Number(process.hrtime.bigint() - started) / iterations);
  }
  perCallNs.sort((a, b) => a - b);
  return perCallNs[Math.floor(SAMPLES / 2)];
}

const format = (ns) => (ns >= 1000 ? `${(ns / 1000).toFixed(2)} µs` : `${ns.toFixed(0)} ns`);
const token = mintToken({ grants: ['chat', 'voice', 'sync'] });
let sink = 0;

// 1. Decoding and validating a token, against jwt-decode decoding its header and payload (the
// floor: the work any validation has to do).
const peerNs = measure(20_000, () => {
  sink += jwtDecode(token, { header: true }).alg.length + jwtDecode(token).exp;
});
const decodeNs = measure(20_000, () => {
  sink += decodeAccessToken(token).payload.exp;
});
console.log(
  'decodeAccessToken (decode + validate)       ',
  format(decodeNs),
  `(${(decodeNs / peerNs).toFixed(2)}× jwt-decode header + payload: ${format(peerNs)})`,
);

// 2. A manager's whole life: construct with a token (decode, validate, arm one timer), destroy.
const lifeNs = measure(5_000, () => {
  new AccessManager(token).destroy();
});
console.log(
  'new AccessManager(token).destroy()          ',
  format(lifeNs),
  `(${(lifeNs / decodeNs).toFixed(2)}× decodeAccessToken alone)`,
);

// 3. Memory: heap retained after 20 000 create/destroy cycles, against the same loop that only
// decodes (so what remains is what destroy() failed to release).
async function retainedBytes(cycle) {
  globalThis.gc?.();
  const before = process.memoryUsage().heapUsed;
  const kept = [];
  for (let i = 0; i < 20_000; i++) kept.push(cycle());
  kept.length = 0;
  await new Promise((resolve) => setTimeout(resolve, 50));
  globalThis.gc?.();
  return process.memoryUsage().heapUsed - before;
}
if (globalThis.gc) {
  const peerBytes = await retainedBytes(() => decodeAccessToken(token));
  const managerBytes = await retainedBytes(() => new AccessManager(token).destroy());
  console.log(
    'heap retained after 20 000 create+destroy   ',
    `${(managerBytes / 1024).toFixed(0)} KiB (decode-only loop: ${(peerBytes / 1024).toFixed(0)} KiB)`,
  );
} else {
  console.log('heap: run with node --expose-gc for the memory figure');
}
// 4. Idle cost: timer wake-ups per hour with a 1-hour and a 24-hour token, simulated days with a
// working provider, against peers that poll (oidc-client-ts every 5 s: 720 an hour; supabase-js
// every 30 s: 120 an hour).
for (const [ttl, label] of [
  [3_600, '1-hour'],
  [86_400, '24-hour'],
]) {
  const { perHour, perToken } = await wakeUps(AccessManager, ttl);
  console.log(
    `timer wake-ups per hour, ${label} token`.padEnd(44),
    `${perHour.toFixed(1)} (${perToken.toFixed(0)} per token; oidc-client-ts polls 720 an hour, supabase-js 120)`,
  );
}

// 5. Fan-out in Chromium: one updateToken to N synchronous clients, against a bare loop over the
// same clients in the same page and run.
for (const { clients, pushMs, bareMs } of await fanoutInChromium()) {
  console.log(
    `updateToken to ${clients.toLocaleString('en')} sync clients (Chromium)`.padEnd(45),
    `${pushMs.toFixed(3)} ms (bare loop over the same clients: ${bareMs.toFixed(3)} ms, ${(pushMs / bareMs).toFixed(0)}×)`,
  );
}

// 6. Time to the first token in Chromium, through `npm start`'s server: without tab sharing, the
// only tab with it, and a second tab (which adopts the first one's token: its provider calls).
{
  const { noSharingMs, onlyTabMs, secondTabMs, secondTabProviderCalls, rounds } =
    await firstTokenInChromium();
  console.log('first token, no tab sharing (Chromium)'.padEnd(45), `${noSharingMs.toFixed(1)} ms`);
  console.log(
    'first token, the only tab, tabSharing'.padEnd(45),
    `${onlyTabMs.toFixed(1)} ms (${(onlyTabMs - noSharingMs).toFixed(1)} ms more than without sharing)`,
  );
  console.log(
    'first token, a second tab, tabSharing'.padEnd(45),
    `${secondTabMs.toFixed(1)} ms (provider calls: ${secondTabProviderCalls} in ${rounds} loads)`,
  );
}

// 7. Hostile input: each scan of untrusted text on 192 KB made to make a regular expression
// backtrack, against the same call on 192 KB of plain text (see bench/hostile.js).
for (const { name, hostileMs, benignMs } of await hostileScans()) {
  console.log(
    `${name} (192 KB)`.padEnd(45),
    `${hostileMs.toFixed(2)} ms (plain text: ${benignMs.toFixed(2)} ms)`,
  );
}

if (sink === 42) console.log('');
