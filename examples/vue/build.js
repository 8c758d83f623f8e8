// Bundles the Vue example (main.js and its single-file components) with esbuild, from the
// repository's own dependencies: no second `npm install`. The .vue files are compiled by
// vue/compiler-sfc (part of the vue package), as Vite's plugin would. `npm start` serves the result
// at /examples/vue/app.js.
import { build } from 'esbuild';
import { readFile } from 'node:fs/promises';
import { basename } from 'node:path';
import { fileURLToPath } from 'node:url';
import { compileScript, parse } from 'vue/compiler-sfc';
import { useTheBuild } from '../useTheBuild.js';

const root = fileURLToPath(new URL('../..', import.meta.url));

/** Compiles each `<script setup>` + `<template>` component into one module (styles live in style.css). */
const singleFileComponents = {
  name: 'vue-single-file-components',
  setup(esbuild) {
    esbuild.onLoad({ filter: /\.vue$/ }, async ({ path }) => {
      const { descriptor, errors } = parse(await readFile(path, 'utf8'), { filename: path });
      if (errors.length > 0) return { errors: errors.map((error) => ({ text: String(error) })) };
      const id = basename(path, '.vue');
      const { content } = compileScript(descriptor, { id, inlineTemplate: true });
      return { contents: content, loader: 'js' };
    });
  },
};

/** @returns {Promise<string>} the example's JavaScript, one file with Vue (development build). */
export async function buildVueExample() {
  const result = await build({
    entryPoints: [`${root}examples/vue/main.js`],
    bundle: true,
    format: 'esm',
    write: false,
    define: {
      'process.env.NODE_ENV': '"development"',
      __VUE_OPTIONS_API__: 'false',
      __VUE_PROD_DEVTOOLS__: 'false',
      __VUE_PROD_HYDRATION_MISMATCH_DETAILS__: 'false',
    },
    plugins: [useTheBuild, singleFileComponents],
    logLevel: 'silent',
  });
  return result.outputFiles[0].text;
}
