// The taskRouter adapter with the published twilio-taskrouter 2.1.1 in a real Chromium, bundled as
// an app would (esbuild, from node_modules). Its EventBridge socket is answered inside the test by
// page.routeWebSocket and its REST requests (POSTed to the same host) by page.route: enough for a
// Worker to connect, initialize (ready), take tokens and be refused one; every other request is
// aborted. Tokens are real ones minted in Node (the twilio helper's TaskRouterGrant).
/* global SDK, manager, worker, events, providerCalls -- the page's own, in page.evaluate callbacks */
import assert from 'node:assert/strict';
import { build } from 'esbuild';
import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import twilio from 'twilio';
import { ACCOUNT_SID, API_KEY_SECRET, API_KEY_SID } from '../support/tokens.js';
import { serveBundlePage } from './harness.js';

export const name =
  'sdks taskRouter adapter with the real twilio-taskrouter Worker: first token, pushed refresh, its tokenExpired, a refusal';

const WORKSPACE_SID = 'WS' + '0'.repeat(32);
const WORKER_SID = 'WK' + '0'.repeat(32);
const { AccessToken } = twilio.jwt;
let minted = 0;

/** A real Worker token; each differs (its TTL) and none is older than the one before. */
function mint(ttl = 3600) {
  const token = new AccessToken(ACCOUNT_SID, API_KEY_SID, API_KEY_SECRET, {
    identity: 'alice',
    ttl: ttl - (minted += 1),
  });
  token.addGrant(
    new AccessToken.TaskRouterGrant({ workspaceSid: WORKSPACE_SID, workerSid: WORKER_SID, role: 'worker' }),
  );
  return token.toJwt();
}

async function bundle(root) {
  const outdir = await mkdtemp(join(tmpdir(), 'am-taskrouter-'));
  await build({
    stdin: {
      contents: `
        import { Worker } from 'twilio-taskrouter';
        import { AccessManager } from 'access-token-manager';
        import { taskRouter } from 'access-token-manager/sdks';
        window.SDK = { Worker, AccessManager, taskRouter };
      `,
      resolveDir: root,
    },
    bundle: true,
    format: 'iife',
    platform: 'browser',
    define: { global: 'globalThis' },
    outfile: join(outdir, 'taskrouter.js'),
    logLevel: 'error',
  });
  return readFile(join(outdir, 'taskrouter.js'), 'utf8');
}

const workerResource = (sid) => ({
  account_sid: ACCOUNT_SID,
  activity_name: 'Available',
  activity_sid: 'WA' + '0'.repeat(32),
  attributes: '{}',
  available: true,
  date_created: 1_700_000_000,
  date_status_changed: 1_700_000_000,
  date_updated: 1_700_000_000,
  friendly_name: 'alice',
  sid,
  workspace_sid: WORKSPACE_SID,
  version: '0',
});
const activity = {
  account_sid: ACCOUNT_SID,
  available: true,
  date_created: 1_700_000_000,
  date_updated: 1_700_000_000,
  friendly_name: 'Available',
  sid: 'WA' + '0'.repeat(32),
  workspace_sid: WORKSPACE_SID,
};

/**
 * A fake EventBridge (`wss://event-bridge.twilio.com/v1/wschannels?token=…` and the REST requests
 * POSTed to `https://event-bridge.twilio.com/v1/wschannels`, each carrying the Worker's token): the
 * socket gets `init` with the token lifetime the test asks for (in ms: the Worker times its
 * `tokenExpired` from it) and a heartbeat; REST answers the worker, one activity, no channels, no
 * reservations. `refuse()` sends every open socket an `error` message with Twilio's 20101.
 */
