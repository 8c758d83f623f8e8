// What of untrusted text (a response body, pasted input, a JSON key) may appear in a message, and
// the scans that find it. Every scan here is linear in its input: a body made to make a regular
// expression backtrack (many `<title` with no `>`) costs no more than any other body of its size.

/** The longest text quoted in a message: a title or a sentence, not a document. */
const MAX_QUOTED_LENGTH = 100;
// A JWT, a secret, a SID: long runs of base64 characters (sentences and field names have none
// that long); or an e-mail address, personal data: a character, @, a character. Each branch has
// a fixed length, so each position costs at most 24 steps.
const TOKEN_OR_EMAIL = /[\w+/=-]{24}|[^\s@]@[^\s@]/;

/**
 * `text` on one line, if it may be quoted in a message: short (100 characters at most), with no
 * run of 24 base64 characters (a token, a secret, a SID) and no e-mail address in it.
 *
 * @param text - untrusted text: a page title, an error body's message, a JSON key.
 * @returns the text with its whitespace collapsed, or `undefined` when it may not be quoted.
 * @example printable('Sign in') // 'Sign in'
 * @example printable('eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJBQz…') // undefined
 */
export function printable(text: unknown): string | undefined {
  if (typeof text !== 'string') return undefined;
  // Measured before the whitespace is collapsed too, so a huge text is never copied.
  if (text.length > MAX_QUOTED_LENGTH * 16) return undefined;
  const line = text.replace(/\s+/g, ' ').trim();
  return line && line.length <= MAX_QUOTED_LENGTH && !TOKEN_OR_EMAIL.test(line) ? line : undefined;
}

/**
 * The title of an HTML page: the text after the first `<title…>` up to the next `<`, if
 * printable. One pass: `/<title[^>]*>([^<]*)/i` would scan to the end of the text from each
 * `<title` that has no `>`, which is quadratic (7.5 s for 192 KB of `<title`).
 *
 * @param html - the page, or its beginning.
 * @returns the title, or `undefined` when there is none or it may not be quoted.
 * @example htmlTitle('<html><head><title>Sign in</title>') // 'Sign in'
 */
export function htmlTitle(html: string): string | undefined {
  // The first `<title` decides: any `>` after a later one is after this one too.
  const open = html.search(/<title/i);
  if (open < 0) return undefined;
  const start = html.indexOf('>', open) + 1;
  if (start === 0) return undefined;
  const end = html.indexOf('<', start);
  return printable(html.slice(start, end < 0 ? undefined : end));
}
