// Type tests of access-token-manager/react, checked by `tsc --noEmit` (never run): usages that must
// compile, and misuses, each under @ts-expect-error, that must not.
import { AccessManager, type TokenClient } from 'access-token-manager';
import {
  AccessManagerProvider,
  useAccessManager,
  useAccessManagerEvent,
  useAccessToken,
  useClient,
  useRegisterClient,
  type AccessTokenSnapshot,
  type AccessTokenStatus,
} from 'access-token-manager/react';

declare const manager: AccessManager;
declare const device: { destroy(): void; updateToken(token: string): void };
declare const voice: (device: { destroy(): void }) => TokenClient;
declare const sdkObject: { destroy(): void };

export const trees = [
  <AccessManagerProvider manager={manager} key="a" />,
  <AccessManagerProvider options={{ aboutToExpireMs: 60_000 }} token={null} key="b" />,
  // @ts-expect-error -- the app's manager, or options for one the provider owns: not both
  <AccessManagerProvider manager={manager} options={{}} key="c" />,
  // @ts-expect-error -- a first token goes with options only
  <AccessManagerProvider manager={manager} token="x" key="d" />,
];

export function Usages() {
  const m: AccessManager = useAccessManager();
  const snapshot: AccessTokenSnapshot = useAccessToken();
  const status: AccessTokenStatus = snapshot.status;
  // @ts-expect-error -- the snapshot is read-only
  snapshot.status = 'valid';
  // @ts-expect-error -- no such status
  const wrong: AccessTokenStatus = 'stale';

  useAccessManagerEvent('tokenError', (error, source) => void [error.code, source.token]);
  useAccessManagerEvent(
    'refreshFailed',
    (error, { attempt, retryInMs }) => void [error, attempt + retryInMs],
  );
  // @ts-expect-error -- tokenUpdated gives the manager, not an error
  useAccessManagerEvent('tokenUpdated', (error: Error) => void error);
  // @ts-expect-error -- no such event
  useAccessManagerEvent('tokenRefreshed', () => {});

  useRegisterClient(device, { requires: 'voice', name: 'voice' });
  useRegisterClient(null);
  useRegisterClient(sdkObject, { adapter: voice });
  // @ts-expect-error -- an object without updateToken needs an adapter
  useRegisterClient(sdkObject);
  // @ts-expect-error -- requires is a grant name, or several
  useRegisterClient(device, { requires: 42 });

  const made: typeof device | null = useClient(() => device, { dispose: (d) => d.destroy() });
  const adapted: typeof sdkObject | null = useClient(() => sdkObject, { adapter: voice });
  // @ts-expect-error -- dispose gets the client create made
  useClient(() => device, { dispose: (d: string) => d });
  return [m, status, wrong, made, adapted];
}
