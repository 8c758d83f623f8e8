// The demo that `npm start` serves works in a real browser: its page gets a token from the demo
// token server through the ES-module build, hands it to both simulated clients, and its paste
// box explains a bad token with the inspect entry.
import assert from 'node:assert/strict';
import { startDemo } from './harness.js';

export const name = 'npm start demo: token, clients, the inspect paste box, and the script-tag example';

export default async function run({ browser, root }) {
  const { child, url } = startDemo(root);
  const page = await browser.newPage();
  const pageErrors = [];
  page.on('pageerror', (error) => pageErrors.push(error.message));
  try {
    await page.goto(await url);
    await page.waitForFunction(
      () => document.getElementById('status-identity').textContent === 'demo_user',
      null,
      {
        timeout: 10_000,
      },
    );
    // The simulated Conversations client takes its token 150 ms after the others: wait for it.
    await page.waitForFunction(() =>
      document.getElementById('log').textContent.includes('Conversations client took the new token'),
    );
    const log = await page.locator('#log').innerText();
    assert.match(log, /tokenProvider asked \(reason: initial\)/);
    assert.match(log, /Voice device took the new token/);
    assert.match(log, /Conversations client took the new token/);

    await page.fill('#inspect-input', '{"token": "not-really-a-token"}');
    await page.click('#inspect');
    await page.waitForFunction(() => document.getElementById('inspect-output').textContent.length > 0);
    const report = await page.locator('#inspect-output').innerText();
    assert.match(report, /20101/);
    assert.match(report, /json-instead-of-token|not-a-string|malformed/);

    // The plain-page example: the <script> tag build, no modules.
    await page.goto(new URL('/examples/script-tag/', await url).href);
    await page.waitForFunction(
      () => document.getElementById('log').textContent.includes('client took'),
      null,
      {
        timeout: 10_000,
      },
    );
    assert.match(await page.locator('#log').innerText(), /tokenUpdated: script_tag_user/);
    assert.deepEqual(pageErrors, []);
  } finally {
    await page.close();
    child.kill();
  }
}
