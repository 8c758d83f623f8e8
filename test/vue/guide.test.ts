import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

const read = (path: string) => readFileSync(new URL(`../../${path}`, import.meta.url), 'utf8');
// The guide, where the docs put it (docs/vue-svelte.md), or where it was written (docs/incoming/vue.md).
const guide = ['docs/vue-svelte.md', 'docs/vue.md', 'docs/incoming/vue.md'].find((path) =>
  existsSync(new URL(`../../${path}`, import.meta.url)),
);

describe('the Vue guide', () => {
  it('shows exactly the components of test/types/vue/guide, which vue-tsc checks (npm run typecheck)', () => {
    const blocks = [...read(guide!).matchAll(/```vue\n([\s\S]*?)```/g)].map((match) => match[1]);
    const files = readdirSync(new URL('../types/vue/guide/', import.meta.url))
      .filter((file) => file.endsWith('.vue'))
      .map((file) => read(`test/types/vue/guide/${file}`));

    expect(blocks.length).toBeGreaterThan(0);
    expect(new Set(blocks)).toEqual(new Set(files));
  });
});
