// The demo that `npm start` serves works in a real browser: its page gets a token from the demo
// token server through the ES-module build, hands it to both simulated clients, and its paste
// box explains a bad token, and an SDK's error, with the inspect entry.
import assert from 'node:assert/strict';
import { startDemo, waitForText } from './harness.js';

export const name =
  'npm start demo: token, clients, the inspect paste box (a token or an SDK error), and the script-tag example';

export default async function run({ browser, root }) {
  const { child, url } = startDemo(root);
  const page = await browser.newPage();
  const pageErrors = [];
  page.on('pageerror', (error) => pageErrors.push(error.message));
  try {
    await page.goto(await url);
    // The page's log is written as things happen (the Conversations stand-in takes its token
    // 150 ms after the Voice one): wait for each line, never read the log at one instant.
    await waitForText(page, '#status-identity', [/^demo_user$/]);
    await waitForText(page, '#log', [
      /tokenProvider asked \(reason: initial\)/,
      /Voice device took the new token/,
      /Conversations client took the new token/,
    ]);

    await page.fill('#inspect-input', '{"token": "not-really-a-token"}');
    await page.click('#inspect');
    const report = await waitForText(page, '#inspect-output', [/20101/]);
    assert.match(report, /json-instead-of-token|not-a-string|malformed/);

    // The same box takes an SDK's error: a code, or a Voice TwilioError's JSON as the SDK makes it.
    await page.fill('#inspect-input', '31204');
    await page.click('#inspect');
    await waitForText(page, '#inspect-output', [
      /Twilio error 31204 · Invalid JWT token/,
      /Remedy\s+In your client code/,
    ]);
    const voiceError = JSON.stringify({
      message: 'JWTTokenExpiredError (31205): ',
      causes: [],
      code: 31205,
      description: 'JWT token expired',
      explanation: '',
      name: 'JWTTokenExpiredError',
      solutions: [],
    });
    await page.fill('#inspect-input', voiceError);
    await page.click('#inspect');
    await waitForText(page, '#inspect-output', [
      /Twilio error 31205 · JWT token expired/,
      /Raised by\s+Voice SDK/,
    ]);
    await page.fill('#inspect-input', '31000');
    await page.click('#inspect');
    await waitForText(page, '#inspect-output', [/31000 · Not a token error/]);

    // The plain-page example: the <script> tag build, no modules.
    await page.goto(new URL('/examples/script-tag/', await url).href);
    await waitForText(page, '#log', [/tokenUpdated: script_tag_user/, /client took the new token/]);
    assert.deepEqual(pageErrors, []);
  } finally {
    await page.close();
    child.kill();
  }
}
