// signOut() in one of three tabs ends the session in all three (Web Locks + BroadcastChannel):
// no tab calls the token server again through five minutes of wakes and clock jumps, and signing
// in again in one tab resumes every tab with one request.
import assert from 'node:assert/strict';
import { mintToken } from '../support/tokens.js';
import { serve } from './harness.js';

export const name = 'signOut() in one of three tabs stops all three; signing in resumes each';

const TAB_COUNT = 3;
/** Two-minute tokens, warned 30 s before exp: refreshed a minute after they came, so five minutes of jumps would ask several times. */
const TTL_S = 120;
const WAIT_MS = 6_000;

// Each tab's clock is the browser's, plus `jumpMs`: the test moves it as a machine that slept or
// a clock set by hand would, then fires a wake signal (focus).
const PAGE = `<!doctype html>
<meta charset="utf-8">
<title>access-token-manager sign-out</title>
<script src="/dist/access-token-manager.min.js"></script>
<script src="/dist/access-token-manager-tabs.min.js"></script>
<script>
  window.jumpMs = 0;
  window.start = () => {
    const log = { statuses: [], tokenErrors: [] };
    const clock = { ...accessManager.browserClock, now: () => Date.now() + window.jumpMs };
    const manager = new accessManager.AccessManager(null, {
      clock,
      aboutToExpireMs: 30_000,
      tokenProvider: ({ signal }) => fetch('/token', { signal }).then((response) => response.text()),
      shareAcrossTabs: accessManagerTabs.tabSharing('signout-demo'),
    });
    manager.subscribe(({ status }) => log.statuses.push(status));
    manager.on('tokenError', (error) => log.tokenErrors.push(error.reason));
    window.manager = manager;
    window.log = log;
  };
  window.jump = (ms) => {
    window.jumpMs += ms;
    window.dispatchEvent(new Event('focus'));
  };
</script>`;

export default async function run({ browser, root }) {
  const requests = [];
  // The token server's clock runs as far ahead as the tabs' (step 4), so its tokens are fresh for them.
  let serverJumpMs = 0;
  const mintAhead = () => {
    const realNow = Date.now;
    Date.now = () => realNow() + serverJumpMs;
    try {
      return mintToken({ ttl: TTL_S });
    } finally {
      Date.now = realNow;
    }
  };
  const server = await serve(root, {
    '/signout.html': (_req, res) => res.writeHead(200, { 'content-type': 'text/html' }).end(PAGE),
    '/token': (req, res) => {
      const tab = new URL(req.headers.referer ?? 'http://127.0.0.1/').searchParams.get('tab');
      requests.push(tab);
      res.writeHead(200, { 'content-type': 'text/plain', 'cache-control': 'no-store' }).end(mintAhead());
    },
  });
  const context = await browser.newContext();
  const pageErrors = [];
  try {
    const pages = [];
    for (let tab = 1; tab <= TAB_COUNT; tab++) {
      const page = await context.newPage();
      page.on('pageerror', (error) => pageErrors.push(`tab ${tab}: ${error.message}`));
      await page.goto(`${server.url}/signout.html?tab=${tab}`);
      pages.push(page);
    }
    const snapshots = () =>
      Promise.all(pages.map((page) => page.evaluate(() => window.manager.getSnapshot())));
    const everyTab = (predicate, arg) =>
      Promise.all(pages.map((page) => page.waitForFunction(predicate, arg, { timeout: WAIT_MS })));

    await Promise.all(pages.map((page) => page.evaluate(() => window.start())));
    await everyTab(() => window.manager.getSnapshot().status === 'valid');
    assert.equal(requests.length, 1, `one request for the first token (tabs ${requests})`);

    // 1. The user signs out in the second tab: every tab forgets the token.
    await pages[1].evaluate(() => window.manager.signOut());
    await everyTab(() => window.manager.getSnapshot().status === 'sessionEnded');
    for (const snapshot of await snapshots()) assert.equal(snapshot.token, null, 'the token is forgotten');

    // 2. Five minutes of clock jumps and wakes in every tab: nobody asks the token server.
    for (let step = 0; step < 10; step++) {
      await Promise.all(pages.map((page) => page.evaluate(() => window.jump(30_000))));
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    // And the clocks set back to the right time, as after a manual change.
    await Promise.all(pages.map((page) => page.evaluate(() => window.jump(-window.jumpMs))));
    await new Promise((resolve) => setTimeout(resolve, 500));
    assert.equal(requests.length, 1, `no request after signOut() (tabs ${requests})`);

    // 3. The user signs in again in the third tab: one request, and every tab holds its token.
    const token = await pages[2].evaluate(() => window.manager.refresh());
    await everyTab((token) => window.manager.token === token, token);
    for (const snapshot of await snapshots()) assert.equal(snapshot.status, 'valid', 'each tab resumed');
    assert.equal(requests.length, 2, `one request to sign in again (tabs ${requests})`);

    // 4. Refreshing is automatic again in every tab: past the half-life, one request for all three.
    serverJumpMs = 70_000;
    await Promise.all(pages.map((page) => page.evaluate(() => window.jump(70_000))));
    await everyTab(
      (token) => window.manager.token !== token && window.manager.getSnapshot().status === 'valid',
      token,
    );
    assert.equal(requests.length, 3, `one request for the next token (tabs ${requests})`);

    for (const page of pages) {
      const log = await page.evaluate(() => window.log);
      assert.deepEqual(log.tokenErrors, [], 'signing out is no error');
      assert.ok(log.statuses.includes('sessionEnded'), 'subscribers heard the session end');
    }
    assert.deepEqual(pageErrors, [], 'no uncaught errors in the tabs');
  } finally {
    await context.close();
    await server.close();
  }
}
