import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { describeReason, type AccessTokenErrorReason } from 'access-token-manager';

const read = (path: string): string => readFileSync(new URL(`../${path}`, import.meta.url), 'utf8');

/** The string members of the union type `name` declared in a source file. */
function unionMembers(source: string, name: string): string[] {
  const declaration = new RegExp(`export type ${name} =([^;]+);`).exec(source)?.[1] ?? '';
  return [...declaration.matchAll(/'([a-z-]+)'/g)].map((match) => match[1] ?? '');
}

/** The rows of the README's Troubleshooting tables, by reason. */
function troubleshootingRows(): Map<string, string> {
  const readme = read('README.md');
  const section = readme.slice(
    readme.indexOf('## Troubleshooting'),
    readme.indexOf('\n## ', readme.indexOf('## Troubleshooting') + 1),
  );
  const rows = new Map<string, string>();
  for (const line of section.split('\n')) {
    const [, code, reason] = line.split('|').map((cell) => cell.trim());
    if (reason?.startsWith('`')) rows.set(reason.slice(1, -1), `${code}|${line}`);
  }
  return rows;
}

describe('README troubleshooting', () => {
  const rows = troubleshootingRows();
  const coreReasons = unionMembers(read('src/errors.ts'), 'AccessTokenErrorReason');
  const inspectReasons = unionMembers(read('src/inspect/finding.ts'), 'InspectReason');

  it('lists every reason of AccessTokenError with its code', () => {
    expect(coreReasons.length).toBeGreaterThan(15);
    for (const reason of coreReasons) {
      const { code } = describeReason(reason as AccessTokenErrorReason, {});
      expect(rows.get(reason), reason).toMatch(new RegExp(`^${code}\\|`));
    }
  });

  it('quotes the remedy of every reason of AccessTokenError in the words of the error', () => {
    for (const reason of coreReasons) {
      const { remedy } = describeReason(reason as AccessTokenErrorReason, { grant: 'data_sync' });
      const cell = rows.get(reason)?.split('|')[5]?.trim().replaceAll('`', '');
      expect(cell, reason).toContain(remedy);
    }
  });

  it("lists every reason of the inspector's own findings", () => {
    expect(inspectReasons.length).toBeGreaterThan(20);
    for (const reason of inspectReasons) expect(rows.has(reason), reason).toBe(true);
  });

  it('says that unchanged arrives through refreshFailed, never tokenError (a provider returning the held token)', () => {
    expect(rows.get('unchanged')).toMatch(/`refreshFailed`.*never a `tokenError`/);
  });

  it('lists nothing else', () => {
    expect([...rows.keys()].sort()).toEqual([...coreReasons, ...inspectReasons].sort());
  });
});
