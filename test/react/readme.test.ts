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

describe('README Next.js section', () => {
  it('shows the files of test/types/nextjs, which tsc checks, in order', () => {
    const readme = read('README.md');
    const start = readme.indexOf('### Next.js and server rendering');
    const section = readme.slice(start, readme.indexOf('\n### ', start + 1));
    const blocks = [...section.matchAll(/```tsx?\n([\s\S]*?)```/g)].map((match) => match[1]);
    expect(blocks).toEqual(
      ['route.ts', 'providers.tsx', 'layout.tsx', 'accessManager.ts'].map((file) =>
        read(`test/types/nextjs/${file}`),
      ),
    );
  });
});

describe('README links', () => {
  it('points every ](#anchor) at a heading, as GitHub and npm name them', () => {
    // Code blocks hold neither headings nor links.
    const readme = read('README.md').replace(/```[\s\S]*?```/g, '');
    const anchors = new Set(
      [...readme.matchAll(/^#{1,6} (.+)$/gm)].map(([, heading = '']) =>
        heading
          .trim()
          .toLowerCase()
          .replace(/[^\p{L}\p{N}_\- ]/gu, '')
          .replace(/ /g, '-'),
      ),
    );
    const links = [...readme.matchAll(/\]\(#([^)\s]+)\)/g)].map(([, anchor = '']) => anchor);

    expect(links.length).toBeGreaterThan(10);
    expect(links.filter((anchor) => !anchors.has(anchor))).toEqual([]);
  });
});
