// Tab sharing on the path to a page's first token (issue #17): a single tab that reloads five
// times gets each token without waiting on the page before it (which left at pagehide), and two
// tabs opened at the same instant make one request to the token server between them.
import assert from 'node:assert/strict';
import { mintToken } from '../support/tokens.js';
import { serve } from './harness.js';

export const name = 'tab sharing at page load: a tab reloading 5 times, two tabs opened at the same instant';

const RELOADS = 5;
const TRIALS = 3;
const WAIT_MS = 10_000;

// Starts a manager at load when the URL says `?start=<key>`, else when `window.start(key)` is
// called or a key arrives on the channel `test-go` (two pages at the same instant).
const PAGE = `<!doctype html>
<meta charset="utf-8">
<title>access-token-manager tabs at load</title>
<script src="/dist/access-token-manager.min.js"></script>
<script src="/dist/access-token-manager-tabs.min.js"></script>
<script>
  window.log = { providerCalls: 0, tokens: 0, firstTokenMs: null, errors: [] };
  window.start = (key) => {
    const started = performance.now();
    const manager = new accessManager.AccessManager(null, {
      tokenProvider: async ({ signal }) => {
        log.providerCalls += 1;
        return (await fetch('/token?key=' + key, { signal })).text();
      },
      shareAcrossTabs: accessManagerTabs.tabSharing(key),
    });
    manager.on('tokenUpdated', () => {
      log.tokens += 1;
      if (log.firstTokenMs === null) log.firstTokenMs = performance.now() - started;
    });
    manager.on('refreshFailed', (error) => log.errors.push(error.reason));
    manager.on('tokenError', (error) => log.errors.push(error.reason));
    window.manager = manager;
  };
  const key = new URLSearchParams(location.search).get('start');
  if (key) start(key);
  new BroadcastChannel('test-go').onmessage = ({ data }) => start(data);
</script>`;

/** A page that is no manager: it listens on the share key's channel and keeps what it hears. */
const SPY = `<!doctype html>
<meta charset="utf-8">
<title>spy</title>
<script>
  window.heard = [];
  window.listen = (key) => {
    new BroadcastChannel('access-token-manager:' + key).onmessage = ({ data }) => heard.push(data.type);
  };
  window.go = (key) => new BroadcastChannel('test-go').postMessage(key);
</script>`;

/** A token server that counts the requests for each share key. */
function tokenServer() {
  const requests = new Map();
  return {
    requestsFor: (key) => requests.get(key) ?? 0,
    route(req, res) {
      const key = new URL(req.url, 'http://127.0.0.1').searchParams.get('key');
      requests.set(key, (requests.get(key) ?? 0) + 1);
      // Slow enough that two tabs opened together really overlap.
      setTimeout(() => {
        res.writeHead(200, { 'content-type': 'text/plain', 'cache-control': 'no-store' }).end(mintToken());
      }, 50);
    },
  };
}

const logOf = (page) => page.evaluate(() => window.log);
const waitForToken = (page) => page.waitForFunction(() => window.log.tokens > 0, null, { timeout: WAIT_MS });

export default async function run({ browser, root }) {
  const tokens = tokenServer();
  const server = await serve(root, {
    '/load.html': (_req, res) => res.writeHead(200, { 'content-type': 'text/html' }).end(PAGE),
    '/spy.html': (_req, res) => res.writeHead(200, { 'content-type': 'text/html' }).end(SPY),
    '/token': tokens.route,
  });
  const context = await browser.newContext();
  const pageErrors = [];
  context.on('weberror', (error) => pageErrors.push(error.error().message));
  try {
    const spy = await context.newPage();
    await spy.goto(`${server.url}/spy.html`);

    // 1. One tab, reloaded: each load is the only tab. The page before it released its presence
    // lock at pagehide, so no load asks it for a token (the spy hears no request) and each load
    // calls its provider at once, once.
    await spy.evaluate(() => window.listen('reload'));
    const tab = await context.newPage();
    await tab.goto(`${server.url}/load.html?start=reload`);
    await waitForToken(tab);
    const loads = [await logOf(tab)];
    for (let reload = 1; reload <= RELOADS; reload++) {
      await tab.reload();
      await waitForToken(tab);
      loads.push(await logOf(tab));
    }
    const summary = loads.map(
      ({ providerCalls, firstTokenMs }) => `${providerCalls} call, ${firstTokenMs.toFixed(0)} ms`,
    );
    for (const [load, log] of loads.entries()) {
      assert.equal(log.providerCalls, 1, `load ${load}: one provider call (${summary.join('; ')})`);
      assert.deepEqual(log.errors, [], `load ${load}: no failure`);
    }
    assert.equal(tokens.requestsFor('reload'), RELOADS + 1, 'one request per load');
    const heard = await spy.evaluate(() => window.heard);
    assert.ok(
      !heard.includes('request'),
      `no load asked the page before it for a token (the channel carried: ${heard.join(', ')})`,
    );
    await tab.close();

    // 2. Two tabs opened at the same instant (a message on a channel both listen to): one request
    // between them, and both hold its token.
    for (let trial = 1; trial <= TRIALS; trial++) {
      const key = `together-${trial}`;
      const pair = [await context.newPage(), await context.newPage()];
      await Promise.all(pair.map((page) => page.goto(`${server.url}/load.html`)));
      await spy.evaluate((key) => window.go(key), key);
      await Promise.all(pair.map(waitForToken));
      const held = await Promise.all(pair.map((page) => page.evaluate(() => window.manager.token)));
      const logs = await Promise.all(pair.map(logOf));
      assert.equal(
        tokens.requestsFor(key),
        1,
        `trial ${trial}: one request for two tabs opened together (provider calls: ${logs.map((log) => log.providerCalls).join(', ')})`,
      );
      assert.equal(held[0], held[1], `trial ${trial}: both tabs hold the same token`);
      for (const log of logs) assert.deepEqual(log.errors, [], `trial ${trial}: no failure`);
      await Promise.all(pair.map((page) => page.close()));
    }
    assert.deepEqual(pageErrors, [], 'no uncaught errors in the pages');
  } finally {
    await context.close();
    await server.close();
  }
}
