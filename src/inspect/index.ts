// The access-token-manager/inspect entry. Loading it has one side effect, on purpose: errors thrown by
// decodeAccessToken then carry the findings (error.findings), listing every problem of the token.
import { setTokenInspector } from '../errors';
import type { Finding } from './finding';
import { inspectAccessToken } from './inspect';

// The core knows nothing of findings: this entry adds the field to the error's type (declaration
// merging) and fills it in, so no import runs from the core to the inspector.
declare module '../errors' {
  interface AccessTokenError {
    /**
     * Every problem found in the token, not just the first, when `access-token-manager/inspect` is
     * loaded (it fills this in for errors thrown by `decodeAccessToken`); otherwise `undefined`.
     */
    findings?: readonly Finding[];
  }
}

setTokenInspector((error, token, nowMs) => {
  error.findings = inspectAccessToken(token, nowMs === undefined ? {} : { now: nowMs }).findings;
});

export { inspectAccessToken } from './inspect';
export type { AccessTokenInspection, InspectAccessTokenOptions, InspectionStatus } from './inspect';
export type { Finding, FindingSeverity, InspectReason } from './finding';
export { KNOWN_GRANT_KEYS, SDK_NAMES } from './grants';
export type { SdkName } from './grants';
export { MIN_TOKEN_LIFETIME_SECONDS } from './times';
export type { AccessTokenTimes } from './times';
export { formatInspection } from './report';
export type { FormatInspectionOptions } from './report';
export { explainError } from './explain';
export type { ErrorExplanation } from './explain';
export { formatExplanation } from './explanationReport';
