// The inspection as text for people: what the CLI prints and what a paste box can show.
import type { FindingSeverity } from './finding';
import type { AccessTokenInspection } from './inspect';

/**
 * Options of {@link formatInspection}.
 * @example formatInspection(inspection, { color: process.stdout.isTTY && !process.env.NO_COLOR })
 */
export interface FormatInspectionOptions {
  /**
   * Colour the report with ANSI escape codes, for a terminal that shows them.
   * @default false
   */
  color?: boolean;
}

const STYLES = { bold: 1, dim: 2, red: 31, green: 32, yellow: 33, cyan: 36 } as const;
const MARKS: Record<FindingSeverity, { mark: string; style: keyof typeof STYLES }> = {
  error: { mark: '✖', style: 'red' },
  warning: { mark: '▲', style: 'yellow' },
  info: { mark: 'ℹ', style: 'cyan' },
};
const LABEL_WIDTH = 9;

const count = (n: number, noun: string): string => `${n} ${noun}${n === 1 ? '' : 's'}`;

/**
 * Formats an inspection as a readable report: a summary, the decoded header and payload (never
 * the signature), the times, and each finding with its remedy.
 *
 * @param inspection - what {@link inspectAccessToken} returned.
 * @param options - `color`: use ANSI colours.
 * @returns the report, lines separated by `\n`, ending with a newline.
 * @example
 * import { formatInspection, inspectAccessToken } from 'access-token-manager/inspect';
 *
 * console.log(formatInspection(inspectAccessToken(token), { color: process.stdout.isTTY }));
 */
export function formatInspection(
  inspection: AccessTokenInspection,
  options: FormatInspectionOptions = {},
): string {
  const paint = (style: keyof typeof STYLES, text: string): string =>
    options.color ? `\u001b[${STYLES[style]}m${text}\u001b[0m` : text;
  const label = (name: string): string => paint('dim', name.padEnd(LABEL_WIDTH));
  const indent = ' '.repeat(LABEL_WIDTH);
  const lines: string[] = [];

  const { findings, header, payload, times } = inspection;
  const tally = (severity: FindingSeverity): number => findings.filter((f) => f.severity === severity).length;
  const summary =
    inspection.status === 'ok'
      ? paint('green', '✔ No problems found') +
        (tally('info') > 0 ? `, ${count(tally('info'), 'note')}.` : '.')
      : paint(
          inspection.status === 'error' ? 'red' : 'yellow',
          `${count(tally('error'), 'error')}, ${count(tally('warning'), 'warning')}, ${count(tally('info'), 'note')}.`,
        );
  lines.push(paint('bold', 'Access token inspection: ') + summary, '');
  lines.push(label('Input') + inspection.received + ' (the signature is never shown)');
  if (header !== null) lines.push(label('Header') + JSON.stringify(header));
  if (payload !== null) {
    const [first = '', ...rest] = JSON.stringify(payload, null, 2).split('\n');
    lines.push(label('Payload') + first, ...rest.map((line) => indent + line));
  }
  const rows: [string, string | null][] = [
    ['issued', times.issued],
    ['valid from', times.validFrom],
    ['expires', times.expires],
    ['lifetime', times.lifetime],
    ['left', times.left],
  ];
  const shown = rows.filter(([, value]) => value !== null);
  shown.forEach(([name, value], index) => {
    lines.push((index === 0 ? label('Times') : indent) + paint('dim', name.padEnd(12)) + value);
  });
  for (const { severity, code, reason, message, remedy } of findings) {
    const { mark, style } = MARKS[severity];
    const title = [severity, code ? String(code) : '', reason].filter(Boolean).join(' · ');
    lines.push('', paint(style, `${mark} ${title}`), `  ${message}`, `  ${paint('bold', '→')} ${remedy}`);
  }
  return lines.join('\n') + '\n';
}
