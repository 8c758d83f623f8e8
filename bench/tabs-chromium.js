// Time to the first token in a real Chromium, with and without tab sharing, through `npm start`'s
// server (scripts/start.js: its token endpoint, and the demo's import map of the ES build). From
// `new AccessManager(null, { tokenProvider })` to the first `tokenUpdated`, in three cases:
//   - no sharing: the page asks its provider (a fetch of /token);
//   - the only tab, with `shareAcrossTabs: tabSharing(key)`: no other page of the key is open;
//   - a second tab: another page of the key holds a token; counts this page's provider calls.
// The cases take turns, one page load each per round, so a busy machine weighs on all three alike.
// Reported as medians. Run `npm run build` first.
import { fileURLToPath } from 'node:url';
import { launchChromium, startDemo } from '../test/browser/harness.js';

const ROUNDS = 15;
const root = fileURLToPath(new URL('..', import.meta.url));

// Served at the demo's origin by the browser context (the demo serves only its own pages): the
// demo's import map, and a function that makes one manager and times its first token.
const PAGE = `<!doctype html>
<meta charset="utf-8">
<title>time to first token</title>
<script type="importmap">
  {
    "imports": {
      "access-token-manager": "/dist/index.js",
      "access-token-manager/tabs": "/dist/tabs.js",
      "jwt-decode": "/node_modules/jwt-decode/build/esm/index.js",
      "mitt": "/node_modules/mitt/dist/mitt.mjs"
    }
  }
</script>
<script type="module">
  import { AccessManager } from 'access-token-manager';
  import { tabSharing } from 'access-token-manager/tabs';
  window.providerCalls = 0;
  window.firstToken = (share) =>
    new Promise((resolve) => {
      const tokenProvider = async ({ signal }) => {
        window.providerCalls += 1;
        const response = await fetch('/token', { signal, cache: 'no-store' });
        return (await response.json()).token;
      };
      const started = performance.now();
      const manager = new AccessManager(null, {
        tokenProvider,
        ...(share ? { shareAcrossTabs: tabSharing('bench:alice') } : {}),
      });
      manager.once('tokenUpdated', () => resolve(performance.now() - started));
      window.manager = manager;
    });
  window.ready = true;
</script>`;

const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

/** Opens the bench page in `context`, ready to call `firstToken`. */
async function openPage(context, url) {
  const page = await context.newPage();
  await page.goto(`${url}bench/first-token.html`);
  await page.waitForFunction(() => window.ready === true);
  return page;
}

/** One page load: its time to the first token (ms) and its provider calls. */
async function firstToken(context, url, share) {
  const page = await openPage(context, url);
  const ms = await page.evaluate((share) => window.firstToken(share), share);
  const providerCalls = await page.evaluate(() => window.providerCalls);
  await page.close(); // gone before the next round: its locks are released
  return { ms, providerCalls };
}

/**
 * @returns {Promise<{ noSharingMs: number, onlyTabMs: number, secondTabMs: number,
 *   secondTabProviderCalls: number, rounds: number }>} medians, and the provider calls of every
 *   second tab summed over the rounds.
 */
export async function firstTokenInChromium(rounds = ROUNDS) {
  const demo = startDemo(root);
  let browser;
  try {
    const url = await demo.url;
    browser = await launchChromium();
    const context = await browser.newContext();
    await context.route('**/bench/first-token.html', (route) =>
      route.fulfill({ status: 200, contentType: 'text/html', body: PAGE }),
    );
    // Each case in a context of its own: the second tab's first page must not be a peer of the
    // only tab. Storage partitions (and so locks and channels) are per context.
    const alone = await browser.newContext();
    await alone.route('**/bench/first-token.html', (route) =>
      route.fulfill({ status: 200, contentType: 'text/html', body: PAGE }),
    );
    const first = await openPage(context, url);
    await first.evaluate(() => window.firstToken(true));

    // A warm-up round (the server's first mint, Chromium's caches), not counted.
    await firstToken(alone, url, false);
    await firstToken(alone, url, true);
    await firstToken(context, url, true);
    const noSharing = [];
    const onlyTab = [];
    const secondTab = [];
    let secondTabProviderCalls = 0;
    for (let round = 0; round < rounds; round++) {
      noSharing.push((await firstToken(alone, url, false)).ms);
      onlyTab.push((await firstToken(alone, url, true)).ms);
      const second = await firstToken(context, url, true);
      secondTab.push(second.ms);
      secondTabProviderCalls += second.providerCalls;
    }
    return {
      noSharingMs: median(noSharing),
      onlyTabMs: median(onlyTab),
      secondTabMs: median(secondTab),
      secondTabProviderCalls,
      rounds,
    };
  } finally {
    await browser?.close();
    demo.child.kill();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const { noSharingMs, onlyTabMs, secondTabMs, secondTabProviderCalls, rounds } =
    await firstTokenInChromium();
  console.log(
    `no sharing ${noSharingMs.toFixed(1)} ms | the only tab ${onlyTabMs.toFixed(1)} ms ` +
      `(+${(onlyTabMs - noSharingMs).toFixed(1)}) | a second tab ${secondTabMs.toFixed(1)} ms, ` +
      `${secondTabProviderCalls} provider calls in ${rounds} loads`,
  );
}
