import { onBeforeMount, onMounted, onUnmounted, shallowReadonly, shallowRef, type ShallowRef } from 'vue';
import type { AccessTokenSnapshot } from 'access-token-manager';
import { injectManager } from './context';
import { isHydrating, serverSnapshot } from './hydration';

/**
 * The manager's token as a read-only ref of its snapshot `{ token, identity, expires, status,
 * error }` (see `AccessTokenSnapshot`), kept current through the manager's `subscribe` for as long
 * as the component is mounted. The ref changes only when the manager's snapshot does, so nothing
 * renders again on a timer tick or an event that changes nothing.
 *
 * The ref starts at the snapshot of the moment (`setup`), and subscribes before the component
 * mounts: never during server rendering, where no component mounts or unmounts and a subscription
 * would never end. While the component hydrates server-rendered HTML (Nuxt, `createSSRApp`), the
 * ref starts at the snapshot the server rendered instead (`'empty'` for a manager made from
 * options, even with a first token; the app's own manager's snapshot of the moment otherwise), so
 * the HTML matches, and subscribes once mounted: the component then renders the manager's snapshot.
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
  const hydrating = isHydrating();
  const snapshot = shallowRef(hydrating ? serverSnapshot(manager) : manager.getSnapshot());
  let unsubscribe: (() => void) | null = null;
  // Hydrating, the first render must be the server's: the manager's snapshot comes after it.
  (hydrating ? onMounted : onBeforeMount)(() => {
    unsubscribe = manager.subscribe((next) => {
      snapshot.value = next;
    });
  });
  onUnmounted(() => unsubscribe?.());
  return shallowReadonly(snapshot);
}