async function fakeEventBridge(page, { lifetimeMs = 3_600_000 } = {}) {
  const server = { socketTokens: [], restTokens: [], restUrls: [], sockets: [] };
  const beats = new Set();
  const send = (ws, event_type, payload) => ws.send(JSON.stringify({ event_type, payload }));
  await page.routeWebSocket(/^wss:\/\/event-bridge\./, (ws) => {
    server.socketTokens.push(new URL(ws.url()).searchParams.get('token'));
    server.sockets.push(ws);
    send(ws, 'init', {
      channel_id: WORKER_SID,
      account_sid: ACCOUNT_SID,
      workspace_sid: WORKSPACE_SID,
      token_lifetime: lifetimeMs,
    });
    const beat = setInterval(() => ws.send(' '), 5_000);
    beats.add(beat);
    ws.onClose(() => {
      clearInterval(beat);
      beats.delete(beat);
    });
  });
  await page.route(/^https:\/\/event-bridge\./, async (route) => {
    const cors = {
      'access-control-allow-origin': '*',
      'access-control-allow-headers': '*',
      'access-control-allow-methods': 'POST, OPTIONS',
    };
    if (route.request().method() === 'OPTIONS') return route.fulfill({ status: 204, headers: cors });
    const { url, method, token } = JSON.parse(route.request().postData() ?? '{}');
    server.restTokens.push(token);
    server.restUrls.push(`${method} ${url}`);
    let payload = {};
    if (/Workers\/WK\w+$/.test(url)) payload = workerResource(WORKER_SID);
    else if (/Activities$/.test(url)) payload = { contents: [activity], after_sid: null };
    else if (/Channels$|Reservations$/.test(url)) payload = { contents: [], after_sid: null };
    return route.fulfill({
      status: 200,
      headers: cors,
      contentType: 'application/json',
      body: JSON.stringify({ payload }),
    });
  });
  server.refuse = () => {
    for (const ws of server.sockets) send(ws, 'error', { code: 20101, message: 'Invalid Access Token' });
  };
  server.drop = () => {
    for (const ws of server.sockets.splice(0)) ws.close();
  };
  server.stop = () => beats.forEach(clearInterval);
  return server;
}

