// What the React and Vue example specs (react.spec.js, vue.spec.js) do alike on their page of
// `npm start`: the same controls (#status, #countdown, #log, #device, Sign out, Sign in) and the
// same token server (/stats).
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';

/** The warning's lead both example pages are opened with (`?aboutToExpireMs=`). */
export const ABOUT_TO_EXPIRE_MS = 60_000;

/**
 * From now on, records every status the page shows, in order, in `window.statusesSeen`; then, a
 * few real seconds after the first token was issued (the token server mints in real time, so the
 * next token still has more than the warning's lead left after the jump), jumps the page's clock
 * (Playwright's, installed before the page opened) to just past the warning of a `ttlMs` token.
 */
export async function jumpToWarning(page, ttlMs) {
  await page.evaluate(() => {
    const seen = [document.getElementById('status').textContent];
    window.statusesSeen = seen;
    new MutationObserver(() => {
      const status = document.getElementById('status')?.textContent;
      if (status !== seen[seen.length - 1]) seen.push(status);
    }).observe(document.body, { subtree: true, childList: true, characterData: true });
  });
  const expiresMs = Number(await page.getAttribute('#countdown', 'data-expires-ms'));
  await page.waitForFunction((issuedMs) => Date.now() >= issuedMs + 5_000, expiresMs - ttlMs, {
    timeout: 15_000,
  });
  const nowMs = await page.evaluate(() => Date.now());
  await page.clock.fastForward(expiresMs - ABOUT_TO_EXPIRE_MS + 500 - nowMs);
}

/**
 * On the example page `/examples/<example>/` (react or vue) served by `npm start`: signs out, lets
 * the refresh meet the 401, waits and wakes the page (nothing more is asked), signs in again.
 */
export async function sessionThatEnds({ browser, url, stats, example }) {
  const page = await browser.newPage();
  const pageErrors = [];
  page.on('pageerror', (error) => pageErrors.push(error.message));
  const status = () => page.locator('#status').innerText();
  try {
    await page.clock.install();
    await page.goto(
      new URL(`/examples/${example}/?ttl=3600&aboutToExpireMs=${ABOUT_TO_EXPIRE_MS}`, url).href,
    );
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
