// The bundler matrix: a tiny app imports the package by its name and is built by each bundler an
// app may use (esbuild, Rollup, webpack, Vite), for production and for development, and run in
// Node; and size-limit's bundle is checked to be the production one. A production build must drop the wording (no sentence of it in the bundle, and a smaller
// bundle) and still refuse a bad token with its code and reason; a development build, and Node
// without a bundler (ESM and CommonJS), must keep the full wording. `npm run build` first.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import * as esbuild from 'esbuild';
import nodeResolve from '@rollup/plugin-node-resolve';
import replace from '@rollup/plugin-replace';
import terser from '@rollup/plugin-terser';
import { rollup } from 'rollup';
import sizeLimit from 'size-limit';
import smallLib from '@size-limit/preset-small-lib';
import { build as vite } from 'vite';
import webpack from 'webpack';

const root = fileURLToPath(new URL('../..', import.meta.url));
// A sentence of the wording (the cause of `malformed`), and the two messages the app prints.
const WORDING = 'three base64url parts';
const FULL =
  '20101 malformed Expected a JWT (three base64url parts), got a string of 11 characters in 1 part. ' +
  'In your client code, pass the token as minted: no quotes, Bearer, spaces, or error page.';
const SHORT =
  '20101 malformed malformed (code 20101), worded in development builds. ' +
  'See https://www.npmjs.com/package/access-token-manager#malformed or run npx access-token-manager inspect.';
// A string only fromEndpoint holds (src/endpoint.ts): an app that does not import it must not ship it.
const FROM_ENDPOINT = 'opaqueredirect';
// What the wording weighs at least, min+gzip: a production bundle is lighter by this much.
const WORDING_MIN_BYTES = 700;

const APP = `import { AccessManager, decodeAccessToken } from 'access-token-manager';
try {
  decodeAccessToken('not a token');
} catch (error) {
  console.log(typeof AccessManager === 'function' ? \`\${error.code} \${error.reason} \${error.message}\` : 'no AccessManager');
}
`;

const dir = mkdtempSync(join(tmpdir(), 'access-token-manager-bundlers-'));
mkdirSync(join(dir, 'node_modules'));
symlinkSync(root, join(dir, 'node_modules', 'access-token-manager'), 'dir');
writeFileSync(join(dir, 'app.js'), APP);
const entry = join(dir, 'app.js');
const out = (name) => join(dir, 'out', name);

/** Each bundler, each mode: writes one file that runs in Node and returns its path. */
const BUILDS = {
  esbuild: async (mode) => {
    const outfile = out(`esbuild-${mode}.js`);
    await esbuild.build({
      entryPoints: [entry],
      bundle: true,
      minify: true,
      define: { 'process.env.NODE_ENV': JSON.stringify(mode) },
      outfile,
      logLevel: 'error',
    });
    return outfile;
  },
  rollup: async (mode) => {
    const bundle = await rollup({
      input: entry,
      plugins: [
        nodeResolve({ browser: true }),
        replace({ preventAssignment: true, values: { 'process.env.NODE_ENV': JSON.stringify(mode) } }),
      ],
    });
    const file = out(`rollup-${mode}.mjs`);
    await bundle.write({ file, format: 'es', plugins: mode === 'production' ? [terser()] : [] });
    await bundle.close();
    return file;
  },
  webpack: (mode) =>
    new Promise((resolve, reject) => {
      const filename = `webpack-${mode}.js`;
      const config = { mode, entry, devtool: false, output: { path: join(dir, 'out'), filename } };
      webpack(config, (error, stats) => {
        if (error || stats.hasErrors()) reject(error ?? new Error(stats.toString('errors-only')));
        else resolve(out(filename));
      });
    }),
  // Vite takes the mode of the build from NODE_ENV (`NODE_ENV=development vite build`), and sets
  // it in this process, so it is set for each build and restored after.
  vite: async (mode) => {
    const before = process.env.NODE_ENV;
    process.env.NODE_ENV = mode;
    await vite({
      configFile: false,
      root: dir,
      mode,
      logLevel: 'silent',
      build: {
        outDir: join(dir, 'out', `vite-${mode}`),
        minify: mode === 'production',
        modulePreload: { polyfill: false },
        rollupOptions: { input: entry, output: { entryFileNames: 'app.mjs' } },
      },
    }).finally(() => {
      if (before === undefined) delete process.env.NODE_ENV;
      else process.env.NODE_ENV = before;
    });
    return join(dir, 'out', `vite-${mode}`, 'app.mjs');
  },
};

const gzipped = (file) => gzipSync(readFileSync(file), { level: 9 }).length;
/** Runs Node in the app's directory, with NODE_ENV only if given. */
const run = (args, env = {}) => {
  const inherited = { ...process.env };
  delete inherited.NODE_ENV;
  return execFileSync(process.execPath, args, {
    cwd: dir,
    encoding: 'utf8',
    env: { ...inherited, ...env },
  }).trim();
};

