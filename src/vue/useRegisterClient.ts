import { onMounted, onUnmounted, toValue, watch, type MaybeRefOrGetter, type WatchStopHandle } from 'vue';
import type { TokenClient } from 'access-token-manager';
import { injectManager } from './context';
import { registerClient, type ClientRegistration } from '../bindings/registration';

/**
 * Registers an SDK client with the provided manager from the moment the component mounts until it
 * unmounts. `client` may be a ref or a getter: a new client is registered in place of the old one,
 * and `null` or `undefined` (no client yet) registers nothing. The options are read at each
 * registration. Nothing is registered during server rendering (no component mounts there).
 *
 * @param client - anything the manager's `register` takes (`{ updateToken }`), or, with an
 *   `adapter`, the SDK's object the adapter turns into one; or a ref or getter of either.
 * @param options - `requires`, `name`, `adapter`; see {@link ClientRegistration}.
 * @throws `AccessTokenError` (`invalid-argument`) when no component above provided a manager.
 * @example
 * const client = shallowRef<ConversationsClient | null>(null);
 * useRegisterClient(client, { requires: 'chat', name: 'conversations' });
 * @example
 * useRegisterClient(() => props.device, { adapter: voice }); // access-token-manager/sdks
 */
export function useRegisterClient(
  client: MaybeRefOrGetter<TokenClient | null | undefined>,
  options?: ClientRegistration<TokenClient>,
): void;
export function useRegisterClient<C>(
  client: MaybeRefOrGetter<C | null | undefined>,
  options: ClientRegistration<C> & { adapter: (client: C) => TokenClient },
): void;
export function useRegisterClient<C>(
  client: MaybeRefOrGetter<C | null | undefined>,
  options: ClientRegistration<C> = {},
): void {
  const manager = injectManager('useRegisterClient');
  let stop: WatchStopHandle | null = null;
  onMounted(() => {
    stop = watch(
      () => toValue(client),
      (value, _previous, onCleanup) => {
        if (value !== null && value !== undefined) onCleanup(registerClient(manager, value, options));
      },
      { immediate: true, flush: 'sync' },
    );
  });
  // Stopping the watcher runs its cleanup: the client is unregistered.
  onUnmounted(() => stop?.());
}
