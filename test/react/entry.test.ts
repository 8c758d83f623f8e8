import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

const built = (file: string) => new URL(`../../dist/${file}`, import.meta.url);

describe('the access-token-manager/react build', () => {
  it.skipIf(!existsSync(built('react.js')))(
    "starts with 'use client' and imports the core by its public name, so an app bundles one copy",
    () => {
      for (const file of ['react.js', 'react.cjs']) {
        const code = readFileSync(built(file), 'utf8');
        expect(code.startsWith("'use client';")).toBe(true);
        const imported = [...code.matchAll(/(?:from |require\()'([^']+)'/g)].map((match) => match[1]);
        expect(new Set(imported)).toEqual(new Set(['react', 'access-token-manager']));
      }
    },
  );
});
