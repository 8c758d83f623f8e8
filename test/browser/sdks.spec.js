// The sdks entry with the published SDKs in a real Chromium: Conversations 3.0.1, Sync 4.0.1,
// Chat 6.0.0 and Voice 2.18.5, bundled as an app would (esbuild, from node_modules), each socket
// answered inside the test by a minimal fake of its server (sdks-servers.js), every other request
// aborted. Tokens are real ones minted in Node (the twilio helper), fetched by the page's provider.
/* global SDK, manager, clients, events, providerCalls -- the page's own, in page.evaluate callbacks */
import assert from 'node:assert/strict';
import { mintToken } from '../support/tokens.js';
import { serveBundlePage } from './harness.js';
import { bundleSdks, fakeTwilsock, fakeVoiceSignaling } from './sdks-servers.js';

export const name =
  'sdks adapters with the real Conversations, Sync, Chat and Voice SDKs: refreshed tokens, server warnings, shutdown, offline';

const GRANTS = ['chat', 'sync', 'voice'];
let minted = 0;
// Each token differs (its TTL), and none is older than the one before (iat), as the manager asks.
const mint = (ttl = 3600) => mintToken({ grants: GRANTS, ttl: ttl - (minted += 1) });
// The servers' warnings count only near a token's end (the lead, 3 min, plus a minute), so the
// scenario that has them warn uses tokens that short: about 4 minutes, more than it runs.
const WARNED_TTL = 235;

/** A page with the bundle, its errors and console recorded, and nothing but loopback reachable. */
async function openPage(browser, site, { isUp = () => true, ttl = 3600 } = {}) {
  const context = await browser.newContext();
  const page = await context.newPage();
  const record = { pageErrors: [], console: [] };
  page.on('pageerror', (error) => record.pageErrors.push(error.message));
  page.on('console', (message) => record.console.push(`${message.type()}: ${message.text()}`));
  await context.route(
    (url) => !url.href.startsWith(site.url),
    (route) => route.abort(),
  );
  const servers = {
    twilsock: await fakeTwilsock(page, { isUp }),
    voice: await fakeVoiceSignaling(page, { isUp }),
  };
  await page.exposeFunction('mint', (ttlOverride) => mint(ttlOverride ?? ttl));
  await page.goto(`${site.url}/sdks-page`);
  await page.evaluate(() => {
    window.events = [];
    window.providerCalls = 0;
  });
  return { context, page, record, servers };
}

