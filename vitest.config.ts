import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

// Tests import 'access-token-manager' by its public name. By default that is the build in dist/ (what
// users get); ACCESS_MANAGER_TARGET=src runs the same suite against the sources while developing.
const target = process.env.ACCESS_MANAGER_TARGET === 'src' ? 'src' : 'dist';
const entry = (file: string) => fileURLToPath(new URL(`./${target}/${file}`, import.meta.url));

export default defineConfig({
  resolve: {
    alias: [
      { find: /^access-token-manager$/, replacement: entry(target === 'src' ? 'index.ts' : 'index.js') },
      {
        find: /^access-token-manager\/inspect$/,
        replacement: entry(target === 'src' ? 'inspect/index.ts' : 'inspect.js'),
      },
      {
        find: /^access-token-manager\/react$/,
        replacement: entry(target === 'src' ? 'react/index.ts' : 'react.js'),
      },
      {
        find: /^access-token-manager\/vue$/,
        replacement: entry(target === 'src' ? 'vue/index.ts' : 'vue.js'),
      },
      {
        find: /^access-token-manager\/tabs$/,
        replacement: entry(target === 'src' ? 'tabs/index.ts' : 'tabs.js'),
      },
      {
        find: /^access-token-manager\/sdks$/,
        replacement: entry(target === 'src' ? 'sdks/index.ts' : 'sdks.js'),
      },
      {
        find: /^access-token-manager\/server$/,
        replacement: entry(target === 'src' ? 'server/index.ts' : 'server.js'),
      },
    ],
  },
  test: {
    include: ['test/**/*.test.ts', 'test/**/*.test.tsx'],
    restoreMocks: true,
    unstubGlobals: true,
  },
});
