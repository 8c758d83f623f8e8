/**
 * `access-token-manager/server`: the token endpoint's other half. `createTokenHandler` makes a
 * Fetch-API handler that mints Twilio access tokens for the user your app's session names, in any
 * runtime with Web Crypto (Node 18+, Deno, Bun, Cloudflare Workers, edge runtimes); `toNodeHandler`
 * serves it from `node:http`, Express and Fastify. Server code only: it signs with Web Crypto
 * (HMAC-SHA256), with no dependency of its own.
 *
 * @example
 * import { createTokenHandler } from 'access-token-manager/server';
 * export const GET = createTokenHandler({ accountSid, apiKeySid, apiKeySecret, authorize });
 *
 * @packageDocumentation
 */
export { createTokenHandler } from './handler';
export type { TokenHandler, TokenResponseBody } from './handler';
export { toNodeHandler } from './node';
export type { NodeHandlerOptions, NodeIncomingRequest, NodeRequestContext, NodeServerResponse } from './node';
export type { TokenCorsOptions } from './cors';
export { DEFAULT_AUTHORIZE_TIMEOUT_MS } from './options';
export type { AuthorizeResult, TokenAuthorization, TokenHandlerOptions } from './options';
export type {
  ChatGrantOptions,
  SyncGrantOptions,
  TaskRouterGrantOptions,
  TokenGrants,
  VideoGrantOptions,
  VoiceGrantOptions,
} from './grants';
