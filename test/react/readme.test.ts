import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

const read = (path: string): string => readFileSync(new URL(`../../${path}`, import.meta.url), 'utf8');

describe('README React section', () => {
  it('shows test/types/readme.react.tsx, which tsc checks, as its example', () => {
    const readme = read('README.md');
    const section = readme.slice(
      readme.indexOf('## React'),
      readme.indexOf('\n## ', readme.indexOf('## React') + 1),
    );
    const example = /```tsx\n([\s\S]*?)```/.exec(section)?.[1];
    expect(example).toBe(read('test/types/readme.react.tsx'));
  });
});
