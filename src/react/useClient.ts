import { useEffect, useRef, useState } from 'react';
import type { AccessManager } from 'access-token-manager';
import { useManagerStore } from './context';
import { Kept } from './kept';
import { useLatest } from './latest';
import { registerClient, type ClientRegistration } from '../bindings/registration';

/**
 * The options of {@link useClient}: how the client is registered, and how it is disposed of.
 * @typeParam C - the SDK's client type.
 * @example
 * { requires: 'voice', name: 'voice', dispose: (device) => device.destroy() }
 */
export interface UseClientOptions<C> extends ClientRegistration<C> {
  /**
   * Ends the client when the component unmounts (after it is unregistered), or when the
   * provider's manager changes: `(client) => client.shutdown()`, `(device) => device.destroy()`.
   */
  dispose?: (client: C) => unknown;
}

/** A client made by the hook, and the manager whose token made it. */
interface Made<C> {
  client: C;
  manager: AccessManager;
}

/**
 * Creates an SDK client once the provider's manager holds a token, registers it, and returns it
 * (`null` before). On unmount it is unregistered and disposed of. `create` runs once per mount,
 * also under StrictMode, whose simulated unmount and remount keep the same client; it gets the
 * token the manager holds when it mounts (if that one has not expired) or the first one it
 * accepts after. An error thrown by `create` is thrown during the next render, for an error
 * boundary to catch; that too was the mount's one call (StrictMode's remount does not call again).
 *
 * @param create - makes the client from a token: `(token) => new Device(token)`. Read at creation.
 * @param options - `requires`, `name`, `adapter`, `dispose`; see {@link UseClientOptions}.
 * @returns the client, or `null` until the manager has a token.
 * @throws `AccessTokenError` (`invalid-argument`) outside an {@link AccessManagerProvider}.
 * @example
 * const device = useClient((token) => new Device(token), {
 *   requires: 'voice',
 *   dispose: (device) => device.destroy(),
 * });
 * @example
 * const device = useClient((token) => new Device(token), { adapter: voice, dispose: (d) => d.destroy() });
 */
export function useClient<C>(create: (token: string) => C, options: UseClientOptions<C> = {}): C | null {
  const store = useManagerStore('useClient');
  const latest = useLatest({ create, options });
  const [client, setClient] = useState<C | null>(null);
  const [failure, setFailure] = useState<{ error: unknown } | null>(null);
  const [kept] = useState(() => new Kept<Made<C>>(({ client }) => latest.current.options.dispose?.(client)));
  // The manager whose token `create` threw for: StrictMode's remount must not call it again.
  const failedWith = useRef<AccessManager | null>(null);
  if (failure) throw failure.error;

  useEffect(
    () =>
      store.watch((manager) => {
        let unregister: (() => void) | null = null;
        const use = (made: Made<C>): void => {
          unregister = registerClient(manager, made.client, latest.current.options);
          setClient(() => made.client);
        };
        const make = (token: string): void => {
          try {
            use(kept.keep({ client: latest.current.create(token), manager }));
          } catch (error) {
            failedWith.current = manager;
            setFailure({ error });
          }
        };
        const onToken = (): void => {
          manager.off('tokenUpdated', onToken);
          if (manager.token !== null) make(manager.token);
        };
        // StrictMode's remount: the client made before its simulated unmount, still undisposed.
        const left = kept.reclaim();
        if (left && left.manager === manager) use(left);
        else if (failedWith.current !== manager) {
          kept.releaseNow(); // one made with another manager's token
          if (manager.token !== null && !manager.isExpired) make(manager.token);
          else manager.on('tokenUpdated', onToken);
        }
        return () => {
          manager.off('tokenUpdated', onToken);
          unregister?.();
          setClient(null);
          kept.release();
        };
      }),
    [store, kept, latest],
  );
  return client;
}
