import type { TokenClient } from 'access-token-manager';
import { twilsockAdapter, type TwilsockClient } from './twilsock';

/**
 * Adapts a Conversations `Client` (`@twilio/conversations`) for `manager.register`, with the
 * `chat` grant and the name `"conversations"` preset.
 *
 * It listens to the client's `tokenAboutToExpire` and `tokenExpired` (sent by its server, whose
 * clock rules: with a `tokenProvider` the manager refreshes, once however many SDKs warn) and
 * `connectionError` (HTTP 401 or 403: the server refused the token; reported once, with that error
 * as `cause`, and with a `tokenProvider` a new token is fetched).
 * While the client is offline, pushes do not pile up: at most one `updateToken` is pending, and the
 * newest token is handed on when it reconnects. After `client.shutdown()` it gets no token again,
 * and unregisters itself.
 *
 * @param client - a Conversations client, created with the manager's current token.
 * @returns what `register` takes.
 * @example
 * const client = new Client(manager.token!);
 * manager.register(conversations(client));
 */
export function conversations(client: TwilsockClient): TokenClient {
  return twilsockAdapter(client, { name: 'conversations', requires: 'chat' });
}
