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

/** The text of a document from `heading` to the next heading of its level. */
function section(document: string, heading: string): string {
  const text = read(document);
  const start = text.indexOf(`${heading}\n`);
  const level = /^#+/.exec(heading)?.[0].length ?? 1;
  const next = new RegExp(`\\n#{1,${level}} `, 'g');
  next.lastIndex = start + heading.length;
  return start < 0 ? '' : text.slice(start, next.exec(text)?.index ?? text.length);
}

/** The rows of a table, by reason (its anchor `<a id="…"></a>` left out): `code|row`. */
function rowsByReason(text: string): Map<string, string> {
  const rows = new Map<string, string>();
  for (const line of text.split('\n')) {
    const [, code, cell] = line.split('|').map((value) => value.trim());
    const reason = cell?.replace(/^<a id="[^"]*"><\/a>/, '');
    if (reason?.startsWith('`'))
      rows.set(reason.slice(1, -1), `${code}|${line.replace(/<a id="[^"]*"><\/a>/, '')}`);
  }
  return rows;
}

/** The README's Troubleshooting table (the reasons of AccessTokenError). */
const troubleshootingRows = (): Map<string, string> =>
  rowsByReason(section('README.md', '## Troubleshooting'));
/** The table of docs/errors.md of what only the inspector reports. */
const inspectorRows = (): Map<string, string> =>
  rowsByReason(section('docs/errors.md', '## What only the inspector reports'));

describe('README troubleshooting and docs/errors.md', () => {
  const rows = troubleshootingRows();
  const inspectorOnly = inspectorRows();
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

  it('gives each reason of AccessTokenError its own anchor in the README', () => {
    for (const reason of coreReasons)
      expect(read('README.md'), reason).toContain(`<a id="${reason}"></a>\`${reason}\``);
  });

  it("lists every reason of the inspector's own findings in docs/errors.md", () => {
    expect(inspectReasons.length).toBeGreaterThan(20);
    for (const reason of inspectReasons) expect(inspectorOnly.has(reason), reason).toBe(true);
  });

  it('says that unchanged arrives through refreshFailed, never tokenError (a provider returning the held token)', () => {
    expect(rows.get('unchanged')).toMatch(/`refreshFailed`.*never a `tokenError`/);
  });

  it('lists nothing else', () => {
    expect([...rows.keys()].sort()).toEqual([...coreReasons].sort());
    expect([...inspectorOnly.keys()].sort()).toEqual([...inspectReasons].sort());
  });
});

describe("docs/errors.md: the SDKs' token codes", () => {
  /** The rows of the SDK code table: the cells of each row whose first cell is a code or "—". */
  function sdkRows(): string[][] {
    return section('docs/errors.md', "## The SDKs' own token codes")
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