const waitFor = async (check, what, timeoutMs = 10_000) => {
  const started = Date.now();
  while (!(await check())) {
    if (Date.now() - started > timeoutMs) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
};

const within = (timeoutMs, promise, what) => {
  let timer;
  const timeout = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} took over ${timeoutMs} ms`)), timeoutMs);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
};

export default async function run({ browser, root }) {
  const script = await bundleSdks(root);
  const site = await serveBundlePage(root, 'sdks', script);
  try {
    // A hang in the page (an SDK waiting for an answer the fakes do not give) fails, not blocks.
    await within(60_000, connected(browser, site), 'the connected scenario');
    await within(120_000, offline(browser, site), 'the offline scenario');
  } finally {
    await site.close();
  }
}

/** The four SDKs connected to their fake servers. */
async function connected(browser, site) {
  const { context, page, record, servers } = await openPage(browser, site, { ttl: WARNED_TTL });
  await page.evaluate(async (token) => {
    const { AccessManager, ConversationsClient, SyncClient, ChatClient, Device } = SDK;
    window.manager = new AccessManager(token, {
      tokenProvider: async () => {
        window.providerCalls += 1;
        return window.mint(window.answerTtl);
      },
    });
    for (const type of ['clientError', 'tokenError', 'refreshFailed']) {
      manager.on(type, (error) => events.push(`${type} ${error.reason} ${error.message}`));
    }
    // Created one after the other, so their Twilsock sockets open in this order.
    window.clients = {};
    const ready = (client) =>
      new Promise((resolve) =>
        client.on('connectionStateChanged', (state) => state === 'connected' && resolve()),
      );
    clients.conversations = new ConversationsClient(token);
    // Listened to at once: it may initialize while the next clients connect.
    const initialized = new Promise((resolve) => clients.conversations.on('initialized', resolve));
    await ready(clients.conversations);
    for (const [name, Client] of [
      ['sync', SyncClient],
      ['chat', ChatClient],
    ]) {
      clients[name] = new Client(token);
      await ready(clients[name]);
    }
    await initialized;
    clients.voice = new Device(token, { logLevel: 'error' });
    await clients.voice.register();
    for (const [name, client] of Object.entries(clients)) manager.register(SDK[name](client));
  }, mint(WARNED_TTL));
  assert.equal(servers.twilsock.sockets.length, 3);
  const holdsEverywhere = async (token) => {
    await waitFor(
      () => servers.twilsock.held.every((held) => held === token),
      'every Twilsock client to hold it',
    );
    await waitFor(() => servers.voice.tokens.at(-1) === token, "Voice's server to get it");
    assert.equal(await page.evaluate(() => clients.voice.token === manager.token), true);
  };

  // 1. Every refreshed token reaches each SDK's server (Twilsock `update`, Voice `listen`).
  for (let round = 0; round < 3; round++) await holdsEverywhere(await page.evaluate(() => manager.refresh()));
  assert.equal(await page.evaluate(() => providerCalls), 3);

  // 2. A warning from every server at once (Twilsock's token_about_to_expire on each of the three
  //    sockets; Voice's `connected` with a short TTL makes the Device emit tokenWillExpire): one
  //    provider call, and every client holds its token.
  //    The token that answers the warnings is an hour long, as real ones are: a warning that one
  //    socket delivers after that token was taken is then plainly about the token it replaced
  //    (more than the lead plus a minute left) and is ignored. With another 4-minute token the late
  //    word would be indistinguishable from a warning about the new token, and would rightly ask again.
  await page.evaluate(() => {
    window.answerTtl = 3600;
  });
  servers.twilsock.warn();
  servers.voice.warn();
  await waitFor(() => page.evaluate(() => providerCalls === 4), 'the refresh the warnings ask for');
  await holdsEverywhere(await page.evaluate(() => manager.token));
  await new Promise((resolve) => setTimeout(resolve, 500)); // a late second refresh would show now
  assert.equal(await page.evaluate(() => providerCalls), 4, 'four SDKs warning cause one provider call');

  // 3. Shut down (or destroyed), then refreshed: no push, no reconnect, no error.
  const socketsBefore = servers.twilsock.sockets.length + servers.voice.sockets.length;
  const tokensBefore = servers.twilsock.tokens.length + servers.voice.tokens.length;
  await page.evaluate(async () => {
    await Promise.all(['conversations', 'sync', 'chat'].map((name) => clients[name].shutdown()));
    clients.voice.destroy();
    await manager.refresh();
  });
  await new Promise((resolve) => setTimeout(resolve, 1500));
  assert.equal(
    servers.twilsock.sockets.length + servers.voice.sockets.length,
    socketsBefore,
    'no new socket',
  );
  assert.equal(servers.twilsock.tokens.length + servers.voice.tokens.length, tokensBefore, 'no token pushed');
  assert.deepEqual(
    await page.evaluate(() => ['conversations', 'sync', 'chat'].map((name) => clients[name].connectionState)),
    ['disconnected', 'disconnected', 'disconnected'],
  );

  assert.deepEqual(await page.evaluate(() => events), []);
  assert.deepEqual(record.pageErrors, []);
  assert.deepEqual(
    record.console.filter((line) => /MaxListeners/.test(line)),
    [],
  );
  await context.close();
}

/**
 * All four SDKs created with no network: 30 refreshes settle at once, with no error and no warning;
 * once the network is back, every client holds the newest token.
 */
async function offline(browser, site) {
  let up = false;
  const { context, page, record, servers } = await openPage(browser, site, { isUp: () => up });
  await page.evaluate(async (token) => {
    const { AccessManager, ConversationsClient, SyncClient, ChatClient, Device } = SDK;
    window.manager = new AccessManager(token, { tokenProvider: () => window.mint() });
    for (const type of ['clientError', 'tokenError', 'refreshFailed']) {
      manager.on(type, (error) => events.push(`${type} ${error.reason} ${error.message}`));
    }
    window.clients = {
      conversations: new ConversationsClient(token),
      sync: new SyncClient(token),
      chat: new ChatClient(token),
      voice: new Device(token, { logLevel: 'silent' }),
    };
    for (const [name, client] of Object.entries(clients)) manager.register(SDK[name](client));
    // The Device opens its signaling socket (refused), so updateToken meets its TransportError.
    clients.voice.register().catch(() => {});
  }, mint());
  const settledMs = [];
  for (let round = 0; round < 30; round++) {
    settledMs.push(
      await page.evaluate(async () => {
        const started = performance.now();
        await manager.refresh();
        return performance.now() - started;
      }),
    );
  }
  assert.ok(Math.max(...settledMs) < 1000, `each refresh settles at once, not at a time limit: ${settledMs}`);
  assert.equal(await page.evaluate(() => clients.voice.token === manager.token), true);
  assert.deepEqual(servers.twilsock.tokens, [], 'no socket got through');
  await new Promise((resolve) => setTimeout(resolve, 1000));
  assert.deepEqual(await page.evaluate(() => events), []);
  assert.deepEqual(record.pageErrors, []);
  assert.deepEqual(
    record.console.filter((line) => /MaxListeners|Warning/.test(line)),
    [],
  );

  // Back online: each Twilsock client reconnects on its own retry and ends up with the newest token.
  up = true;
  const newest = await page.evaluate(() => manager.token);
  await waitFor(
    () => servers.twilsock.held.length === 3 && servers.twilsock.held.every((held) => held === newest),
    'the three Twilsock clients to hold the newest token',
    60_000,
  );
  assert.ok(
    servers.twilsock.tokens.length <= 9,
    `a few updates, not 30 each: ${servers.twilsock.tokens.length}`,
  );
  assert.deepEqual(await page.evaluate(() => events), []);
  assert.deepEqual(record.pageErrors, []);
  await context.close();
}
