// The access-manager/inspect entry. Loading it has one side effect, on purpose: errors thrown by
// decodeAccessToken then carry the findings (error.findings), listing every problem of the token.
import { setTokenInspector } from '../errors';
import { inspectAccessToken } from './inspect';

setTokenInspector(
  (token, nowMs) => inspectAccessToken(token, nowMs === undefined ? {} : { now: nowMs }).findings,
);

export { inspectAccessToken } from './inspect';
export type { AccessTokenInspection, InspectAccessTokenOptions, InspectionStatus } from './inspect';
export type { Finding, FindingSeverity, InspectReason } from './finding';
export { KNOWN_GRANT_KEYS, SDK_NAMES } from './grants';
export type { SdkName } from './grants';
export { MIN_TOKEN_LIFETIME_SECONDS } from './times';
export type { AccessTokenTimes } from './times';
export { formatInspection } from './report';
export type { FormatInspectionOptions } from './report';
