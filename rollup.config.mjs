// Builds the package: ESM and CJS for bundlers and Node, declarations for both, and a minified
// IIFE for a <script> tag. Runtime dependencies stay external except in the IIFE, which must
// stand alone.
import { copyFileSync } from 'node:fs';
import nodeResolve from '@rollup/plugin-node-resolve';
import terser from '@rollup/plugin-terser';
import { dts } from 'rollup-plugin-dts';
import esbuild from 'rollup-plugin-esbuild';

const entries = { index: 'src/index.ts', inspect: 'src/inspect/index.ts', sdks: 'src/sdks/index.ts' };
// The entries that import the core by its public name share the app's one copy of it.
const external = [/^jwt-decode/, /^mitt/, /^access-manager$/];
const typescript = () => esbuild({ target: 'es2022' });

/** Writes the ESM declarations again as .d.cts, so `require` gets types of its own kind. */
const copyDeclarationsForCommonJs = () => ({
  name: 'copy-declarations-for-commonjs',
  writeBundle() {
    for (const name of Object.keys(entries)) copyFileSync(`dist/${name}.d.ts`, `dist/${name}.d.cts`);
  },
});

export default [
  {
    input: entries,
    external,
    plugins: [typescript()],
    output: [
      {
        dir: 'dist',
        format: 'es',
        entryFileNames: '[name].js',
        chunkFileNames: 'shared-[hash].js',
        sourcemap: true,
      },
      {
        dir: 'dist',
        format: 'cjs',
        entryFileNames: '[name].cjs',
        chunkFileNames: 'shared-[hash].cjs',
        sourcemap: true,
      },
    ],
  },
  {
    input: 'src/index.ts',
    plugins: [nodeResolve({ browser: true }), typescript()],
    output: {
      file: 'dist/access-manager.min.js',
      format: 'iife',
      name: 'accessManager',
      sourcemap: true,
      plugins: [terser()],
    },
  },
  {
    input: entries,
    external,
    plugins: [dts(), copyDeclarationsForCommonJs()],
    output: {
      dir: 'dist',
      format: 'es',
      entryFileNames: '[name].d.ts',
      chunkFileNames: 'shared-[name].d.ts',
    },
  },
];
