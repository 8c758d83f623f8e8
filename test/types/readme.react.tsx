import { fromEndpoint, type AccessManagerOptions } from 'access-token-manager';
import { AccessManagerProvider, useAccessToken, useClient } from 'access-token-manager/react';
import { Device } from '@twilio/voice-sdk';

const options: AccessManagerOptions = { tokenProvider: fromEndpoint('/token') };

export const App = () => (
  <AccessManagerProvider options={options}>
    <Phone />
  </AccessManagerProvider>
);

function Phone() {
  const { identity, status, error } = useAccessToken(); // renders again only when one changes
  const device = useClient((token) => new Device(token), { requires: 'voice', dispose: (d) => d.destroy() });
  if (status === 'sessionEnded') return <a href="/login">Your session is over: sign in again</a>;
  return <p>{`${identity ?? '…'}: ${status} ${error?.message ?? ''} ${device ? 'ready' : ''}`}</p>;
}
