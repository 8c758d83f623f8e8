// The package as a user installs it: `npm pack`, then the tarball installed into an empty app by
// its name. Each entry is imported by that name from Node ESM, from CommonJS and through a bundler
// (esbuild), and `npx --no-install access-token-manager inspect` runs this package's CLI. Also: no
// file we ship or show tells a user to install, import or `npx` the old name `access-manager`, which
// belongs to an unrelated package on the registry. `npm run build` first.
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as esbuild from 'esbuild';

const root = fileURLToPath(new URL('../..', import.meta.url));
const { name, exports: entries } = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
assert.equal(name, 'access-token-manager');

// Every way a text can send a user to the old name: an install, an npx, an import or require, a
// CDN link or the registry page. `access-token-manager` never matches (the name must stand alone).
const OLD_NAME =
  /(npm (i|install|add)|yarn add|pnpm add|npx( --no-install)?|from|import|require\(|unpkg\.com\/|jsdelivr\.net\/npm\/|npmjs\.com\/package\/)\s*['"`]?access-manager(?![\w-])/;
const tracked = execFileSync('git', ['ls-files'], { cwd: root, encoding: 'utf8' })
  .split('\n')
  .filter(Boolean);
const TEXT = /\.(md|js|mjs|cjs|ts|tsx|jsx|json|html|css)$|^bin\//;
const stale = [];
for (const file of tracked) {
  if (!TEXT.test(file) || file === 'package-lock.json' || file === 'test/package/installed.js') continue;
  const lines = readFileSync(join(root, file), 'utf8').split('\n');
  lines.forEach((line, index) => {
    if (OLD_NAME.test(line)) stale.push(`${file}:${index + 1}: ${line.trim()}`);
  });
}
assert.deepEqual(stale, [], 'these lines still send users to the unrelated package `access-manager`');
// The check above can fail: it finds each way of naming the old package.
for (const line of [
  'npm install access-manager',
  "import x from 'access-manager/tabs'",
  'npx access-manager inspect',
])
  assert.ok(OLD_NAME.test(line), line);
assert.ok(!OLD_NAME.test('npx access-token-manager inspect'));

const app = mkdtempSync(join(tmpdir(), 'access-token-manager-installed-'));
try {
  const tarball = execFileSync('npm', ['pack', '--silent', '--pack-destination', app], {
    cwd: root,
    encoding: 'utf8',
  })
    .trim()
    .split('\n')
    .pop();
  writeFileSync(
    join(app, 'package.json'),
    JSON.stringify({ name: 'empty-app', private: true, type: 'module' }),
  );
  // React and Vue are the react and vue entries' optional peers; the runtime dependencies come with
  // the tarball.
  execFileSync(
    'npm',
    [
      'install',
      '--no-audit',
      '--no-fund',
      '--prefer-offline',
      '--silent',
      join(app, tarball),
      'react@19',
      'vue@3',
    ],
    { cwd: app, stdio: 'inherit' },
  );

  const specifiers = Object.keys(entries)
    .filter((key) => key !== './package.json')
    .map((key) => (key === '.' ? name : `${name}/${key.slice(2)}`));
  assert.deepEqual(
    specifiers.sort(),
    [
      name,
      `${name}/inspect`,
      `${name}/react`,
      `${name}/sdks`,
      `${name}/server`,
      `${name}/tabs`,
      `${name}/vue`,
    ].sort(),
  );

  const esm = specifiers.map((s, i) => `import * as m${i} from '${s}';`).join('\n');
  writeFileSync(
    join(app, 'esm.mjs'),
    `${esm}\nconsole.log(JSON.stringify([${specifiers.map((_, i) => `Object.keys(m${i}).length`).join(', ')}]));\n` +
      `console.log(typeof m0.AccessManager, m0.decodeAccessToken.name);\n`,
  );
  writeFileSync(
    join(app, 'cjs.cjs'),
    `const all = ${JSON.stringify(specifiers)}.map((s) => require(s));\n` +
      `console.log(JSON.stringify(all.map((m) => Object.keys(m).length)));\n` +
      `console.log(typeof all[0].AccessManager, all[0].decodeAccessToken.name);\n`,
  );
  const run = (file) =>
    execFileSync(process.execPath, [file], { cwd: app, encoding: 'utf8' }).trim().split('\n');
  const [esmCounts, esmCore] = run('esm.mjs');
  const [cjsCounts, cjsCore] = run('cjs.cjs');
  assert.equal(esmCore, 'function decodeAccessToken');
  assert.equal(cjsCore, 'function decodeAccessToken');
  assert.ok(
    JSON.parse(esmCounts).every((count) => count > 0),
    `every ESM entry exports names: ${esmCounts}`,
  );
  assert.equal(cjsCounts, esmCounts, 'CommonJS sees the same names as ESM');

  await esbuild.build({
    entryPoints: [join(app, 'esm.mjs')],
    absWorkingDir: app,
    bundle: true,
    platform: 'node',
    format: 'esm',
    outfile: join(app, 'bundled.mjs'),
    logLevel: 'error',
  });
  assert.deepEqual(
    run('bundled.mjs'),
    [esmCounts, esmCore],
    'a bundler resolves every entry by the new name',
  );

  // The server entry mints from the installed tarball (Web Crypto: no dependency of its own).
  writeFileSync(
    join(app, 'server.mjs'),
    `import { createTokenHandler } from '${name}/server';
const handler = createTokenHandler({
  accountSid: 'AC' + 'a'.repeat(32), apiKeySid: 'SK' + 'b'.repeat(32), apiKeySecret: 'c'.repeat(32),
  authorize: () => ({ identity: 'alice', grants: { video: {} } }),
});
const response = await handler(new Request('http://localhost/token'));
console.log(response.status, typeof (await response.json()).token);\n`,
  );
  assert.deepEqual(run('server.mjs'), ['200 string'], 'the installed server entry mints a token');

  const token = makeToken();
  const cli = spawnSync('npx', ['--no-install', name, 'inspect', '--json'], {
    cwd: app,
    input: token,
    encoding: 'utf8',
  });
  assert.equal(cli.status, 2, `npx --no-install ${name} inspect runs this CLI: ${cli.stderr}`);
  const report = JSON.parse(cli.stdout);
  assert.ok(report.findings.some((finding) => finding.reason === 'expired'));
  assert.ok(!cli.stdout.includes(token.split('.')[2]), 'the report never shows the signature');
  console.log(
    `installed package: ${specifiers.length} entries by name in ESM, CJS and esbuild; the server entry mints; npx ${name} inspect ok`,
  );
} finally {
  rmSync(app, { recursive: true, force: true });
}

/** An expired token with a made-up signature: enough for the doctor to say `expired`. */
function makeToken() {
  const part = (object) => Buffer.from(JSON.stringify(object)).toString('base64url');
  const header = { alg: 'HS256', typ: 'JWT', cty: 'twilio-fpa;v=1' };
  const payload = {
    jti: 'SK00000000000000000000000000000000-1',
    iss: 'SK00000000000000000000000000000000',
    sub: 'AC00000000000000000000000000000000',
    iat: 1_600_000_000,
    exp: 1_600_003_600,
    grants: { identity: 'alice', chat: {} },
  };
  return `${part(header)}.${part(payload)}.${Buffer.from('signature-bytes').toString('base64url')}`;
}
