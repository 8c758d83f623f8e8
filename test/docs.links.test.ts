import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, normalize } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { describeReason, type AccessTokenErrorReason } from 'access-token-manager';

const ROOT = new URL('../', import.meta.url).pathname;
const read = (path: string): string => readFileSync(join(ROOT, path), 'utf8');
/** The package's page, where production messages point: it shows README.md. */
const PACKAGE_PAGE = 'https://www.npmjs.com/package/access-token-manager';

/** README.md, CONTRIBUTING.md and every Markdown file under docs/ (docs/incoming/ included). */
function documents(): string[] {
  const docs = readdirSync(join(ROOT, 'docs'), { recursive: true, encoding: 'utf8' })
    .filter((path) => path.endsWith('.md'))
    .map((path) => `docs/${path}`);
  return ['README.md', 'CONTRIBUTING.md', ...docs.sort()];
}

/** A document's text without its code blocks, which hold neither headings nor links. */
const prose = (path: string): string => read(path).replace(/```[\s\S]*?```/g, '');

/** The anchors of a document, as GitHub and npm name them: heading slugs (repeats get -1, -2…) and `<a id>`s. */
function anchorsOf(path: string): Set<string> {
  const text = prose(path);
  const anchors = new Set<string>();
  const seen = new Map<string, number>();
  for (const [, heading = ''] of text.matchAll(/^#{1,6} (.+)$/gm)) {
    const slug = heading
      .trim()
      .toLowerCase()
      .replace(/<[^>]+>/g, '')
      .replace(/[^\p{L}\p{N}_\- ]/gu, '')
      .replace(/ /g, '-');
    const count = seen.get(slug) ?? 0;
    seen.set(slug, count + 1);
    anchors.add(count === 0 ? slug : `${slug}-${count}`);
  }
  for (const [, id = ''] of text.matchAll(/<a (?:id|name)="([^"]+)"/g)) anchors.add(id);
  return anchors;
}

/** Every Markdown link of a document: `[text](target)`. */
const linksOf = (path: string): string[] =>
  [...prose(path).matchAll(/\]\(([^)\s]+)\)/g)].map(([, target = '']) => target);

/** Why `target`, linked from `from`, does not resolve; `null` when it does. */
function brokenBecause(from: string, target: string): string | null {
  if (target.startsWith(`${PACKAGE_PAGE}#`)) target = `/README.md${target.slice(PACKAGE_PAGE.length)}`;
  else if (/^[a-z]+:/.test(target)) return null; // another site: not fetched (no network in tests)
  const [file = '', anchor] = target.split('#');
  const path =
    file === '' ? from : file.startsWith('/') ? file.slice(1) : normalize(join(dirname(from), file));
  if (!existsSync(join(ROOT, path))) return `${path} does not exist`;
  if (anchor === undefined) return null;
  if (!path.endsWith('.md')) return `#${anchor} in ${path}, which is not Markdown`;
  return anchorsOf(path).has(anchor) ? null : `${path} has no heading or anchor #${anchor}`;
}

describe('the documentation (README.md, CONTRIBUTING.md, docs/**/*.md)', () => {
  it('links only to files and anchors that exist, as GitHub and npm name headings', () => {
    const broken: string[] = [];
    let count = 0;
    for (const document of documents()) {
      for (const target of linksOf(document)) {
        count += 1;
        const why = brokenBecause(document, target);
        if (why) broken.push(`${document}: (${target}) ${why}`);
      }
    }
    expect(count).toBeGreaterThan(50);
    expect(broken).toEqual([]);
  });

  it('reaches every guide of docs/ from the README', () => {
    const guides = readdirSync(join(ROOT, 'docs')).filter((name) => name.endsWith('.md'));
    const linked = new Set(linksOf('README.md').map((target) => target.split('#')[0]));
    expect(guides.filter((guide) => !linked.has(`docs/${guide}`))).toEqual([]);
  });

  it('keeps the README at most 25 KB', () => {
    expect(Buffer.byteLength(read('README.md'))).toBeLessThanOrEqual(25_000);
  });

  it('tells when the provider is asked with the figures test/refresh.test.ts pins (a 200 s token: +20 s, +100 s)', () => {
    const example = /a 200-second token[^.]*warns at \+20 s[^.]*(?:refreshed|asked) at \+100 s/;
    expect(prose('README.md').replace(/\s+/g, ' ')).toMatch(example);
    expect(prose('docs/timing.md').replace(/\s+/g, ' ')).toMatch(
      /a 200-second token: `tokenAboutToExpire` fires at \+20 s \(200 − 180\), and the provider is asked at \+100 s/,
    );
  });
});

describe('the short messages of production builds', () => {
  afterEach(() => {
    vi.unstubAllEnvs();
  });

  /** The reasons of AccessTokenError, as src/errors.ts declares them. */
  const reasons = (): AccessTokenErrorReason[] => {
    const declaration = /export type AccessTokenErrorReason =([^;]+);/.exec(read('src/errors.ts'))?.[1] ?? '';
    return [...declaration.matchAll(/'([a-z-]+)'/g)].map(([, reason]) => reason as AccessTokenErrorReason);
  };

  it('link each reason to the README row that explains it: the reason, its code and the development remedy', () => {
    const readme = read('README.md');
    expect(reasons().length).toBeGreaterThan(15);
    for (const reason of reasons()) {
      const { remedy: wordedRemedy, code } = describeReason(reason, { grant: 'data_sync' });
      vi.stubEnv('NODE_ENV', 'production');
      const { remedy } = describeReason(reason, {});
      vi.unstubAllEnvs();

      const link = /See (https:\S+) or run/.exec(remedy)?.[1] ?? '';
      expect(link, reason).toBe(`${PACKAGE_PAGE}#${reason}`);
      expect(brokenBecause('README.md', link), reason).toBeNull();
      const row = readme.split('\n').find((line) => line.includes(`<a id="${reason}"></a>`)) ?? '';
      expect(row.startsWith(`| ${code} `), `${reason}: ${row}`).toBe(true);
      expect(row.replaceAll('`', ''), reason).toContain(wordedRemedy);
    }
  });

  it('keep #troubleshooting, the anchor earlier versions link to', () => {
    expect(brokenBecause('README.md', `${PACKAGE_PAGE}#troubleshooting`)).toBeNull();
  });
});
