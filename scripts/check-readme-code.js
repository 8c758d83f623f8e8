// Type-checks every TypeScript and JavaScript block (ts, tsx, js, jsx) of README.md,
// CONTRIBUTING.md and docs/**/*.md (docs/incoming/ included) against the built package and the
// real SDKs' types (dev dependencies), under the project's strict options. A block that is a
// fragment says what it assumes in an HTML comment right above it, invisible on the page:
//   <!-- assumes: declare const token: string; -->
// Each block is its own module (so top-level await works) in node_modules/.cache/readme-check,
// inside the package, so that 'access-token-manager' resolves to the build as it does for a user.
// A block whose first comment names a file (`// app/providers.tsx: …`) is written under that
// name in its document's folder, so the blocks of one guide can import each other.
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import ts from 'typescript';

const root = new URL('../', import.meta.url);
const dir = new URL('node_modules/.cache/readme-check/', root);
rmSync(dir, { recursive: true, force: true });

/** The Markdown files whose code is checked, relative to the repository. */
const documents = [
  'README.md',
  'CONTRIBUTING.md',
  ...readdirSync(new URL('docs/', root), { recursive: true, encoding: 'utf8' })
    .filter((path) => path.endsWith('.md'))
    .map((path) => `docs/${path}`)
    .sort(),
];

const blocks = [];
const pattern = /(?:<!-- assumes: ([^\n]*?) -->\n+)?```(js|javascript|jsx|ts|typescript|tsx)\n([\s\S]*?)```/g;
for (const document of documents) {
  const text = readFileSync(new URL(document, root), 'utf8');
  const folder = new URL(`${document.replace(/[^\w]/g, '_')}/`, dir);
  for (const match of text.matchAll(pattern)) {
    const [, assumes = '', language, code] = match;
    const line = text.slice(0, match.index + match[0].indexOf('```')).split('\n').length;
    const jsx = language.endsWith('x');
    const named = /^(?:'use client';\n)?\/\/ ([\w./-]+\.(?:tsx?|jsx?))\b/.exec(code)?.[1];
    const name =
      named?.replace(/\.jsx?$/, jsx ? '.tsx' : '.ts') ?? `block-line-${line}.${jsx ? 'tsx' : 'ts'}`;
    const file = new URL(name, folder);
    mkdirSync(dirname(file.pathname), { recursive: true });
    // The preamble goes on the first line, so the block's own lines keep their numbers + 1; a
    // `/// <reference …/>` it starts with gets a line of its own (a comment runs to the line's end).
    const preamble = assumes.replace(/^((?:\/\/\/ <reference [^>]*\/>\s*)+)/, (refs) => `${refs.trim()}\n`);
    // 'use client' must stay the first statement: the preamble goes after it.
    const body = code.startsWith("'use client';\n")
      ? `'use client'; ${preamble} export {};\n${code.slice("'use client';\n".length)}`
      : `${preamble} export {};\n${code}`;
    writeFileSync(file, body);
    blocks.push({ document, line, path: file.pathname });
  }
}

const program = ts.createProgram(
  blocks.map(({ path }) => path),
  {
    target: ts.ScriptTarget.ES2022,
    lib: ['lib.es2022.d.ts', 'lib.dom.d.ts'],
    module: ts.ModuleKind.ESNext,
    moduleResolution: ts.ModuleResolutionKind.Bundler,
    jsx: ts.JsxEmit.ReactJSX,
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
  const block = blocks.find(({ path }) => path === diagnostic.file?.fileName);
  const where = diagnostic.file
    ? `${block ? `${block.document}, the block at line ${block.line}` : diagnostic.file.fileName}, its line ${diagnostic.file.getLineAndCharacterOfPosition(diagnostic.start ?? 0).line}`
    : '';
  console.error(`${where}: ${message}`);
}
if (diagnostics.length > 0) process.exit(1);
console.log(`${blocks.length} TypeScript/JavaScript blocks of ${documents.length} documents type-check`);
