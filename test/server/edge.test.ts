// The handler in an edge runtime (Vercel's `edge-runtime`: a V8 context with the Web APIs only, no
// `process`, no `require`, no Node built-ins). The entry is bundled for the browser platform, as an
// edge bundler does, so an import of a Node built-in fails the build, then served through the
// runtime's own fetch event with authorize returning a user, null, and throwing.
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { EdgeRuntime } from 'edge-runtime';
import * as esbuild from 'esbuild';
import { beforeAll, describe, expect, it } from 'vitest';
import { decodeAccessToken } from 'access-token-manager';
import { ACCOUNT_SID, API_KEY_SECRET, API_KEY_SID, CONVERSATIONS_SERVICE_SID } from './support.js';

const root = fileURLToPath(new URL('../..', import.meta.url));
const fromSource = process.env.ACCESS_MANAGER_TARGET === 'src';

/** Bundles access-token-manager/server (the build, or the sources) into one script for the runtime. */
async function bundleServerEntry(): Promise<string> {
  const entries: Record<string, string> = fromSource
    ? { 'access-token-manager': 'src/index.ts', 'access-token-manager/server': 'src/server/index.ts' }
    : { 'access-token-manager': 'dist/index.js', 'access-token-manager/server': 'dist/server.js' };
  const result = await esbuild.build({
    stdin: {
      contents: `import { createTokenHandler } from 'access-token-manager/server';
        globalThis.createTokenHandler = createTokenHandler;`,
      resolveDir: root,
    },
    bundle: true,
    format: 'iife',
    platform: 'browser',
    conditions: ['edge-light', 'worker', 'browser'],
    write: false,
    logLevel: 'silent',
    plugins: [
      {
        name: 'this-package',
        setup(build) {
          build.onResolve({ filter: /^access-token-manager(\/server)?$/ }, ({ path }) => ({
            path: `${root}${entries[path]}`,
          }));
        },
      },
    ],
  });
  return result.outputFiles[0]?.text ?? '';
}

// The app's code, as it would be deployed: the session is a header here; onError keeps the errors.
const APP = `
  globalThis.reported = [];
  const handler = createTokenHandler({
    accountSid: ${JSON.stringify(ACCOUNT_SID)},
    apiKeySid: ${JSON.stringify(API_KEY_SID)},
    apiKeySecret: ${JSON.stringify(API_KEY_SECRET)},
    ttl: 900,
    authorize: async (request) => {
      const user = request.headers.get('x-session-user');
      if (user === 'boom') throw new Error('session store unreachable');
      return user ? { identity: user, grants: { conversations: { serviceSid: ${JSON.stringify(CONVERSATIONS_SERVICE_SID)} } } } : null;
    },
    onError: (error) => { globalThis.reported.push(String(error && error.message)); },
  });
  addEventListener('fetch', (event) => event.respondWith(handler(event.request)));
`;

describe('createTokenHandler in an edge runtime', () => {
  let runtime: EdgeRuntime;

  beforeAll(async () => {
    runtime = new EdgeRuntime({ initialCode: await bundleServerEntry() });
    runtime.evaluate(APP);
  });

  const get = async (headers: Record<string, string> = {}) => {
    const response = await runtime.dispatchFetch('https://app.example/api/token?identity=mallory', {
      headers,
    });
    await response.waitUntil();
    return response;
  };

  it('runs where Node is not: no process, no require, Web Crypto only', () => {
    expect(runtime.evaluate('[typeof process, typeof require, typeof crypto.subtle.sign]')).toEqual([
      'undefined',
      'undefined',
      'function',
    ]);
  });

  it('answers a signed-in user with a token the core accepts, never stored', async () => {
    const response = await get({ 'x-session-user': 'alice' });
    const body = (await response.json()) as { token: string; identity: string; expiresAt: string };

    expect(response.status).toBe(200);
    expect(response.headers.get('cache-control')).toBe('no-store');
    expect(body.identity).toBe('alice');
    const decoded = decodeAccessToken(body.token);
    expect(decoded).toMatchObject({ identity: 'alice', grantNames: ['chat'] });
    expect(decoded.expires.toISOString()).toBe(body.expiresAt);
    expect(decoded.expires.getTime() - decoded.issuedAt!.getTime()).toBe(900_000);
  });

  it('answers 401 when authorize returns null, whatever the query string says', async () => {
    const response = await get();

    expect(response.status).toBe(401);
    expect(response.headers.get('cache-control')).toBe('no-store');
  });

  it('answers 500 without the cause when authorize throws, and onError receives it', async () => {
    const response = await get({ 'x-session-user': 'boom' });
    const text = await response.text();

    expect(response.status).toBe(500);
    expect(text).not.toContain('session store');
    expect(runtime.evaluate('globalThis.reported')).toEqual(['session store unreachable']);
  });
});

describe('the server entry, apart from the browser entries', () => {
  it('is the only entry that loads src/server: no other source file imports it', () => {
    const files = readdirSync(new URL('../../src/', import.meta.url), {
      recursive: true,
      encoding: 'utf8',
    }).filter((file) => /\.tsx?$/.test(file) && !file.startsWith('server/'));
    expect(files.length).toBeGreaterThan(30);
    for (const file of files) {
      const source = readFileSync(new URL(`../../src/${file}`, import.meta.url), 'utf8');
      // src/server or a file in it; not a neighbour such as ./serverSkew.
      expect(source, file).not.toMatch(/from ['"](\.\.?\/)+server(\/[^'"]*)?['"]/);
    }
  });

  it.runIf(!fromSource)(
    'imports nothing at run time but the core: it signs with Web Crypto, no JWT library',
    () => {
      for (const file of ['server.js', 'server.cjs']) {
        const built = readFileSync(new URL(`../../dist/${file}`, import.meta.url), 'utf8');
        const imported = [...built.matchAll(/from ['"]([^'"]+)['"]|require\(['"]([^'"]+)['"]\)/g)].map(
          ([, from, required]) => from ?? required,
        );
        expect(new Set(imported), file).toEqual(new Set(['access-token-manager']));
      }
    },
  );

  it('import no Node built-in (they would not load at the edge)', () => {
    const dir = new URL('../../src/server/', import.meta.url);
    const files = readdirSync(dir).filter((file) => file.endsWith('.ts'));
    expect(files.length).toBeGreaterThan(3);
    for (const file of files) {
      const source = readFileSync(new URL(file, dir), 'utf8');
      expect(source, file).not.toMatch(/from ['"](node:|crypto['"]|buffer['"]|util['"])/);
    }
  });
});
