// The minified browser bundle, loaded by a <script> tag, fires tokenAboutToExpire for real: a
// token minted with 183 s to live has about 3 s until the three-minute warning.
import assert from 'node:assert/strict';
import { mintToken } from '../support/tokens.js';
import { serve } from './harness.js';

export const name = 'script tag bundle fires tokenAboutToExpire on a real timer';

export default async function run({ browser, root }) {
  const token = mintToken({ ttl: 183, grants: ['chat', 'voice'] });
  const server = await serve(root, {
    '/smoke.html': (_req, res) =>
      res
        .writeHead(200, { 'content-type': 'text/html' })
        .end('<!doctype html><script src="/dist/access-manager.min.js"></script>'),
  });
  const page = await browser.newPage();
  try {
    await page.goto(`${server.url}/smoke.html`);
    const result = await page.evaluate(async (token) => {
      const { AccessManager } = window.accessManager;
      const manager = new AccessManager(token);
      const pushed = [];
      manager.register({ updateToken: (t) => pushed.push(t.length) }, { name: 'fake' });
      const startedMs = Date.now();
      const fired = await new Promise((resolve) => {
        manager.on('tokenAboutToExpire', (m) =>
          resolve({ identity: m.identity, afterMs: Date.now() - startedMs }),
        );
        setTimeout(() => resolve(null), 5000);
      });
      const summary = { fired, isExpired: manager.isExpired, expires: manager.expires?.toISOString() };
      manager.destroy();
      return summary;
    }, token);
    assert.ok(result.fired, 'tokenAboutToExpire did not fire within 5 s');
    assert.equal(result.fired.identity, 'alice');
    assert.ok(
      result.fired.afterMs >= 500 && result.fired.afterMs < 4000,
      `fired after ${result.fired.afterMs} ms`,
    );
    assert.equal(result.isExpired, false);
  } finally {
    await page.close();
    await server.close();
  }
}
