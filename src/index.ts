export { AccessManager } from './manager';
export type { AccessManagerEventName, AccessManagerEvents } from './manager';
export { EMPTY_SNAPSHOT } from './snapshot';
export type { AccessTokenSnapshot, AccessTokenStatus } from './snapshot';
export type { GetTokenOptions } from './tokenOnDemand';
export type { AccessManagerOptions } from './options';
export type { EventEmitter } from './emitter';
export type {
  RefreshFailure,
  RefreshReason,
  RetryOptions,
  TokenProvider,
  TokenProviderContext,
} from './provider';
export { fromEndpoint } from './endpoint';
export type { FromEndpointOptions } from './endpoint';
export type { SharedAttempt, SharedRefresh, SharedToken, SharingHost, TokenSharing } from './sharing';
export { AccessTokenError, describeReason, formatDuration } from './errors';
export type { AccessTokenErrorFacts, AccessTokenErrorReason, ReasonDescription } from './errors';
export {
  checkAccessTokenTimes,
  decodeAccessToken,
  describeInput,
  MAX_TOKEN_LENGTH,
  MAX_TOKEN_LIFETIME_SECONDS,
  NOT_BEFORE_TOLERANCE_MS,
} from './token';
export type {
  AccessTokenGrants,
  AccessTokenHeader,
  AccessTokenPayload,
  DecodeAccessTokenOptions,
  DecodedAccessToken,
} from './token';
export { GRANT_NAMES } from './grants';
export type { GrantKey, GrantName, RequiredGrant } from './grants';
export { browserClock, MAX_TIMER_DELAY_MS } from './clock';
export type { Clock, TimerHandle } from './clock';
export type { RegisterOptions, TokenClient, TokenClientHost } from './clients';
