// Three tabs of one page share one token through Web Locks and BroadcastChannel: one request to the
// token server per refresh across the tabs, every tab ends with the same token, and when the tab
// holding the lock closes mid-fetch another tab takes over. Tokens stay in memory only.
import assert from 'node:assert/strict';
import { mintToken } from '../support/tokens.js';
import { serve } from './harness.js';

export const name = 'three tabs share one token: one request per refresh, lock holder closing mid-fetch';

const TAB_COUNT = 3;
/** How long the token server takes to answer, so the tabs really overlap. */
const ANSWER_DELAY_MS = 300;
/** The first token lives 5 s: every tab reaches its half-life and refreshes at about the same time. */
const FIRST_TTL_S = 5;
const WAIT_MS = 6_000;

const PAGE = `<!doctype html>
<meta charset="utf-8">
<title>access-token-manager tabs</title>
<script src="/dist/access-token-manager.min.js"></script>
<script src="/dist/access-token-manager-tabs.min.js"></script>
<script>
  window.start = () => {
    const log = { expired: 0, refreshFailed: [], tokenErrors: [] };
    const manager = new accessManager.AccessManager(null, {
      tokenProvider: ({ signal }) => fetch('/token', { signal }).then((response) => response.text()),
      shareAcrossTabs: accessManagerTabs.tabSharing('demo'),
    });
    manager.on('tokenExpired', () => (log.expired += 1));
    manager.on('refreshFailed', (error, { attempt }) => log.refreshFailed.push(error.reason + ' #' + attempt));
    manager.on('tokenError', (error) => log.tokenErrors.push(error.reason));
    window.manager = manager;
    window.log = log;
  };
</script>`;

/** A token server that counts requests, remembers which tab sent each, and can hold answers. */
function tokenServer() {
  const requests = [];
  const held = new Set();
  const server = { requests, hold: false, ttl: FIRST_TTL_S };
  server.route = (req, res) => {
    const tab = new URL(req.headers.referer ?? 'http://127.0.0.1/').searchParams.get('tab');
    const request = { tab, state: 'pending', token: null };
    requests.push(request);
    res.on('close', () => {
      held.delete(res);
      if (request.state === 'pending') request.state = 'aborted';
    });
    const answer = () => {
      if (request.state !== 'pending') return;
      request.state = 'answered';
      request.token = mintToken({ ttl: server.ttl, grants: ['chat', 'voice'] });
      res.writeHead(200, { 'content-type': 'text/plain', 'cache-control': 'no-store' }).end(request.token);
    };
    if (server.hold) held.add(res);
    else setTimeout(answer, ANSWER_DELAY_MS);
  };
  server.dropHeld = () => {
    for (const res of held) res.destroy();
  };
  return server;
}

/** Which tab sent each request so far, for failure messages. */
const senders = (requests) =>
  `requests by tab: ${requests.map(({ tab, state }) => `${tab} (${state})`).join(', ')}`;

