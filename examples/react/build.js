// Bundles the React example (main.jsx and its JSX) with esbuild, from the repository's own
// dependencies: no second `npm install`. `npm start` serves the result at /examples/react/app.js.
import { build } from 'esbuild';
import { fileURLToPath } from 'node:url';
import { useTheBuild } from '../useTheBuild.js';

const root = fileURLToPath(new URL('../..', import.meta.url));

/** @returns {Promise<string>} the example's JavaScript, one file with React (development build). */
export async function buildReactExample() {
  const result = await build({
    entryPoints: [`${root}examples/react/main.jsx`],
    bundle: true,
    format: 'esm',
    jsx: 'automatic',
    write: false,
    define: { 'process.env.NODE_ENV': '"development"' },
    plugins: [useTheBuild],
    logLevel: 'silent',
  });
  return result.outputFiles[0].text;
}
