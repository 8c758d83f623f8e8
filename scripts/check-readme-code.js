// Type-checks every TypeScript and JavaScript block of the README against the built package and
// the real SDKs' types (dev dependencies), under the project's strict options. A block that is a
// fragment says what it assumes in an HTML comment right above it, invisible on the page:
//   <!-- assumes: declare const token: string; -->
// Each block is its own module (so top-level await works) in node_modules/.cache/readme-check,
// inside the package, so that 'access-token-manager' resolves to the build as it does for a user.
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import ts from 'typescript';

const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
const dir = new URL('../node_modules/.cache/readme-check/', import.meta.url);
rmSync(dir, { recursive: true, force: true });
mkdirSync(dir, { recursive: true });

const blocks = [];
const pattern = /(?:<!-- assumes: ([^\n]*?) -->\n+)?```(js|javascript|ts|typescript)\n([\s\S]*?)```/g;
for (const match of readme.matchAll(pattern)) {
  const [, assumes = '', , code] = match;
  const line = readme.slice(0, match.index + match[0].indexOf('```')).split('\n').length;
  const file = new URL(`block-line-${line}.ts`, dir);
  // The preamble goes on the first line, so the block's own lines keep their numbers + 1; a
  // `/// <reference …/>` it starts with gets a line of its own (a comment runs to the line's end).
  const preamble = assumes.replace(/^((?:\/\/\/ <reference [^>]*\/>\s*)+)/, (refs) => `${refs.trim()}\n`);
  writeFileSync(file, `${preamble} export {};\n${code}`);
  blocks.push({ line, path: file.pathname });
}

const program = ts.createProgram(
  blocks.map(({ path }) => path),
  {
    target: ts.ScriptTarget.ES2022,
    lib: ['lib.es2022.d.ts', 'lib.dom.d.ts'],
    module: ts.ModuleKind.ESNext,
    moduleResolution: ts.ModuleResolutionKind.Bundler,
    strict: true,
    noUncheckedIndexedAccess: true,
    exactOptionalPropertyTypes: true,
    skipLibCheck: true,
    noEmit: true,
    types: [],
  },
);
const diagnostics = ts.getPreEmitDiagnostics(program);
for (const diagnostic of diagnostics) {
  const message = ts.flattenDiagnosticMessageText(diagnostic.messageText, '\n');
  const where = diagnostic.file
    ? `${diagnostic.file.fileName.split('/').pop()}:${diagnostic.file.getLineAndCharacterOfPosition(diagnostic.start ?? 0).line}`
    : '';
  console.error(`README ${where}: ${message}`);
}
if (diagnostics.length > 0) process.exit(1);
console.log(`README: ${blocks.length} TypeScript/JavaScript blocks type-check`);
