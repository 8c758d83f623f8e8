import { onBeforeMount, onUnmounted, shallowReadonly, shallowRef, type ShallowRef } from 'vue';
import type { AccessTokenSnapshot } from 'access-token-manager';
import { injectManager } from './context';

/**
 * The manager's token as a read-only ref of its snapshot `{ token, identity, expires, status,
 * error }` (see `AccessTokenSnapshot`), kept current through the manager's `subscribe` for as long
 * as the component is mounted. The ref changes only when the manager's snapshot does, so nothing
 * renders again on a timer tick or an event that changes nothing.
 *
 * The ref starts at the snapshot of the moment (`setup`), and subscribes before the component
 * mounts: never during server rendering, where no component mounts or unmounts and a subscription
 * would never end.
 *
 * @returns the read-only ref; in a template, its fields read as `token.status`.
 * @throws `AccessTokenError` (`invalid-argument`) when no component above provided a manager.
 * @example
 * // <script setup lang="ts">
 * const token = useAccessToken();
 * // </script>
 * // <template><p>{{ token.identity }} ({{ token.status }})</p></template>
 * @example
 * const token = useAccessToken();
 * watch(() => token.value.status, (status) => status === 'sessionEnded' && router.push('/sign-in'));
 */
export function useAccessToken(): Readonly<ShallowRef<AccessTokenSnapshot>> {
  const manager = injectManager('useAccessToken');
  const snapshot = shallowRef(manager.getSnapshot());
  let unsubscribe: (() => void) | null = null;
  onBeforeMount(() => {
    unsubscribe = manager.subscribe((next) => {
      snapshot.value = next;
    });
  });
  onUnmounted(() => unsubscribe?.());
  return shallowReadonly(snapshot);
}
