/**
 * `access-token-manager/server`: the token endpoint's other half. `createTokenHandler` makes a
 * Fetch-API handler that mints Twilio access tokens for the user your app's session names, in any
 * runtime with Web Crypto (Node 18+, Deno, Bun, Cloudflare Workers, edge runtimes). Server code
 * only: it depends on `jose`, which no browser entry of this package imports.
 *
 * @example
 * import { createTokenHandler } from 'access-token-manager/server';
 * export const GET = createTokenHandler({ accountSid, apiKeySid, apiKeySecret, authorize });
 *
 * @packageDocumentation
 */
export { createTokenHandler } from './handler';
export type { TokenHandler, TokenResponseBody } from './handler';
export type { TokenAuthorization, TokenHandlerOptions } from './options';
export type {
  ChatGrantOptions,
  SyncGrantOptions,
  TokenGrants,
  VideoGrantOptions,
  VoiceGrantOptions,
} from './grants';
