// inspectAccessToken: every check, in the order the core runs them, collected instead of thrown.
import { wordReason } from '../errors';
import type { AccessTokenErrorFacts, AccessTokenErrorReason } from '../errors';
import { checkToken, describeInput } from '../token';
import type { TokenReading } from '../token';
import { accountSidInIssuer, apiKeySidInSubject, checkKeyId, notAnAccessToken } from './claims';
import { coreFinding, finding } from './finding';
import type { Finding, FindingSeverity } from './finding';
import { checkGrants, SDK_NAMES } from './grants';
import type { SdkName } from './grants';
import { unwrapInput } from './input';
import { onePerCause } from './onePerCause';
import { describeTimes, unitMistake } from './times';
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
   * @example 'voice', or ['conversations', 'sync'], or 'taskRouter' (a TaskRouter Worker)
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
   * the code, reason and wording of the `AccessTokenError` it would throw.
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

/** One problem the core's checks found, with the facts the core would word it from. */
interface Fault {
  reason: AccessTokenErrorReason;
  facts: AccessTokenErrorFacts;
}

/** Runs the core's checks without stopping at the first fault, and collects every fault. */
function collectFaults(input: unknown, nowMs: number): { reading: TokenReading; faults: Fault[] } {
  const faults: Fault[] = [];
  const reading = checkToken(input, nowMs, (reason, facts = {}) => faults.push({ reason, facts }));
  return { reading, faults };
}

/** The inspector's findings about the likely cause of one of the core's faults, if it knows one. */
function causesOf({ reason, facts }: Fault, { payload }: TokenReading): Finding[] {
  if (payload === null) return [];
  if (reason === 'invalid-header' && facts.field === 'cty') return notAnAccessToken(payload);
  if (reason === 'invalid-issuer') return accountSidInIssuer(payload);
  if (reason === 'invalid-subject') return apiKeySidInSubject(payload);
  if (reason === 'ttl-too-long') return unitMistake(payload.exp, facts);
  return [];
}

function inspect(input: unknown, options: InspectAccessTokenOptions): AccessTokenInspection {
  const { nowMs, sdks, findings: optionFindings } = readOptions(options);
  // The core's verdict on the input as given: the first fault, worded as the error it throws.
  const asGiven = collectFaults(input, nowMs);
  const [verdict] = asGiven.faults;
  const unwrapped = unwrapInput(input);
  // Every fault of the token inside the input (the same run when the input was the bare token).
  const inside =
    unwrapped.token === input
      ? asGiven
      : unwrapped.token === undefined
        ? undefined
        : collectFaults(unwrapped.token, nowMs);
  // Two layers, each one finding per cause: the input as given (the core's verdict on it and how
  // it was wrapped) and the token inside it, whose findings come after the wrapping's.
  const wrapped = unwrapped.token !== input;
  const verdictFinding = verdict ? [coreFinding('error', verdict.reason, verdict.facts)] : [];
  const outer = onePerCause(wrapped ? [...verdictFinding, ...unwrapped.findings] : []);
  const about: Finding[] = wrapped ? [] : verdictFinding;
  if (inside) {
    for (const fault of inside.faults) {
      if (fault !== verdict) about.push(coreFinding('error', fault.reason, fault.facts));
      about.push(...causesOf(fault, inside.reading));
    }
    const issuerValid = !inside.faults.some(({ reason }) => reason === 'invalid-issuer');
    about.push(...checkKeyId(inside.reading, issuerValid));
  }
  const reading = inside?.reading;
  const payload = reading?.payload ?? null;
  const { times, findings: timeFindings } = describeTimes(reading, nowMs, options.now !== undefined);
  about.push(...timeFindings, ...checkGrants(payload, sdks));
  const inner = onePerCause(about);
  // The core's verdict (or what absorbed it) first, then the options, then the rest.
  const lead = wrapped ? outer : verdict ? inner.splice(0, 1) : [];
  const findings = [...lead, ...onePerCause(optionFindings), ...inner];
  findings.sort((a, b) => RANK[a.severity] - RANK[b.severity]);
  const worst = findings[0]?.severity;
  return {
    status: worst === 'error' ? 'error' : worst === 'warning' ? 'warning' : 'ok',
    received: describeInput(input),
    header: reading?.header ?? null,
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
 * `AccessTokenError`) but does not stop at the first problem, and adds the usual mistakes:
 * a lifetime in milliseconds or under 3 minutes, clocks that differ, the JSON or an HTML page
 * passed instead of the token, swapped SIDs, a missing identity or grant, an identity Voice
 * refuses, unknown grant keys. The signature is not checked (only the secret's holder can).
 *
 * @param input - the token, or whatever was passed as one (an object, JSON text, `Bearer …`).
 * @param options - `now`: the time to judge against; `forSdk`: the SDK or SDKs it is meant for.
 * @returns the decoded header and payload, the times, the findings and the verdict. Never throws.
 * @example
 * import { inspectAccessToken } from 'access-token-manager/inspect';
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
    const { message } = wordReason('not-a-string', { received: 'a value that could not be read' });
    return {
      status: 'error',
      received: 'a value that could not be read',
      header: null,
      payload: null,
      times: describeTimes(undefined, Date.now(), false).times,
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
