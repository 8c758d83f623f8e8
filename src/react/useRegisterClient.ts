import { useEffect } from 'react';
import type { TokenClient } from 'access-token-manager';
import { useManagerStore } from './context';
import { useLatest } from './latest';
import { registerClient, type ClientRegistration } from '../bindings/registration';

/**
 * Registers an SDK client with the provider's manager for as long as the component is mounted
 * (or until `client` changes); `null` or `undefined` while the app has no client yet. The options
 * are read at registration.
 *
 * @param client - anything the manager's `register` takes (`{ updateToken }`), or, with an
 *   `adapter`, the SDK's object the adapter turns into one.
 * @param options - `requires`, `name`, `adapter`; see {@link ClientRegistration}.
 * @throws `AccessTokenError` (`invalid-argument`) outside an {@link AccessManagerProvider}.
 * @example
 * const [client, setClient] = useState<ConversationsClient | null>(null);
 * useRegisterClient(client, { requires: 'chat', name: 'conversations' });
 * @example
 * useRegisterClient(device, { adapter: voice }); // access-token-manager/sdks
 */
export function useRegisterClient(
  client: TokenClient | null | undefined,
  options?: ClientRegistration<TokenClient>,
): void;
export function useRegisterClient<C>(
  client: C | null | undefined,
  options: ClientRegistration<C> & { adapter: (client: C) => TokenClient },
): void;
export function useRegisterClient<C>(
  client: C | null | undefined,
  options: ClientRegistration<C> = {},
): void {
  const store = useManagerStore('useRegisterClient');
  const latest = useLatest(options);
  useEffect(() => {
    if (client === null || client === undefined) return;
    return store.watch((manager) => registerClient(manager, client, latest.current));
  }, [store, client, latest]);
}
