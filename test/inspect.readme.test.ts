import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { describeReason, type AccessTokenErrorReason } from 'access-token-manager';
import { explainError } from 'access-token-manager/inspect';

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

describe("README troubleshooting: the SDKs' token codes", () => {
  /** The rows of the SDK code table: the cells of each row whose first cell is a code or "—". */
  function sdkRows(): string[][] {
    const readme = read('README.md');
    const start = readme.indexOf("The SDKs' own token codes");
    const section = readme.slice(start, readme.indexOf('\n\n', readme.indexOf('| code', start)));
    return section
      .split('\n')
      .filter((line) => /^\| (\d{5}|—) /.test(line))
      .map((line) =>
        line
          .split('|')
          .slice(1, -1)
          .map((cell) => cell.trim()),
      );
  }
  /** The codes of src/sdkCodes.ts, in order. */
  const tableCodes = (): number[] =>
    [...read('src/sdkCodes.ts').matchAll(/^\s+(\d{5}): /gm)].map((match) => Number(match[1]));

  it('lists every code of the table (src/sdkCodes.ts), in order, and nothing else', () => {
    const codes = sdkRows()
      .map(([code]) => code)
      .filter((code) => code !== '—');
    expect(tableCodes().length).toBeGreaterThan(15);
    expect(codes.map(Number)).toEqual(tableCodes());
  });

  it('says for each what explainError says: name, platform code and reason, SDK, causes, remedy', () => {
    for (const [code = '', title, platform, raisedBy, causes, remedy] of sdkRows()) {
      const explanation = explainError(code === '—' ? 'denied' : Number(code));
      expect(explanation.isTokenError, code).toBe(true);
      expect(title, code).toContain(explanation.title);
      const reason = explanation.reason ? ` \`${explanation.reason}\`` : '';
      expect(platform, code).toBe(`${explanation.platformCode ?? '—'}${reason}`);
      expect(raisedBy, code).toBe(explanation.raisedBy);
      expect(causes, code).toBe(explanation.causes.join('; '));
      expect(remedy, code).toBe(explanation.remedy);
    }
  });
});
