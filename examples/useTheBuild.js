// The package's built entries (dist/), as an app that installed it would import them: the esbuild
// plugin with which the examples' build.js files bundle, so that they need no second `npm install`.
import { fileURLToPath } from 'node:url';

const dist = fileURLToPath(new URL('../dist/', import.meta.url));

/** Resolves `access-token-manager` to dist/index.js, and `access-token-manager/<entry>` to dist/<entry>.js. */
export const useTheBuild = {
  name: 'access-token-manager-from-dist',
  setup(esbuild) {
    esbuild.onResolve({ filter: /^access-token-manager(\/\w+)?$/ }, ({ path }) => ({
      path: `${dist}${path.split('/')[1] ?? 'index'}.js`,
    }));
  },
};
