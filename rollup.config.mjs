// Builds the package: ESM and CJS for bundlers and Node, declarations for both, and two IIFEs
// for a <script> tag, as React shipped them: access-token-manager.js for development (full wording) and
// access-token-manager.min.js for production (short messages). Runtime dependencies stay external
// except in the IIFEs, which must stand alone. The ESM and CJS builds keep
// `process.env.NODE_ENV` as it is, for the app's bundler to replace (see src/errors.ts).
import { copyFileSync } from 'node:fs';
import nodeResolve from '@rollup/plugin-node-resolve';
import replace from '@rollup/plugin-replace';
import terser from '@rollup/plugin-terser';
import { dts } from 'rollup-plugin-dts';
import esbuild from 'rollup-plugin-esbuild';

const entries = {
  index: 'src/index.ts',
  inspect: 'src/inspect/index.ts',
  sdks: 'src/sdks/index.ts',
  tabs: 'src/tabs/index.ts',
  server: 'src/server/index.ts',
};
// The opt-in entries (tabs, sdks, server) import the core by its public name: an app's bundle holds
// one core.
const external = [/^jwt-decode/, /^mitt/, /^access-token-manager$/];
const typescript = () => esbuild({ target: 'es2022' });

/** Writes the ESM declarations again as .d.cts, so `require` gets types of its own kind. */
const copyDeclarationsForCommonJs = () => ({
  name: 'copy-declarations-for-commonjs',
  writeBundle() {
    for (const name of Object.keys(entries)) copyFileSync(`dist/${name}.d.ts`, `dist/${name}.d.cts`);
  },
});

/**
 * Points inspect's declaration merging (`declare module '../errors'`, which adds `findings` to
 * AccessTokenError) at the built core's declarations: the source path means nothing in dist/, and
 * TypeScript merges through the name the core exports, not through the shared chunk's alias.
 */
const augmentBuiltCore = () => ({
  name: 'augment-built-core',
  renderChunk: (code) => code.replaceAll("declare module '../errors'", "declare module './index.js'"),
});

// access-token-manager/react: its own build, so that the core ('access-token-manager') and React stay
// imports (an app's bundle holds one copy of each) and the 'use client' directive, which
// bundling drops, is written back at the top.
const react = {
  input: { react: 'src/react/index.ts' },
  external: ['access-token-manager', 'react', /^react\//],
};
const useClient = `'use client';`;

// access-token-manager/vue: its own build too, so that the core and Vue stay imports.
const vue = {
  input: { vue: 'src/vue/index.ts' },
  external: ['access-token-manager', 'vue'],
};

export default [
  {
    ...react,
    plugins: [typescript()],
    output: [
      { dir: 'dist', format: 'es', entryFileNames: '[name].js', banner: useClient, sourcemap: true },
      { dir: 'dist', format: 'cjs', entryFileNames: '[name].cjs', banner: useClient, sourcemap: true },
    ],
    onwarn(warning, warn) {
      if (warning.code !== 'MODULE_LEVEL_DIRECTIVE') warn(warning);
    },
  },
  {
    ...react,
    plugins: [
      dts(),
      {
        name: 'copy-react-declarations-for-commonjs',
        writeBundle: () => copyFileSync('dist/react.d.ts', 'dist/react.d.cts'),
      },
    ],
    output: { dir: 'dist', format: 'es', entryFileNames: '[name].d.ts' },
  },
  {
    ...vue,
    plugins: [typescript()],
    output: [
      { dir: 'dist', format: 'es', entryFileNames: '[name].js', sourcemap: true },
      { dir: 'dist', format: 'cjs', entryFileNames: '[name].cjs', sourcemap: true },
    ],
  },
  {
    ...vue,
    plugins: [
      dts(),
      {
        name: 'copy-vue-declarations-for-commonjs',
        writeBundle: () => copyFileSync('dist/vue.d.ts', 'dist/vue.d.cts'),
      },
    ],
    output: { dir: 'dist', format: 'es', entryFileNames: '[name].d.ts' },
  },
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
  ...['development', 'production'].map((mode) => ({
    input: 'src/index.ts',
    plugins: [
      replace({ preventAssignment: true, values: { 'process.env.NODE_ENV': JSON.stringify(mode) } }),
      nodeResolve({ browser: true }),
      typescript(),
    ],
    output: {
      file: mode === 'production' ? 'dist/access-token-manager.min.js' : 'dist/access-token-manager.js',
      format: 'iife',
      name: 'accessManager',
      sourcemap: true,
      plugins: mode === 'production' ? [terser()] : [],
    },
  })),
  {
    // A plain page gets tab sharing from a second <script>, after the core's: it reads the core
    // from the global `accessManager` and defines `accessManagerTabs`.
    input: 'src/tabs/index.ts',
    external: ['access-token-manager'],
    plugins: [typescript()],
    output: {
      file: 'dist/access-token-manager-tabs.min.js',
      format: 'iife',
      name: 'accessManagerTabs',
      globals: { 'access-token-manager': 'accessManager' },
      sourcemap: true,
      plugins: [terser()],
    },
  },
  {
    input: entries,
    external,
    plugins: [dts(), augmentBuiltCore(), copyDeclarationsForCommonJs()],
    output: {
      dir: 'dist',
      format: 'es',
      entryFileNames: '[name].d.ts',
      chunkFileNames: 'shared-[name].d.ts',
    },
  },
];
