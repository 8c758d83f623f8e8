// Hostile input: how long each scan of untrusted text takes on 192 KB made to make a regular
// expression backtrack (issue #23: 7.5 s for `<title` before the scans were made linear), against
// the same call on 192 KB of plain text. Medians of repeated samples, in milliseconds. Runs alone
// with `node bench/hostile.js` (after `npm run build`), and as part of `npm run bench`.
import { AccessManager, fromEndpoint } from '../dist/index.js';
import { explainError, inspectAccessToken } from '../dist/inspect.js';

const SAMPLES = 11;
const BYTES = 192 * 1024;
const repeated = (unit) => unit.repeat(Math.ceil(BYTES / unit.length));

/** Median of `SAMPLES` timings of `run` (awaited), in milliseconds. */
async function medianMs(run) {
  await run(); // warm-up
  const timesMs = [];
  for (let sample = 0; sample < SAMPLES; sample++) {
    const startedMs = performance.now();
    await run();
    timesMs.push(performance.now() - startedMs);
  }
  timesMs.sort((a, b) => a - b);
  return timesMs[Math.floor(SAMPLES / 2)];
}

/** fromEndpoint against an in-memory 2xx answer with `body`, as a page's fetch would get it. */
function endpointAnswering(body) {
  const provider = fromEndpoint('https://app.example/token');
  return async () => {
    const realFetch = globalThis.fetch;
    globalThis.fetch = async () => new Response(body, { status: 200 });
    try {
      await provider({ reason: 'initial', signal: new AbortController().signal });
    } catch {
      // Refused, as it should be: the time is what is measured.
    } finally {
      globalThis.fetch = realFetch;
    }
  };
}

const plain = repeated('plain ');
/** A manager's updateToken of `input`, refused (with `/inspect` loaded, its findings are made). */
const refused = (input) => async () => {
  const manager = new AccessManager(null);
  await manager.updateToken(input).catch(() => {});
  manager.destroy();
};
const cases = [
  [
    'inspectAccessToken, <html> + many "<title"',
    () => inspectAccessToken('<html>' + repeated('<title')),
    () => inspectAccessToken('<html>' + plain),
  ],
  [
    'updateToken with /inspect, many "<title"',
    refused('<html>' + repeated('<title')),
    refused('<html>' + plain),
  ],
  [
    'fromEndpoint, a 2xx body of many "<title"',
    endpointAnswering(repeated('<title')),
    endpointAnswering('<' + plain),
  ],
  ['explainError, many "eyJ"', () => explainError(repeated('eyJ')), () => explainError(plain)],
];

/** Measures each scan; returns the rows printed. */
export async function hostileScans() {
  const rows = [];
  for (const [name, hostile, benign] of cases) {
    rows.push({ name, hostileMs: await medianMs(hostile), benignMs: await medianMs(benign) });
  }
  return rows;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  for (const { name, hostileMs, benignMs } of await hostileScans()) {
    console.log(
      `${name} (192 KB)`.padEnd(60),
      `${hostileMs.toFixed(2)} ms (plain text: ${benignMs.toFixed(2)} ms)`,
    );
  }
}
