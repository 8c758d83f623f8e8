// Shared pieces of the real-browser tests: a static file server on loopback and a headless
// Chromium from Debian (never a downloaded browser).
import { spawn } from 'node:child_process';
import { createServer } from 'node:http';
import { readFile } from 'node:fs/promises';
import { extname, join, normalize } from 'node:path';
import { chromium } from 'playwright-core';

const TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.map': 'application/json',
  '.json': 'application/json',
};

/**
 * Serves files under `root` on 127.0.0.1, plus any `routes` (path → handler(req, res)).
 * @returns {{ url: string, close: () => Promise<void> }}
 */
export async function serve(root, routes = {}) {
  const server = createServer(async (req, res) => {
    const path = new URL(req.url, 'http://127.0.0.1').pathname;
    if (routes[path]) return routes[path](req, res);
    const file = normalize(join(root, path === '/' ? 'index.html' : path));
    if (!file.startsWith(root)) return res.writeHead(403).end();
    try {
      const body = await readFile(file);
      res.writeHead(200, { 'content-type': TYPES[extname(file)] ?? 'application/octet-stream' }).end(body);
    } catch {
      res.writeHead(404).end('not found');
    }
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address();
  return {
    url: `http://127.0.0.1:${port}`,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

/**
 * Serves `root` plus a page at `/<name>-page` whose only content is `script`, served as
 * `/<name>-bundle.js`: how the SDK specs load a bundle of the real SDKs and the package.
 * @returns {Promise<{ url: string, close: () => Promise<void> }>}
 */
export function serveBundlePage(root, name, script) {
  return serve(root, {
    [`/${name}-page`]: (_req, res) =>
      res
        .writeHead(200, { 'content-type': 'text/html; charset=utf-8' })
        .end(`<!doctype html><meta charset="utf-8"><script src="/${name}-bundle.js"></script>`),
    [`/${name}-bundle.js`]: (_req, res) =>
      res.writeHead(200, { 'content-type': 'text/javascript; charset=utf-8' }).end(script),
  });
}

/** Launches Debian's headless Chromium with the flags this closed network needs. */
export function launchChromium() {
  return chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}

/**
 * Waits until the text of `selector` matches every pattern, then returns that text. A spec asserts
 * on what the page shows only once the page has shown it: reading the text at once races the
 * page's own timers (a client that takes its token 150 ms later, a log line written after a fetch).
 * On timeout the error names the patterns still missing and quotes the text as it stood.
 *
 * @param {import('playwright-core').Page} page
 * @param {string} selector
 * @param {RegExp[]} patterns
 * @param {{ timeoutMs?: number }} [options]
 * @returns {Promise<string>}
 */
export async function waitForText(page, selector, patterns, { timeoutMs = 10_000 } = {}) {
  const sources = patterns.map((pattern) => [pattern.source, pattern.flags]);
  try {
    await page.waitForFunction(
      ({ selector, sources }) => {
        const text = document.querySelector(selector)?.textContent ?? '';
        return sources.every(([source, flags]) => new RegExp(source, flags).test(text));
      },
      { selector, sources },
      { timeout: timeoutMs },
    );
  } catch (error) {
    const text =
      (await page
        .locator(selector)
        .textContent()
        .catch(() => null)) ?? '(no element)';
    const missing = patterns.filter((pattern) => !pattern.test(text));
    throw new Error(
      `${selector} did not show ${missing.join(', ')} within ${timeoutMs} ms (${error.message.split('\n')[0]}). Text:\n${text}`,
      { cause: error },
    );
  }
  return page.locator(selector).innerText();
}

/**
 * Runs `npm start` (scripts/start.js) on a free port with the demo credentials.
 * @returns {{ child: import('node:child_process').ChildProcess, url: Promise<string> }}
 */
export function startDemo(root) {
  const child = spawn(process.execPath, [join(root, 'scripts/start.js')], {
    cwd: root,
    env: { ...process.env, PORT: '0', TWILIO_ACCOUNT_SID: '', TWILIO_API_KEY: '', TWILIO_API_SECRET: '' },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const url = new Promise((resolve, reject) => {
    let output = '';
    child.stdout.on('data', (chunk) => {
      output += chunk;
      const match = output.match(/http:\/\/127\.0\.0\.1:\d+\//);
      if (match) resolve(match[0]);
    });
    child.on('exit', (code) => reject(new Error(`demo exited with ${code}: ${output}`)));
  });
  return { child, url };
}
