// The React example that `npm start` serves at /examples/react/, in a real Chromium: rendered in
// StrictMode, it makes one manager and one token request, shows the identity, and its status goes
// valid → aboutToExpire → valid when the provider (fromEndpoint) refreshes on its own. Then a
// session that ends: signed out, the token server answers 401 to the next refresh; the page shows
// sessionEnded and asks nothing more, however long it waits or wakes; signing in again resumes.
import assert from 'node:assert/strict';
import { ABOUT_TO_EXPIRE_MS, jumpToWarning, sessionThatEnds } from './examples.js';
import { startDemo } from './harness.js';

export const name =
  'React example: one token request in StrictMode, valid → aboutToExpire → valid; a session that ends (401) and resumes';

const TTL_MS = 180_000;

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
    // Conversations beside Voice, each registered through its adapter, each handed the first token.
    await page.waitForFunction(() => document.getElementById('device')?.textContent.includes('1 token'));
    await page.waitForFunction(() =>
      document.getElementById('conversations')?.textContent.includes('1 token'),
    );

    // Every status the page shows from now on is recorded; the clock jumps to the warning.
    await jumpToWarning(page, TTL_MS);

    await page.waitForFunction(() => window.statusesSeen.join() === 'valid,aboutToExpire,valid', null, {
      timeout: 10_000,
    });
    assert.equal((await stats()).tokensMinted, 2);
    const log = await page.locator('#log').innerText();
    assert.match(log, /tokenAboutToExpire/);
    assert.match(log, /tokenProvider asked \(reason: about-to-expire\)/);
    await page.waitForFunction(() => document.getElementById('device')?.textContent.includes('2 tokens'));
    await page.waitForFunction(() =>
      document.getElementById('conversations')?.textContent.includes('2 tokens'),
    );
    assert.equal(await page.locator('#timeline text', { hasText: 'refresh' }).count(), 1);
    assert.deepEqual(pageErrors, []);
    await page.close();

    await sessionThatEnds({ browser, url: await url, stats, example: 'react' });
  } finally {
    await page.close();
    child.kill();
  }
}
