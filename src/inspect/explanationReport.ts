// An error's explanation as text for people: what `npx access-token-manager explain` prints and
// what the demo's paste box shows.
import type { ErrorExplanation } from './explain';

const LABEL_WIDTH = 10;

/**
 * Formats what {@link explainError} returned as a short report: the code and its name, then for a
 * token error which SDK raised it, what it means, the likely causes in order and the remedy.
 *
 * @param explanation - what `explainError` returned.
 * @param options - `color`: use ANSI colours (for a terminal).
 * @returns the report, lines separated by `\n`, ending with a newline.
 * @example
 * import { explainError, formatExplanation } from 'access-token-manager/inspect';
 *
 * console.log(formatExplanation(explainError(31204)));
 */
export function formatExplanation(explanation: ErrorExplanation, options: { color?: boolean } = {}): string {
  const paint = (style: number, text: string): string =>
    options.color ? `\u001b[${style}m${text}\u001b[0m` : text;
  const label = (name: string): string => paint(2, name.padEnd(LABEL_WIDTH));
  const { code, title, isTokenError } = explanation;
  const heading =
    (code === null ? title : `Twilio error ${code} · ${title}`) +
    (isTokenError
      ? ': an access token error' +
        (explanation.reason ? ` (reason ${explanation.reason}, code ${explanation.platformCode})` : '') +
        '.'
      : '.');
  const lines = [paint(1, heading), ''];
  if (isTokenError) lines.push(label('Raised by') + explanation.raisedBy);
  lines.push(label('Means') + explanation.meaning);
  explanation.causes.forEach((cause, index) => {
    lines.push((index === 0 ? label('Causes') : ' '.repeat(LABEL_WIDTH)) + `${index + 1}. ${cause}`);
  });
  lines.push(label('Remedy') + paint(isTokenError ? 1 : 0, explanation.remedy));
  return lines.join('\n') + '\n';
}
