import type { AccessManagerOptions } from 'access-token-manager';
import { AccessManagerProvider, useAccessToken, useClient } from 'access-token-manager/react';
import { Device } from '@twilio/voice-sdk';

const options: AccessManagerOptions = {
  tokenProvider: async ({ signal }) => (await (await fetch('/token', { signal })).json()).token,
};

export const App = () => (
  <AccessManagerProvider options={options}>
    <Phone />
  </AccessManagerProvider>
);

function Phone() {
  const { identity, status, error } = useAccessToken(); // renders again only when one changes
  const device = useClient((token) => new Device(token), { requires: 'voice', dispose: (d) => d.destroy() });
  return <p>{`${identity ?? '…'}: ${status} ${error?.message ?? ''} ${device ? 'ready' : ''}`}</p>;
}
