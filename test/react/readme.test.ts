import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

const read = (path: string): string => readFileSync(new URL(`../../${path}`, import.meta.url), 'utf8');

/** The text of `document` from the heading `heading` to the next heading of the same level or higher. */
function section(document: string, heading: string): string {
  const text = read(document);
  const start = text.indexOf(`${heading}\n`);
  expect(start, `${document}: ${heading}`).toBeGreaterThanOrEqual(0);
  const level = /^#+/.exec(heading)?.[0] ?? '#';
  const next = new RegExp(`\\n#{1,${level.length}} `, 'g');
  next.lastIndex = start + heading.length;
  return text.slice(start, next.exec(text)?.index ?? text.length);
}

describe('the React example of the README and of docs/react.md', () => {
  it('is test/types/readme.react.tsx, which tsc checks, with the Conversations and Voice adapters', () => {
    const example = read('test/types/readme.react.tsx');
    const readme = /```tsx\n([\s\S]*?)```/.exec(
      section('README.md', '### 3. React, with Conversations and Voice'),
    );
    const guide = /```tsx\n([\s\S]*?)```/.exec(
      section('docs/react.md', '## An app with Conversations and Voice'),
    );
    expect(readme?.[1]).toBe(example);
    expect(guide?.[1]).toBe(example);
    expect(example).toContain('adapter: conversations');
    expect(example).toContain('adapter: voice');
    expect(example).not.toContain("requires: 'voice'");
  });
});

describe('the Next.js section of docs/react.md', () => {
  it('shows the files of test/types/nextjs, which tsc checks, in order', () => {
    const blocks = [
      ...section('docs/react.md', '## Next.js and server rendering').matchAll(/```tsx?\n([\s\S]*?)```/g),
    ].map((match) => match[1]);
    expect(blocks).toEqual(
      ['route.ts', 'providers.tsx', 'layout.tsx', 'accessManager.ts'].map((file) =>
        read(`test/types/nextjs/${file}`),
      ),
    );
  });
});
