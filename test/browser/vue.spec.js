// The Vue example that `npm start` serves at /examples/vue/ (single-file components compiled by
// vue/compiler-sfc), in a real Chromium: provideAccessManager in App.vue's setup makes one manager
// and one token request, useAccessToken shows the identity, and its status goes
// valid → aboutToExpire → valid when the provider (fromEndpoint) refreshes on its own. Then a
// session that ends: signed out, the token server answers 401 to the next refresh; the page shows
// sessionEnded and asks nothing more, however long it waits or wakes; signing in again resumes.
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { startDemo } from './harness.js';

export const name =
  'Vue example: one token request, valid → aboutToExpire → valid, useClient; a session that ends (401) and resumes';

const TTL_MS = 180_000;
const ABOUT_TO_EXPIRE_MS = 60_000;

export default async function run({ browser, root }) {
  const { child, url } = startDemo(root);
  const page = await browser.newPage();
  const pageErrors = [];
  page.on('pageerror', (error) => pageErrors.push(error.message));
  const warnings = [];
  page.on('console', (message) => {
    if (message.text().includes('[Vue warn]')) warnings.push(message.text());
  });
  const stats = async () => (await fetch(new URL('/stats', await url))).json();
  try {
    // Playwright's clock, running at real speed, lets the spec jump to the warning instead of
    // waiting two minutes.
    await page.clock.install();
    await page.goto(
      new URL(`/examples/vue/?ttl=${TTL_MS / 1000}&aboutToExpireMs=${ABOUT_TO_EXPIRE_MS}`, await url).href,
    );
    await page.waitForFunction(() => document.getElementById('status')?.textContent === 'valid', null, {
      timeout: 20_000,
    });
    assert.equal(await page.locator('#identity').innerText(), 'vue_user');
    assert.equal((await stats()).tokensMinted, 1, 'one token request');
    await page.waitForFunction(() => document.getElementById('device')?.textContent.includes('1 token'));

    // Every status the page shows from now on, in order.
    await page.evaluate(() => {
      const seen = [document.getElementById('status').textContent];
      window.statusesSeen = seen;
      new MutationObserver(() => {
        const status = document.getElementById('status')?.textContent;
        if (status !== seen[seen.length - 1]) seen.push(status);
      }).observe(document.body, { subtree: true, childList: true, characterData: true });
    });

    // The token server mints in real time. Let a few real seconds pass after the first token was
    // issued: after the jump, the next one (minted then) still has more than the warning's lead left.
    const expiresMs = Number(await page.getAttribute('#countdown', 'data-expires-ms'));
    await page.waitForFunction((issuedMs) => Date.now() >= issuedMs + 5_000, expiresMs - TTL_MS, {
      timeout: 15_000,
    });
    const nowMs = await page.evaluate(() => Date.now());
    await page.clock.fastForward(expiresMs - ABOUT_TO_EXPIRE_MS + 500 - nowMs);

    await page.waitForFunction(() => window.statusesSeen.join() === 'valid,aboutToExpire,valid', null, {
      timeout: 10_000,
    });
    assert.equal((await stats()).tokensMinted, 2);
    const log = await page.locator('#log').innerText();
    assert.match(log, /tokenAboutToExpire/);
    assert.match(log, /tokenProvider asked \(reason: about-to-expire\)/);
    await page.waitForFunction(() => document.getElementById('device')?.textContent.includes('2 tokens'));
    assert.deepEqual(pageErrors, []);
    assert.deepEqual(warnings, [], 'Vue warned');
    await page.close();

    await sessionThatEnds({ browser, url: await url, stats });
  } finally {
    await page.close();
    child.kill();
  }
}

/** Signs out, lets the refresh meet the 401, waits and wakes the page, signs in again. */
async function sessionThatEnds({ browser, url, stats }) {
  const page = await browser.newPage();
  const pageErrors = [];
  page.on('pageerror', (error) => pageErrors.push(error.message));
  const status = () => page.locator('#status').innerText();
  try {
    await page.clock.install();
    await page.goto(new URL(`/examples/vue/?ttl=3600&aboutToExpireMs=${ABOUT_TO_EXPIRE_MS}`, url).href);
    await page.waitForFunction(() => document.getElementById('status')?.textContent === 'valid', null, {
      timeout: 20_000,
    });
    await page.waitForFunction(() => document.getElementById('device')?.textContent.includes('1 token'));

    await page.click('#sign-out');
    await page.waitForFunction(() => document.getElementById('log')?.textContent.includes('Signed out'));
    assert.equal((await stats()).signedIn, false);
    const before = await stats();

    // Jump to the refresh moment (a minute before exp): the provider is asked and meets the 401.
    const expiresMs = Number(await page.getAttribute('#countdown', 'data-expires-ms'));
    const nowMs = await page.evaluate(() => Date.now());
    await page.clock.fastForward(expiresMs - ABOUT_TO_EXPIRE_MS + 500 - nowMs);
    await page
      .waitForFunction(() => document.getElementById('status')?.textContent === 'sessionEnded', null, {
        timeout: 10_000,
      })
      .catch(async (error) => {
        throw new Error(
          `${error.message}\nstatus ${await status()}\n${await page.locator('#log').innerText()}`,
        );
      });
    assert.match(await page.locator('#session-ended').innerText(), /session is over.*401/);
    assert.match(await page.locator('#error').innerText(), /^session-ended: /);
    const ended = await stats();
    assert.equal(ended.tokenRequests, before.tokenRequests + 1, 'one request met the 401');

    // No storm: real seconds pass (retries with backoff would come within them), the page wakes
    // (focus, visibilitychange), and half a minute jumps by: nothing more is asked.
    await sleep(4_000);
    await page.evaluate(() => {
      window.dispatchEvent(new Event('focus'));
      document.dispatchEvent(new Event('visibilitychange'));
    });
    await page.clock.fastForward(30_000);
    await sleep(1_000);
    assert.equal((await stats()).tokenRequests, ended.tokenRequests, 'no request after the 401');
    assert.equal(await status(), 'sessionEnded');
    assert.equal(
      (await page.locator('#log').innerText()).match(/tokenProvider asked/g)?.length,
      2,
      'the first token and the refresh that met the 401',
    );

    // Back to the token server's time (the page's clock jumped an hour ahead of it), then sign in.
    await page.clock.setSystemTime(Date.now());
    await page.click('#sign-in');
    await page.waitForFunction(() => document.getElementById('status')?.textContent === 'valid', null, {
      timeout: 10_000,
    });
    const resumed = await stats();
    assert.equal(resumed.tokensMinted, ended.tokensMinted + 1);
    assert.equal(resumed.signedIn, true);
    await page.waitForFunction(() => document.getElementById('device')?.textContent.includes('2 tokens'));
    assert.equal(await page.locator('#error').innerText(), '–');
    assert.deepEqual(pageErrors, []);
  } finally {
    await page.close();
  }
}
