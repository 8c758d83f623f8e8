import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

const built = (file: string) => new URL(`../../dist/${file}`, import.meta.url);

describe('the access-token-manager/vue build', () => {
  it.skipIf(!existsSync(built('vue.js')))(
    'imports only Vue and the core by its public name, so an app bundles one copy of each',
    () => {
      for (const file of ['vue.js', 'vue.cjs']) {
        const code = readFileSync(built(file), 'utf8');
        const imported = [...code.matchAll(/(?:from |require\()'([^']+)'/g)].map((match) => match[1]);
        expect(new Set(imported)).toEqual(new Set(['vue', 'access-token-manager']));
      }
    },
  );
});
