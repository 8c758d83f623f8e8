// How an AccessTokenError is worded where the browser loads the package without a bundler:
// an ES module from a static path (import map for jwt-decode and mitt, as a CDN would rewrite
// them) must not crash on the missing `process` and gets the short message; the development <script> build
// (dist/access-token-manager.js) has the full wording, the production one (.min.js) the short message.
import assert from 'node:assert/strict';
import { serve } from './harness.js';

export const name = 'error wording without a bundler: module script short, <script> dev full and min short';

const SHORT =
  /^malformed \(code 20101\), worded in development builds\. See https:\/\/www\.npmjs\.com\/package\/access-token-manager#malformed/;
const FULL =
  /^Expected a JWT \(three base64url parts\), got a string of 11 characters in 1 part\. In your client code/;

const page = (head) => (_req, res) =>
  res.writeHead(200, { 'content-type': 'text/html' }).end(`<!doctype html>${head}`);

const MODULE = `<script type="importmap">{ "imports": { "jwt-decode": "/node_modules/jwt-decode/build/esm/index.js", "mitt": "/node_modules/mitt/dist/mitt.mjs" } }</script>
<script type="module">
  import { decodeAccessToken, AccessManager } from '/dist/index.js';
  try { decodeAccessToken('not a token'); } catch (error) {
    window.result = { code: error.code, reason: error.reason, message: error.message, name: error.name, manager: typeof AccessManager };
  }
</script>`;
const SCRIPT = (file) => `<script src="/dist/${file}"></script>
<script>
  try { accessManager.decodeAccessToken('not a token'); } catch (error) {
    window.result = { code: error.code, reason: error.reason, message: error.message, name: error.name };
  }
</script>`;

export default async function run({ browser, root }) {
  const server = await serve(root, {
    '/module.html': page(MODULE),
    '/development.html': page(SCRIPT('access-token-manager.js')),
    '/production.html': page(SCRIPT('access-token-manager.min.js')),
  });
  const tab = await browser.newPage();
  const pageErrors = [];
  tab.on('pageerror', (error) => pageErrors.push(error.message));
  try {
    const results = {};
    for (const kind of ['module', 'development', 'production']) {
      await tab.goto(`${server.url}/${kind}.html`);
      await tab.waitForFunction(() => window.result !== undefined, null, { timeout: 5000 });
      results[kind] = await tab.evaluate(() => window.result);
    }
    assert.deepEqual(pageErrors, []);
    for (const result of Object.values(results)) {
      assert.equal(result.name, 'AccessTokenError');
      assert.equal(result.code, 20101);
      assert.equal(result.reason, 'malformed');
    }
    assert.equal(results.module.manager, 'function');
    assert.match(results.module.message, SHORT);
    assert.match(results.development.message, FULL);
    assert.match(results.production.message, SHORT);
  } finally {
    await tab.close();
    await server.close();
  }
}
