#!/usr/bin/env node
// `npm start`: builds the package if needed, then serves the demo page and a token server on
// http://127.0.0.1:3000 (PORT to change it). No account needed: see scripts/token-server.js.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import { extname, join, normalize } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildReactExample } from '../examples/react/build.js';
import { buildVueExample } from '../examples/vue/build.js';

const root = fileURLToPath(new URL('..', import.meta.url));
const port = Number(process.env.PORT ?? 3000);
// The framework examples, bundled from their sources on request.
const EXAMPLES = new Map([
  ['/examples/react/app.js', buildReactExample],
  ['/examples/vue/app.js', buildVueExample],
]);
const TYPES = {
  '.html': 'text/html',
  '.js': 'text/javascript',
  '.mjs': 'text/javascript',
  '.css': 'text/css',
  '.map': 'application/json',
};

if (!existsSync(join(root, 'dist/index.js')) || !existsSync(join(root, 'dist/server.js'))) {
  console.log('Building the package first (npm run build)…');
  const build = spawnSync('npm', ['run', 'build'], { cwd: root, stdio: 'inherit' });
  if (build.status !== 0) process.exit(build.status ?? 1);
}
// After the build: the token route is access-token-manager/server's handler.
const { createDemoTokenHandler, credentials } = await import('./token-server.js');
const { toNodeHandler } = await import('access-token-manager/server');
// The demo can make the token server fail, to show retries with backoff, and end the user's
// session: the demo handler's authorize then returns null and the handler answers 401, as an
// app's does once its session cookie is gone.
let failNextRequests = 0;
let tokensMinted = 0;
let tokenRequests = 0;
let signedIn = true;

// Made once, at startup: a wrong TWILIO_* value stops the server here, with its remedy.
let tokenHandler;
try {
  tokenHandler = toNodeHandler(createDemoTokenHandler(undefined, undefined, { isSignedIn: () => signedIn }));
} catch (error) {
  console.error(`Cannot mint tokens with these credentials: ${error.message}`);
  process.exit(1);
}

// With real credentials, the page creates the real SDK clients through access-token-manager/sdks: they
// are bundled once here (esbuild, a dev dependency) and served as /real-sdks.js.
let realSdks = null;
if (!credentials().demo) {
  const { build } = await import('esbuild');
  const result = await build({
    stdin: {
      contents: `export { Client as ConversationsClient } from '@twilio/conversations';
        export { SyncClient } from 'twilio-sync';
        export { Device } from '@twilio/voice-sdk';
        export { conversations, sync, voice } from 'access-token-manager/sdks';`,
      resolveDir: root,
    },
    bundle: true,
    format: 'esm',
    platform: 'browser',
    define: { global: 'globalThis' },
    write: false,
    logLevel: 'error',
  });
  realSdks = result.outputFiles[0].text;
}

// Only the demo, the build and the two runtime dependencies are served: nothing else of the repo.
const PUBLIC = ['examples/', 'dist/', 'node_modules/jwt-decode/', 'node_modules/mitt/'];

const server = createServer(async (req, res) => {
  const url = new URL(req.url ?? '/', 'http://127.0.0.1');
  if (url.pathname === '/token') {
    tokenRequests += 1;
    if (failNextRequests > 0) {
      failNextRequests -= 1;
      return res.writeHead(503, { 'content-type': 'text/html' }).end('<h1>503 Service Unavailable</h1>');
    }
    await tokenHandler(req, res);
    if (res.statusCode === 200) tokensMinted += 1;
    return;
  }
  if (url.pathname === '/fail' && req.method === 'POST') {
    failNextRequests = Number(url.searchParams.get('count') ?? 3);
    return res.writeHead(204).end();
  }
  if ((url.pathname === '/sign-out' || url.pathname === '/sign-in') && req.method === 'POST') {
    signedIn = url.pathname === '/sign-in';
    return res.writeHead(204).end();
  }
  if (url.pathname === '/mode') {
    return res
      .writeHead(200, { 'content-type': 'application/json' })
      .end(JSON.stringify({ demo: credentials().demo }));
  }
  if (url.pathname === '/real-sdks.js' && realSdks !== null) {
    return res.writeHead(200, { 'content-type': 'text/javascript' }).end(realSdks);
  }
  if (url.pathname === '/stats') {
    return res
      .writeHead(200, { 'content-type': 'application/json' })
      .end(JSON.stringify({ tokensMinted, tokenRequests, failNextRequests, signedIn }));
  }
  const example = EXAMPLES.get(url.pathname);
  if (example) {
    // Bundled on request (about a second), so an edit shows on reload.
    return example().then(
      (code) => res.writeHead(200, { 'content-type': TYPES['.js'], 'cache-control': 'no-store' }).end(code),
      (error) => res.writeHead(500, { 'content-type': 'text/plain' }).end(String(error)),
    );
  }
  const page = url.pathname === '/' ? '/examples/demo/' : url.pathname;
  const path = (page.endsWith('/') ? `${page}index.html` : page).slice(1);
  const file = normalize(join(root, path));
  if (!PUBLIC.some((prefix) => file.startsWith(join(root, prefix))))
    return res.writeHead(404).end('not found');
  try {
    const body = await readFile(file);
    res.writeHead(200, { 'content-type': TYPES[extname(file)] ?? 'application/octet-stream' }).end(body);
  } catch {
    res.writeHead(404).end('not found');
  }
});

server.listen(port, '127.0.0.1', () => {
  const { demo } = credentials();
  console.log(`access-token-manager demo: http://127.0.0.1:${server.address().port}/`);
  console.log(
    demo
      ? 'Using the embedded demo credentials (tokens decode and validate here; Twilio would refuse them).\n' +
          'Set TWILIO_ACCOUNT_SID, TWILIO_API_KEY and TWILIO_API_SECRET for real ones.'
      : 'Using the credentials from TWILIO_ACCOUNT_SID / TWILIO_API_KEY / TWILIO_API_SECRET.',
  );
  console.log('Open it in several tabs to see one token shared across them. Ctrl+C to stop.');
  console.log(
    `The same from a plain <script> tag: http://127.0.0.1:${server.address().port}/examples/script-tag/`,
  );
  console.log(`The React example: http://127.0.0.1:${server.address().port}/examples/react/`);
  console.log(`The Vue example: http://127.0.0.1:${server.address().port}/examples/vue/`);
});
