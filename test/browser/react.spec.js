// The React example that `npm start` serves at /examples/react/, in a real Chromium: rendered in
// StrictMode, it makes one manager and one token request, shows the identity, and its status goes
// valid → aboutToExpire → valid when the provider refreshes on its own.
import assert from 'node:assert/strict';
import { startDemo } from './harness.js';

export const name = 'React example: one token request in StrictMode, status valid → aboutToExpire → valid';

const TTL_MS = 180_000;
const ABOUT_TO_EXPIRE_MS = 60_000;

export default async function run({ browser, root }) {
  const { child, url } = startDemo(root);
  const page = await browser.newPage();
  const pageErrors = [];
  page.on('pageerror', (error) => pageErrors.push(error.message));
  const stats = async () => (await fetch(new URL('/stats', await url))).json();
  try {
    // Playwright's clock, running at real speed, lets the spec jump to the warning instead of
    // waiting two minutes.
    await page.clock.install();
    await page.goto(
      new URL(`/examples/react/?ttl=${TTL_MS / 1000}&aboutToExpireMs=${ABOUT_TO_EXPIRE_MS}`, await url).href,
    );
    await page.waitForFunction(() => document.getElementById('status')?.textContent === 'valid', null, {
      timeout: 20_000,
    });
    assert.equal(await page.locator('#identity').innerText(), 'react_user');
    assert.equal((await stats()).tokensMinted, 1, 'one token request, although StrictMode mounts twice');
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
    assert.equal(await page.locator('#timeline text', { hasText: 'refresh' }).count(), 1);
    assert.deepEqual(pageErrors, []);
  } finally {
    await page.close();
    child.kill();
  }
}
