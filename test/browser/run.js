// Runs every test/browser/*.spec.js in one headless Chromium. Each spec exports
// `name` and `default async function run({ browser, root })`, which throws on failure.
import { readdir } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { launchChromium } from './harness.js';

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '..', '..');
// SPEC=tabs,sdks runs only the specs whose file names contain one of those words (while developing).
const only = process.env.SPEC?.split(',').filter(Boolean) ?? [];
const specs = (await readdir(here))
  .filter((file) => file.endsWith('.spec.js'))
  .filter((file) => only.length === 0 || only.some((word) => file.includes(word)))
  .sort();

const browser = await launchChromium();
let passed = 0;
let failed = 0;
for (const file of specs) {
  const spec = await import(pathToFileURL(join(here, file)).href);
  const started = Date.now();
  try {
    await spec.default({ browser, root });
    passed += 1;
    console.log(`  ✓ ${file}: ${spec.name} (${Date.now() - started} ms)`);
  } catch (error) {
    failed += 1;
    console.log(`  ✗ ${file}: ${spec.name}\n    ${error?.stack ?? error}`);
  }
}
await browser.close();
console.log(`browser: ${passed} passed, ${failed} failed`);
process.exit(failed === 0 && passed > 0 ? 0 : 1);
