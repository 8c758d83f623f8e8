// One finding per cause: the rule, written once, that keeps the doctor from saying one mistake twice.
import type { Finding, FindingSeverity } from './finding';

type Reason = Finding['reason'];

// The verdict of the core on the input as given, which a wrapping (quotes, Bearer, JSON, a page)
// explains: the token inside, if any, is inspected on its own.
const AS_GIVEN: readonly Reason[] = ['malformed', 'too-long', 'undecodable'];

/**
 * The generic findings each more specific finding absorbs: it names the same cause more precisely.
 * A reason not listed absorbs nothing.
 *
 * @example ABSORBS['ttl-in-ms'] // ['ttl-too-long']
 */
export const ABSORBS: Readonly<Partial<Record<Reason, readonly Reason[]>>> = {
  whitespace: AS_GIVEN,
  quoted: AS_GIVEN,
  'bearer-prefix': AS_GIVEN,
  'html-instead-of-token': AS_GIVEN,
  'json-instead-of-token': AS_GIVEN,
  'secret-instead-of-token': AS_GIVEN,
  'promise-instead-of-token': ['not-a-string'],
  'response-instead-of-token': ['not-a-string'],
  // Another kind of JWT: its header, SIDs, grants, identity and jti are not Twilio's because of that.
  'not-an-access-token': [
    'invalid-header',
    'invalid-issuer',
    'invalid-subject',
    'account-sid-in-iss',
    'api-key-sid-in-sub',
    'missing-grants',
    'no-identity',
    'jti-mismatch',
  ],
  'account-sid-in-iss': ['invalid-issuer'],
  'api-key-sid-in-sub': ['invalid-subject'],
  'exp-in-ms': ['ttl-too-long'],
  'ttl-in-ms': ['ttl-too-long'],
  // An nbf ahead, with no iat to tell a clock from a choice: the clocks are the likelier cause.
  'clock-skew': ['not-yet-valid'],
};

/**
 * The reasons told apart by a grant: each grant is a cause of its own (two unknown keys are two
 * mistakes), so findings of these reasons merge only when they say the same.
 */
const PER_GRANT: readonly Reason[] = ['unknown-grant', 'client-missing-grant'];

const RANK: Record<FindingSeverity, number> = { error: 0, warning: 1, info: 2 };

/**
 * One finding per cause, for findings about one thing (the input as given, or the token inside it):
 *
 * 1. A more specific finding absorbs the generic ones it explains ({@link ABSORBS}): the generic
 *    one goes, and the specific one takes its place in the order (so the core's verdict, when
 *    absorbed, is still first), its severity when that is stronger, and its code when it has none.
 * 2. Findings of one reason are one cause: they become one finding, their messages joined (the
 *    grant reasons, one per grant, merge only when they say the same).
 *
 * @param findings - the findings, in the order found.
 * @returns one finding per cause, in the same order.
 * @example onePerCause([malformedFinding, bearerFinding]) // [bearerFinding, in malformed's place]
 */
export function onePerCause(findings: readonly Finding[]): Finding[] {
  const kept: { finding: Finding; slot: number }[] = [];
  findings.forEach((found, slot) => {
    const key = (f: Finding): string => f.reason + (PER_GRANT.includes(f.reason) ? f.message : '');
    const same = kept.find(({ finding }) => key(finding) === key(found));
    if (!same) kept.push({ finding: { ...found }, slot });
    else if (same.finding.message !== found.message) {
      same.finding.message += ' ' + found.message;
      if (!same.finding.remedy.includes(found.remedy)) same.finding.remedy += ' ' + found.remedy;
    }
  });
  for (const absorber of [...kept]) {
    if (!kept.includes(absorber)) continue; // absorbed itself by a more specific one already
    for (const reason of ABSORBS[absorber.finding.reason] ?? []) {
      const index = kept.findIndex(({ finding }) => finding.reason === reason);
      const absorbed = kept[index];
      if (!absorbed) continue;
      kept.splice(index, 1);
      const { finding } = absorber;
      absorber.slot = Math.min(absorber.slot, absorbed.slot);
      if (RANK[absorbed.finding.severity] < RANK[finding.severity])
        finding.severity = absorbed.finding.severity;
      if (finding.code === undefined && absorbed.finding.code !== undefined) {
        const { severity, ...others } = finding;
        absorber.finding = { severity, code: absorbed.finding.code, ...others };
      }
    }
  }
  return kept.sort((a, b) => a.slot - b.slot).map(({ finding }) => finding);
}