/** Waits until `predicate()` is true, polling in Node. */
async function until(predicate, what, timeoutMs = WAIT_MS) {
  const deadline = Date.now() + timeoutMs;
  while (!predicate()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

const tokenOf = (page) => page.evaluate(() => window.manager.token);
const logOf = (page) => page.evaluate(() => window.log);
const tokensOf = (pages) => Promise.all(pages.map(tokenOf));

/** Waits until every page holds a token other than `previous`, and returns them. */
async function newTokens(pages, previous) {
  await Promise.all(
    pages.map((page) =>
      page.waitForFunction(
        (previous) => window.manager.token && window.manager.token !== previous,
        previous,
        {
          timeout: WAIT_MS,
        },
      ),
    ),
  );
  return tokensOf(pages);
}

export default async function run({ browser, root }) {
  const tokens = tokenServer();
  const server = await serve(root, {
    '/tabs.html': (_req, res) => res.writeHead(200, { 'content-type': 'text/html' }).end(PAGE),
    '/token': tokens.route,
  });
  const context = await browser.newContext();
  const pageErrors = [];
  try {
    const pages = [];
    for (let tab = 1; tab <= TAB_COUNT; tab++) {
      const page = await context.newPage();
      page.on('pageerror', (error) => pageErrors.push(`tab ${tab}: ${error.message}`));
      await page.goto(`${server.url}/tabs.html?tab=${tab}`);
      pages.push(page);
    }

    // 1. Three tabs start at once with no token: one request, one token everywhere.
    await Promise.all(pages.map((page) => page.evaluate(() => window.start())));
    const [first, ...others] = await newTokens(pages, null);
    assert.equal(tokens.requests.length, 1, `one request for the first token; ${senders(tokens.requests)}`);
    for (const token of others) assert.equal(token, first, 'every tab holds the first token');

    // 2. The 5-second token reaches its half-life in every tab at about the same moment.
    tokens.ttl = 3600;
    const [second, ...othersAgain] = await newTokens(pages, first);
    assert.equal(
      tokens.requests.length,
      2,
      `one more request when every tab refreshes the short token; ${senders(tokens.requests)}`,
    );
    assert.equal(second, tokens.requests[1].token, 'the token the server answered');
    for (const token of othersAgain) assert.equal(token, second, 'every tab holds the refreshed token');

    // Never two tokens minted in the same second: the next one must be newer.
    await new Promise((resolve) => setTimeout(resolve, 1_100));

    // 3. All three refresh at once; the server holds the lock holder's request, and its tab closes.
    tokens.hold = true;
    await Promise.all(
      pages.map((page) =>
        page.evaluate(() => {
          window.refreshed = window.manager.refresh().then(
            (token) => ({ token }),
            (error) => ({ error: error.reason ?? String(error) }),
          );
        }),
      ),
    );
    await until(() => tokens.requests.length === 3, 'the lock holder to ask for a token');
    const hung = tokens.requests[2];
    const holder = pages[Number(hung.tab) - 1];
    assert.ok(holder, `the request came from a known tab (referer tab=${hung.tab})`);
    tokens.hold = false;
    await holder.close();
    const remaining = pages.filter((page) => page !== holder);

    const outcomes = await Promise.all(
      remaining.map((page) =>
        page.evaluate(() =>
          Promise.race([
            window.refreshed,
            new Promise((resolve) => setTimeout(() => resolve('pending'), 5000)),
          ]),
        ),
      ),
    );
    await until(() => hung.state !== 'pending', 'the closed tab’s request to end');
    const afterClose = tokens.requests.slice(2);
    assert.deepEqual(
      afterClose.map(({ state }) => state),
      ['aborted', 'answered'],
      `the hung request was dropped and exactly one other completed; ${senders(tokens.requests)}`,
    );
    const third = afterClose[1].token;
    assert.notEqual(afterClose[1].tab, hung.tab, 'another tab took over the fetch');
    assert.deepEqual(outcomes, [{ token: third }, { token: third }], 'refresh() in the remaining tabs');
    assert.deepEqual(await tokensOf(remaining), [third, third], 'every remaining tab holds the new token');

    for (const page of remaining) {
      const log = await logOf(page);
      assert.equal(log.expired, 0, 'tokenExpired never fired');
      assert.deepEqual(log.refreshFailed, [], 'no refresh failed');
      assert.deepEqual(log.tokenErrors, [], 'no token was refused');
      const storage = await page.evaluate(async () => ({
        localStorage: localStorage.length,
        sessionStorage: sessionStorage.length,
        cookie: document.cookie,
        indexedDB: (await indexedDB.databases()).map((database) => database.name),
      }));
      assert.deepEqual(
        storage,
        { localStorage: 0, sessionStorage: 0, cookie: '', indexedDB: [] },
        'nothing is stored',
      );
    }
    assert.deepEqual(await context.cookies(), [], 'no cookies in the browser context');
    assert.deepEqual(pageErrors, [], 'no uncaught errors in the tabs');
  } finally {
    tokens.dropHeld();
    await context.close();
    await server.close();
  }
}
