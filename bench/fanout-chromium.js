// Fan-out in a real Chromium: one updateToken pushed to 1,000 synchronous clients, against a bare
// loop that calls the same clients' updateToken in the same page and run. Loads the <script>
// build (dist/access-token-manager.min.js). Reported as medians of repeated samples.
import { readFile } from 'node:fs/promises';
import { launchChromium } from '../test/browser/harness.js';
import { mintToken } from '../test/support/tokens.js';

const CLIENTS = [1_000, 10_000];
const SAMPLES = 15;
/** Pushes per sample: performance.now() is coarse outside cross-origin isolation (0.1 ms). */
const PUSHES_PER_SAMPLE = 10;

/**
 * @param {string} [bundlePath] the script-tag build to measure (default: this build)
 * @returns {Promise<{ clients: number, pushMs: number, bareMs: number }[]>}
 */
export async function fanoutInChromium(
  bundlePath = new URL('../dist/access-token-manager.min.js', import.meta.url),
) {
  const bundle = await readFile(bundlePath, 'utf8');
  // Distinct tokens (a push of the token held is a no-op): each lives a second less than the last.
  const tokens = Array.from({ length: (SAMPLES + 1) * PUSHES_PER_SAMPLE + 1 }, (_, i) =>
    mintToken({ ttl: 3600 - i }),
  );
  const browser = await launchChromium();
  try {
    const page = await browser.newPage();
    await page.addScriptTag({ content: bundle });
    const results = [];
    for (const clients of CLIENTS) {
      results.push(
        await page.evaluate(
          async ({ clients, tokens, samples, perSample }) => {
            const median = (values) => values.sort((a, b) => a - b)[Math.floor(values.length / 2)];
            let sink = 0;
            const list = Array.from({ length: clients }, () => ({
              updateToken(token) {
                sink += token.length;
              },
            }));
            const manager = new window.accessManager.AccessManager(tokens[0]);
            for (const client of list) manager.register(client);
            let next = 1;
            const push = [];
            const bare = [];
            for (let sample = -1; sample < samples; sample++) {
              // sample -1 is the warm-up: let the JIT settle first
              let started = performance.now();
              for (let i = 0; i < perSample; i++) await manager.updateToken(tokens[next++]);
              const pushMs = (performance.now() - started) / perSample;
              // The bare loop is far quicker: ten times the rounds, for the timer's resolution.
              started = performance.now();
              for (let i = 0; i < perSample * 10; i++) {
                const token = tokens[i];
                for (const client of list) client.updateToken(token);
                await null; // the push above awaits too: the same one microtask turn per push
              }
              const bareMs = (performance.now() - started) / (perSample * 10);
              if (sample >= 0) {
                push.push(pushMs);
                bare.push(bareMs);
              }
            }
            manager.destroy();
            if (sink === 42) console.log('');
            return { clients, pushMs: median(push), bareMs: median(bare) };
          },
          { clients, tokens, samples: SAMPLES, perSample: PUSHES_PER_SAMPLE },
        ),
      );
    }
    return results;
  } finally {
    await browser.close();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  for (const { clients, pushMs, bareMs } of await fanoutInChromium(process.argv[2])) {
    console.log(clients, pushMs.toFixed(3), bareMs.toFixed(3), (pushMs / bareMs).toFixed(1));
  }
}
