// Bundles the React example (main.jsx and its JSX) with esbuild, from the repository's own
// dependencies: no second `npm install`. `npm start` serves the result at /examples/react/app.js.
import { build } from 'esbuild';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../..', import.meta.url));

/** The package's built entries, as an app that installed it would import them. */
const useTheBuild = {
  name: 'access-token-manager-from-dist',
  setup(esbuild) {
    esbuild.onResolve({ filter: /^access-token-manager(\/react|\/sdks)?$/ }, ({ path }) => ({
      path: `${root}dist/${path === 'access-token-manager' ? 'index' : path.slice('access-token-manager/'.length)}.js`,
    }));
  },
};

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
