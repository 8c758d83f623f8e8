// Shared by the framework entries (access-token-manager/react and /vue): how their
// useRegisterClient and useClient register a client. Framework-free; each entry's build inlines it.
import type { RegisterOptions, TokenClient } from 'access-token-manager';

/**
 * How {@link useRegisterClient} and {@link useClient} register a client: the manager's
 * `register` options, and an optional adapter that turns the SDK's object into what `register`
 * takes (such as `voice` from `access-token-manager/sdks`).
 *
 * @typeParam C - the SDK's client type.
 * @example
 * { requires: 'voice', name: 'voice' }
 * @example
 * { adapter: voice } // the adapter presets requires and name
 */
export interface ClientRegistration<C> extends RegisterOptions {
  /**
   * Turns the SDK's client into the object registered (called once per registration); leave it
   * out when the client has `updateToken(token)` itself.
   * @example adapter: (device) => ({ updateToken: (token) => device.updateToken(token) })
   */
  adapter?: (client: C) => TokenClient;
}

/** Registers `client` with `manager` as `registration` says; returns the function that unregisters it. */
export function registerClient<C>(
  manager: { register(client: TokenClient, options?: RegisterOptions): () => void },
  client: C,
  registration: ClientRegistration<C>,
): () => void {
  const { adapter, requires, name } = registration;
  const registered = adapter ? adapter(client) : (client as TokenClient);
  // Only what the app gave: an adapter's own preset requires and name must not be overridden.
  const options: RegisterOptions = {};
  if (requires !== undefined) options.requires = requires;
  if (name !== undefined) options.name = name;
  return manager.register(registered, options);
}
