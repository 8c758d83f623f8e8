// fromEndpoint against answers made to hurt, in Chromium's own fetch: a redirect to another origin
// (with CORS, so the browser hands the answer over), a 50 MB body, 192 KB of `<title`. The page
// comes from one origin (127.0.0.1:<port A>), the other origin is a second server (port B).
import assert from 'node:assert/strict';
import { serve } from './harness.js';
import { mintToken } from '../support/tokens.js';

export const name =
  'fromEndpoint in Chromium: no token from another origin, 64 KiB of a 50 MB body, a linear title scan';

const PAGE = `<!doctype html>
<script type="importmap">{ "imports": { "jwt-decode": "/node_modules/jwt-decode/build/esm/index.js", "mitt": "/node_modules/mitt/dist/mitt.mjs" } }</script>
<script type="module">
  import { fromEndpoint } from '/dist/index.js';
  window.ask = async (url, options) => {
    const startedMs = performance.now();
    try {
      const token = await fromEndpoint(url, options)({ reason: 'initial', signal: new AbortController().signal });
      return { token, ms: performance.now() - startedMs };
    } catch (error) {
      return { reason: error.reason, received: error.facts?.received, detail: error.facts?.detail, ms: performance.now() - startedMs };
    }
  };
</script>`;

export default async function run({ browser, root }) {
  const token = mintToken();
  const other = await serve(root, {
    '/token': (_req, res) =>
      res.writeHead(200, { 'content-type': 'text/plain', 'access-control-allow-origin': '*' }).end(token),
  });
  const huge = { sentMb: 0 };
  const chunk = Buffer.alloc(1 << 20, 'a');
  const server = await serve(root, {
    '/hostile.html': (_req, res) => res.writeHead(200, { 'content-type': 'text/html' }).end(PAGE),
    '/token': (_req, res) => res.writeHead(200, { 'content-type': 'text/plain' }).end(`${token}\n`),
    '/to-token': (_req, res) => res.writeHead(302, { location: '/token' }).end(),
    '/to-other': (_req, res) => res.writeHead(302, { location: `${other.url}/token` }).end(),
    '/huge': (_req, res) => {
      res.writeHead(200, { 'content-type': 'text/plain' });
      const write = () => {
        while (huge.sentMb < 50) {
          huge.sentMb += 1;
          if (!res.write(chunk)) return res.once('drain', write);
        }
        res.end();
      };
      write();
    },
    '/titles': (_req, res) =>
      res.writeHead(200, { 'content-type': 'text/html' }).end('<title'.repeat(32_768)),
  });
  const tab = await browser.newPage();
  try {
    await tab.goto(`${server.url}/hostile.html`);
    await tab.waitForFunction(() => typeof window.ask === 'function', null, { timeout: 5000 });
    const ask = (url, options) => tab.evaluate(([url, options]) => window.ask(url, options), [url, options]);

    // A redirect within the origin, the URL relative to the page: followed, the token taken.
    assert.equal((await ask('/to-token')).token, token);
    // To another origin: not taken, unless init says redirect: 'follow'.
    const away = await ask('/to-other');
    assert.equal(away.reason, 'endpoint-no-token');
    assert.match(away.received, new RegExp(`another origin \\(${other.url.replaceAll('.', '\\.')}\\)`));
    assert.equal((await ask('/to-other', { init: { redirect: 'follow' } })).token, token);

    // 50 MB: refused after 64 KiB, and the rest is not downloaded.
    const large = await ask('/huge');
    assert.equal(large.reason, 'endpoint-no-token');
    assert.equal(large.received, 'more than 64 KiB, longer than any token');
    assert.ok(huge.sentMb < 50, `the server sent ${huge.sentMb} MB of 50`);

    // 192 KB of "<title": refused as a page at once (the old scan took seconds).
    const titles = await ask('/titles');
    assert.equal(titles.reason, 'endpoint-html');
    assert.ok(titles.ms < 1000, `192 KB of <title took ${titles.ms} ms`);
  } finally {
    await tab.close();
    await server.close();
    await other.close();
  }
}