const waitFor = async (check, what, timeoutMs = 10_000) => {
  const started = Date.now();
  while (!(await check())) {
    if (Date.now() - started > timeoutMs) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
};

/** A page with the bundle and a connected, ready Worker registered with a manager. */
async function openPage(browser, site, { firstTtl = 3600, nextTtl = 3600, lifetimeMs } = {}) {
  const context = await browser.newContext();
  const page = await context.newPage();
  const record = { pageErrors: [] };
  page.on('pageerror', (error) => record.pageErrors.push(error.message));
  await context.route(
    (url) => !url.href.startsWith(site.url),
    (route) => route.abort(),
  );
  const server = await fakeEventBridge(page, { lifetimeMs });
  await page.exposeFunction('mint', () => mint(nextTtl));
  await page.goto(`${site.url}/taskrouter-page`);
  const first = mint(firstTtl);
  await page.evaluate(async (token) => {
    const { AccessManager, Worker, taskRouter } = SDK;
    window.events = [];
    window.providerCalls = [];
    window.manager = new AccessManager(token, {
      tokenProvider: async ({ reason }) => {
        window.providerCalls.push(reason);
        return window.mint();
      },
    });
    for (const type of ['clientError', 'tokenError', 'refreshFailed']) {
      manager.on(type, (error) =>
        events.push(`${type} ${error.reason} ${error.facts?.sdkCode ?? ''}`.trim()),
      );
    }
    window.worker = new Worker(token, { logLevel: 'silent' });
    manager.register(taskRouter(worker));
    await new Promise((resolve, reject) => {
      worker.on('ready', resolve);
      setTimeout(() => reject(new Error('the Worker was not ready in 10 s')), 10_000);
    });
  }, first);
  return { context, page, record, server, first };
}

export default async function run({ browser, root }) {
  const script = await bundle(root);
  const site = await serveBundlePage(root, 'taskrouter', script);
  try {
    await refreshedAndRefused(browser, site);
    await workerTimer(browser, site);
  } finally {
    await site.close();
  }
}

/** First token, pushed refreshes (its REST and its next socket carry them), a refusal reported once. */
async function refreshedAndRefused(browser, site) {
  const { context, page, record, server, first } = await openPage(browser, site);

  // 1. The first token: the socket and the initialization's REST requests carried it.
  assert.deepEqual(server.socketTokens, [first]);
  assert.ok(server.restTokens.length >= 4, `the Worker initialized over REST: ${server.restUrls}`);
  assert.ok(server.restTokens.every((token) => token === first));

  // 2. A pushed refresh: the Worker's next REST request carries it, and so does its next socket.
  const refreshed = await page.evaluate(() => manager.refresh());
  assert.notEqual(refreshed, first);
  await page.evaluate(() => worker.setAttributes({ shift: 'day' }));
  assert.equal(server.restTokens.at(-1), refreshed);
  server.drop(); // a network blip: the Worker reconnects on its own (within about a second)
  await waitFor(() => server.socketTokens.length === 2, 'the Worker to reconnect');
  assert.equal(server.socketTokens[1], refreshed);

  // 3. Its server refuses the token (twice over): one tokenError, one provider call, and the
  //    Worker holds the new token (its next REST request carries it).
  server.refuse();
  server.refuse();
  await waitFor(() => page.evaluate(() => providerCalls.length === 2), 'the refresh the refusal asks for');
  await new Promise((resolve) => setTimeout(resolve, 500)); // a second report or call would show now
  assert.deepEqual(await page.evaluate(() => providerCalls), ['manual', 'rejected']);
  assert.deepEqual(await page.evaluate(() => events), ['tokenError client-rejected 20101']);
  const newest = await page.evaluate(() => manager.token);
  await page.evaluate(() => worker.setAttributes({ shift: 'night' }));
  assert.equal(server.restTokens.at(-1), newest);

  // 4. worker.disconnect(): the adapter unregisters; a refresh reopens no socket.
  const sockets = server.socketTokens.length;
  await page.evaluate(async () => {
    worker.disconnect();
    await manager.refresh();
  });
  await new Promise((resolve) => setTimeout(resolve, 1500));
  assert.equal(server.socketTokens.length, sockets, 'no new socket after disconnect()');

  assert.deepEqual(record.pageErrors, []);
  server.stop();
  await context.close();
}

/**
 * The Worker's own tokenExpired: a 70 s token, whose refresh the manager would start at half its
 * life (35 s); the Worker's server counts a 20 s lifetime, so its timer fires at 15 s, when 55 s are
 * left. One provider call ('expired'), the Worker takes the new (hour-long) token, and its next
 * timer (about a token with an hour left) asks nothing.
 */
async function workerTimer(browser, site) {
  const { context, page, record, server } = await openPage(browser, site, {
    firstTtl: 70,
    lifetimeMs: 20_000,
  });
  const started = Date.now();
  await waitFor(() => page.evaluate(() => providerCalls.length > 0), "the Worker's tokenExpired", 25_000);
  const elapsedMs = Date.now() - started;
  assert.ok(
    elapsedMs < 20_000,
    `asked at the Worker's word (about 15 s), not the manager's 35 s: ${elapsedMs} ms`,
  );
  assert.deepEqual(await page.evaluate(() => providerCalls), ['expired']);
  const newest = await page.evaluate(() => manager.token);
  await page.evaluate(() => worker.setAttributes({ shift: 'day' }));
  assert.equal(server.restTokens.at(-1), newest);
  // The Worker re-armed its timer (20 s lifetime) at updateToken: it fires again about 15 s on,
  // about a token with an hour left, which the manager ignores.
  await new Promise((resolve) => setTimeout(resolve, 17_000));
  assert.deepEqual(await page.evaluate(() => providerCalls), ['expired']);
  assert.deepEqual(await page.evaluate(() => events), []);
  assert.deepEqual(record.pageErrors, []);
  server.stop();
  await context.close();
}
