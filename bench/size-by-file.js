// Where the core's bytes go: bundles an import as size-limit does (esbuild, minified, for the
// browser, process.env.NODE_ENV = "production", dependencies included), then prints the gzipped
// total and each input file's share of the minified bytes scaled to it.
// Usage: node bench/size-by-file.js ['{ AccessManager }'] (the source; pass ./dist/index.js as a second argument for the build).
import { gzipSync } from 'node:zlib';
import { build } from 'esbuild';

const names = process.argv[2] ?? '{ AccessManager }';
const source = process.argv[3] ?? './src/index.ts';
const result = await build({
  stdin: { contents: `export ${names} from '${source}';`, resolveDir: process.cwd() },
  bundle: true,
  minify: true,
  write: false,
  format: 'esm',
  platform: 'browser',
  metafile: true,
  define: { 'process.env.NODE_ENV': '"production"' },
});
const code = result.outputFiles[0].contents;
const gzipped = gzipSync(code, { level: 9 }).length;
console.log(`${names}: ${code.length} B minified, ${gzipped} B gzipped`);
const inputs = Object.values(result.metafile.outputs)[0].inputs;
const rows = Object.entries(inputs)
  .map(([file, { bytesInOutput }]) => [file, bytesInOutput])
  .sort((a, b) => b[1] - a[1]);
for (const [file, bytes] of rows) {
  console.log(
    `${(((bytes / code.length) * gzipped) / 1000).toFixed(2).padStart(6)} kB  ${String(bytes).padStart(6)} B  ${file}`,
  );
}