let failed = 0;
const check = async (name, body) => {
  const started = Date.now();
  try {
    const note = await body();
    console.log(`  ✓ ${name}${note ? `: ${note}` : ''} (${Date.now() - started} ms)`);
  } catch (error) {
    failed += 1;
    console.log(`  ✗ ${name}\n    ${error?.stack ?? error}`);
  }
};

try {
  // The reference for the wording's weight: the same app, minified, with the words kept.
  const reference = out('esbuild-minified-development.js');
  await esbuild.build({
    entryPoints: [entry],
    bundle: true,
    minify: true,
    define: { 'process.env.NODE_ENV': '"development"' },
    outfile: reference,
    logLevel: 'error',
  });
  const withWordingBytes = gzipped(reference);

  for (const [bundler, build] of Object.entries(BUILDS)) {
    for (const mode of ['production', 'development']) {
      await check(`${bundler}, ${mode} build`, async () => {
        const file = await build(mode);
        const code = readFileSync(file, 'utf8');
        const bytes = gzipped(file);
        if (mode === 'production') {
          assert.equal(code.includes(WORDING), false, 'the production bundle holds the wording');
          assert.equal(code.includes(FROM_ENDPOINT), false, 'the unused fromEndpoint stayed in the bundle');
          assert.ok(
            bytes <= withWordingBytes - WORDING_MIN_BYTES,
            `${bytes} B gzipped, not ${WORDING_MIN_BYTES} B under the ${withWordingBytes} B with the wording`,
          );
        } else {
          assert.ok(code.includes(WORDING), 'the development bundle lacks the wording');
        }
        assert.equal(run([file]), mode === 'production' ? SHORT : FULL);
        return `${(bytes / 1000).toFixed(2)} kB gzipped`;
      });
    }
  }

  // size-limit bundles with esbuild, minified for the browser, where esbuild defines NODE_ENV as
  // "production": its bundle of the core, kept here, must hold no wording.
  await check('size-limit, as npm test runs it: the production build', async () => {
    const { path, import: imported } = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'))[
      'size-limit'
    ].find((entry) => entry.import === '{ AccessManager }');
    const file = join(root, path);
    const outdir = join(dir, 'out', 'size-limit');
    const [{ size }] = await sizeLimit(smallLib, {
      checks: [
        {
          files: [file],
          import: { [file]: imported },
          gzip: true,
          modifyEsbuildConfig: (config) => ({ ...config, outdir }),
        },
      ],
    });
    const bundle = readFileSync(join(outdir, 'index.js'), 'utf8');
    assert.ok(bundle.includes('class'), 'size-limit bundled nothing');
    assert.equal(bundle.includes(WORDING), false, "size-limit's bundle holds the wording");
    assert.equal(bundle.includes(FROM_ENDPOINT), false, "size-limit's bundle holds the unused fromEndpoint");
    return `import { AccessManager }: ${(size / 1000).toFixed(2)} kB gzipped`;
  });
  await check('Node, ES module, no bundler: full wording', () => {
    assert.equal(run(['--input-type=module', '-e', APP]), FULL);
  });
  await check('Node, CommonJS, no bundler: full wording', () => {
    const app = APP.replace(/^import (.*) from '(.*)';$/m, "const $1 = require('$2');");
    assert.equal(run(['-e', app]), FULL);
  });
  await check('Node with NODE_ENV=production: short messages', () => {
    assert.equal(run(['--input-type=module', '-e', APP], { NODE_ENV: 'production' }), SHORT);
  });
  await check('access-token-manager/inspect in a production build: full wording', async () => {
    writeFileSync(
      join(dir, 'inspect.js'),
      `import { inspectAccessToken } from 'access-token-manager/inspect';
console.log(inspectAccessToken('not a token').findings[0].message);`,
    );
    const outfile = out('inspect-production.js');
    await esbuild.build({
      entryPoints: [join(dir, 'inspect.js')],
      bundle: true,
      minify: true,
      define: { 'process.env.NODE_ENV': '"production"' },
      outfile,
      logLevel: 'error',
    });
    assert.equal(
      run([outfile]),
      'Expected a JWT (three base64url parts), got a string of 11 characters in 1 part.',
    );
  });
  await check(
    '<script> builds: dist/access-token-manager.js full, dist/access-token-manager.min.js short',
    () => {
      const development = readFileSync(join(root, 'dist', 'access-token-manager.js'), 'utf8');
      const production = readFileSync(join(root, 'dist', 'access-token-manager.min.js'), 'utf8');
      assert.ok(development.includes(WORDING), 'dist/access-token-manager.js lacks the wording');
      assert.equal(production.includes(WORDING), false, 'dist/access-token-manager.min.js holds the wording');
      assert.equal(
        /process\.env/.test(development + production),
        false,
        'a <script> build reads process.env',
      );
    },
  );
} finally {
  rmSync(dir, { recursive: true, force: true });
}
console.log(`bundlers: ${failed === 0 ? 'all passed' : `${failed} failed`}`);
process.exit(failed === 0 ? 0 : 1);
