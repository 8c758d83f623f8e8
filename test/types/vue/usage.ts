// Type tests of access-token-manager/vue, checked by vue-tsc (`npm run typecheck`), never run:
// usages that must compile, and misuses, each under @ts-expect-error, that must not.
import { defineComponent, h, shallowRef, type Ref } from 'vue';
import { AccessManager, type TokenClient } from 'access-token-manager';
import {
  provideAccessManager,
  useAccessManager,
  useAccessManagerEvent,
  useAccessToken,
  useClient,
  useRegisterClient,
  type AccessTokenSnapshot,
  type AccessTokenStatus,
  type UseClientOptions,
} from 'access-token-manager/vue';

declare const device: { destroy(): void; updateToken(token: string): void };
declare const voice: (device: { destroy(): void }) => TokenClient;
declare const sdkObject: { destroy(): void };

export const Root = defineComponent({
  setup() {
    const owned: AccessManager = provideAccessManager({ aboutToExpireMs: 60_000 }, null);
    provideAccessManager(new AccessManager());
    // @ts-expect-error -- a first token goes with options, not with the app's manager
    provideAccessManager(new AccessManager(), 'token');
    // @ts-expect-error -- options of the manager, not anything
    provideAccessManager({ aboutToExpireMs: '1 minute' });
    return () => h('p', owned.identity ?? '');
  },
});

export const Page = defineComponent({
  setup() {
    const manager: AccessManager = useAccessManager();
    const token = useAccessToken();
    const snapshot: AccessTokenSnapshot = token.value;
    const status: AccessTokenStatus = snapshot.status;
    // @ts-expect-error -- the ref is read-only
    token.value = snapshot;
    // @ts-expect-error -- and so is the snapshot
    token.value.status = 'valid';
    // @ts-expect-error -- no such status
    const wrong: AccessTokenStatus = 'stale';

    useAccessManagerEvent('tokenError', (error, source) => void [error.code, source.token]);
    useAccessManagerEvent(
      'refreshFailed',
      (error, { attempt, retryInMs }) => void [error, attempt, retryInMs],
    );
    // @ts-expect-error -- no such event
    useAccessManagerEvent('tokenRefreshed', () => {});

    useRegisterClient(device, { requires: 'voice', name: 'voice' });
    const later: Ref<typeof device | null> = shallowRef(null);
    useRegisterClient(later);
    useRegisterClient(() => (status === 'valid' ? device : null));
    useRegisterClient(sdkObject, { adapter: voice });
    // @ts-expect-error -- an object without updateToken needs an adapter
    useRegisterClient(sdkObject);

    const options: UseClientOptions<typeof device> = { requires: 'voice', dispose: (d) => d.destroy() };
    const client = useClient((value: string) => ({ ...device, value }), options);
    const made: { value: string } | null = client.value;
    // @ts-expect-error -- the client ref is read-only
    client.value = null;
    // @ts-expect-error -- the client may not exist yet
    client.value.destroy();

    return () => h('p', [manager.identity, made?.value, wrong].join(' '));
  },
});
