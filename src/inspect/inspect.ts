// inspectAccessToken: every check, in the order the core runs them, collected instead of thrown.
import { AccessTokenError, describeReason } from '../errors';
import { decodeWithoutFindings, describeInput, MAX_TOKEN_LENGTH } from '../token';
import { checkClaims } from './claims';
import { coreFinding, finding } from './finding';
import type { Finding, FindingSeverity } from './finding';
import { checkGrants, SDK_NAMES } from './grants';
import type { SdkName } from './grants';
import { unwrapInput } from './input';
import { checkTimes } from './times';
import type { AccessTokenTimes } from './times';

/**
 * Options of {@link inspectAccessToken}.
 * @example inspectAccessToken(token, { now: new Date('2025-06-01T12:00:00Z'), forSdk: 'voice' })
 */
export interface InspectAccessTokenOptions {
  /**
   * The time to judge the token against: a date, or milliseconds since the epoch.
   * @default Date.now()
   */
  now?: Date | number;
  /**
   * The SDK (or SDKs) the token is meant for, to check that each finds its grant and an identity
   * it accepts. Without it, those checks are skipped.
   * @example 'voice', or ['conversations', 'sync']
   */
  forSdk?: SdkName | readonly SdkName[];
}

/**
 * The verdict: `error` if any finding is an error, else `warning` if any is a warning, else `ok`.
 * @example process.exitCode = { ok: 0, warning: 1, error: 2 }[inspectAccessToken(token).status];
 */
export type InspectionStatus = 'ok' | 'warning' | 'error';

/**
 * What {@link inspectAccessToken} found. Safe to log: it holds the decoded header and payload but
 * never the signature, and no message quotes the token.
 *
 * @example
 * const { status, payload, times, findings } = inspectAccessToken(token);
 * console.log(status, payload?.grants, times.left, findings.length);
 */
export interface AccessTokenInspection {
  /** `error` if any finding is an error, else `warning` if any is a warning, else `ok`. */
  status: InspectionStatus;
  /** What was passed, by type and shape, for example `"a string of 412 characters in 3 parts"`. */
  received: string;
  /** The decoded JOSE header, or `null` when there is none to decode. */
  header: Record<string, unknown> | null;
  /** The decoded claims, or `null` when there are none to decode. */
  payload: Record<string, unknown> | null;
  /** The token's times, in words and as numbers. */
  times: AccessTokenTimes;
  /**
   * Every problem found, errors first. When the core would refuse the token, the first finding has
   * the code, reason and wording of the {@link AccessTokenError} it would throw.
   */
  findings: Finding[];
  /** The time the token was judged against, in milliseconds since the epoch. */
  nowMs: number;
}

const RANK: Record<FindingSeverity, number> = { error: 0, warning: 1, info: 2 };

function readOptions(options: InspectAccessTokenOptions): {
  nowMs: number;
  sdks: SdkName[];
  findings: Finding[];
} {
  const findings: Finding[] = [];
  const { now, forSdk = [] } = options;
  let nowMs = now instanceof Date ? now.getTime() : (now ?? Date.now());
  if (typeof nowMs !== 'number' || !Number.isFinite(nowMs)) {
    const facts = {
      field: 'now',
      expected: 'a Date or milliseconds since the epoch',
      received: describeInput(now),
    };
    findings.push(coreFinding('error', 'invalid-argument', facts));
    nowMs = Date.now();
  }
  const sdks: SdkName[] = [];
  for (const sdk of ([] as unknown[]).concat(forSdk)) {
    if ((SDK_NAMES as readonly unknown[]).includes(sdk)) sdks.push(sdk as SdkName);
    else {
      const received = typeof sdk === 'string' ? JSON.stringify(sdk.slice(0, 32)) : describeInput(sdk);
      const facts = { field: 'forSdk', expected: `one of ${SDK_NAMES.join(', ')}`, received };
      findings.push(coreFinding('error', 'invalid-argument', facts));
    }
  }
  return { nowMs, sdks, findings };
}

/** The finding for the error the core throws for `input`, if it throws one. */
function coreVerdict(input: unknown, nowMs: number): Finding | undefined {
  try {
    decodeWithoutFindings(input, { nowMs });
    return undefined;
  } catch (error) {
    return error instanceof AccessTokenError ? coreFinding('error', error.reason, error.facts) : undefined;
  }
}

function inspect(input: unknown, options: InspectAccessTokenOptions): AccessTokenInspection {
  const { nowMs, sdks, findings: optionFindings } = readOptions(options);
  const unwrapped = unwrapInput(input);
  // A string over the core's limit is not decoded here either: decoding megabytes blocks the page.
  const { token } = unwrapped;
  const claims = token === undefined || token.length > MAX_TOKEN_LENGTH ? undefined : checkClaims(token);
  const payload = claims?.payload ?? null;
  const { times, findings: timeFindings } = checkTimes(payload, nowMs, options.now !== undefined);
  const found = [
    coreVerdict(input, nowMs),
    ...optionFindings,
    ...unwrapped.findings,
    ...(claims?.findings ?? []),
    ...timeFindings,
    ...checkGrants(payload, sdks),
  ];
  const findings: Finding[] = [];
  for (const item of found) {
    const seen = findings.some((kept) => kept.reason === item?.reason && kept.message === item.message);
    if (item !== undefined && !seen) findings.push(item);
  }
  findings.sort((a, b) => RANK[a.severity] - RANK[b.severity]);
  const worst = findings[0]?.severity;
  return {
    status: worst === 'error' ? 'error' : worst === 'warning' ? 'warning' : 'ok',
    received: describeInput(input),
    header: claims?.header ?? null,
    payload,
    times,
    findings,
    nowMs,
  };
}

/**
 * Explains a Twilio access token in words: decodes it, puts its times into words, and lists every
 * problem found, each with its cause and what to change, on the token server or in the client.
 *
 * It checks what the core checks (with the same codes, reasons and wording as
 * {@link AccessTokenError}) but does not stop at the first problem, and adds the usual mistakes:
 * a lifetime in milliseconds or under 3 minutes, clocks that differ, the JSON or an HTML page
 * passed instead of the token, swapped SIDs, a missing identity or grant, an identity Voice
 * refuses, unknown grant keys. The signature is not checked (only the secret's holder can).
 *
 * @param input - the token, or whatever was passed as one (an object, JSON text, `Bearer …`).
 * @param options - `now`: the time to judge against; `forSdk`: the SDK or SDKs it is meant for.
 * @returns the decoded header and payload, the times, the findings and the verdict. Never throws.
 * @example
 * import { inspectAccessToken } from 'access-manager/inspect';
 *
 * const { status, findings, times } = inspectAccessToken(token, { forSdk: 'voice' });
 * console.log(times.left);
 * for (const { severity, message, remedy } of findings) console.log(severity, message, remedy);
 */
export function inspectAccessToken(
  input: unknown,
  options: InspectAccessTokenOptions = {},
): AccessTokenInspection {
  try {
    return inspect(input, options ?? {});
  } catch {
    // Only a hostile input (a throwing getter or proxy) can get here: say so instead of throwing.
    const { message } = describeReason('not-a-string', { received: 'a value that could not be read' });
    return {
      status: 'error',
      received: 'a value that could not be read',
      header: null,
      payload: null,
      times: checkTimes(null, Date.now(), false).times,
      findings: [
        finding(
          'error',
          'inspect-failed',
          message,
          'Pass the token string as your token server returned it.',
          20101,
        ),
      ],
      nowMs: Date.now(),
    };
  }
}
