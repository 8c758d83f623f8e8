import { onMounted, onUnmounted, shallowReadonly, shallowRef, watch, type ShallowRef } from 'vue';
import { injectManager } from './context';
import { registerClient, type ClientRegistration } from '../bindings/registration';
import { useAccessToken } from './useAccessToken';

/**
 * The options of {@link useClient}: how the client is registered, and how it is disposed of.
 * @typeParam C - the SDK's client type.
 * @example
 * { requires: 'voice', name: 'voice', dispose: (device) => device.destroy() }
 */
export interface UseClientOptions<C> extends ClientRegistration<C> {
  /**
   * Ends the client when the component unmounts, after it is unregistered:
   * `(client) => client.shutdown()`, `(device) => device.destroy()`.
   */
  dispose?: (client: C) => unknown;
}

/**
 * Creates an SDK client once the component has mounted and the provided manager holds a token
 * that has not expired, registers it, and gives it as a read-only ref (`null` before). When the
 * component unmounts, the client is unregistered and disposed of. `create` runs once per mount,
 * and never during server rendering. An error thrown by `create` goes to Vue's error handling
 * (`onErrorCaptured` in a component above, `app.config.errorHandler`), and is not retried.
 *
 * @param create - makes the client from a token: `(token) => new Device(token)`.
 * @param options - `requires`, `name`, `adapter`, `dispose`; see {@link UseClientOptions}.
 * @returns a read-only ref of the client, `null` until the manager has a token.
 * @throws `AccessTokenError` (`invalid-argument`) when no component above provided a manager.
 * @example
 * const device = useClient((token) => new Device(token), {
 *   requires: 'voice',
 *   dispose: (device) => device.destroy(),
 * });
 * @example
 * const device = useClient((token) => new Device(token), { adapter: voice, dispose: (d) => d.destroy() });
 */
export function useClient<C>(
  create: (token: string) => C,
  options: UseClientOptions<C> = {},
): Readonly<ShallowRef<C | null>> {
  const manager = injectManager('useClient');
  const snapshot = useAccessToken();
  const client = shallowRef<C | null>(null);
  let made: { client: C; unregister: () => void } | null = null;
  let tried = false;
  let stop: (() => void) | null = null;
  onMounted(() => {
    // Created in a watcher's callback: what `create` throws goes to Vue's error handling. Not a
    // synchronous one: the manager tells its subscribers before it pushes the token to its
    // clients, and a client registered in between would be handed the token it was made with.
    stop = watch(
      // The token to create with: one that has not expired (a snapshot's token may have).
      () => (snapshot.value.token !== null && !manager.isExpired ? snapshot.value.token : null),
      (token) => {
        if (token === null || tried) return;
        tried = true;
        const value = create(token);
        made = { client: value, unregister: registerClient(manager, value, options) };
        client.value = value;
        stop?.(); // null on the immediate call: stopped just below
      },
      { immediate: true },
    );
    if (tried) stop();
  });
  onUnmounted(() => {
    stop?.();
    if (made === null) return;
    const { client: value, unregister } = made;
    made = null;
    client.value = null;
    unregister();
    options.dispose?.(value);
  });
  return shallowReadonly(client);
}
