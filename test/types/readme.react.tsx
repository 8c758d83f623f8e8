import { fromEndpoint, type AccessManagerOptions } from 'access-token-manager';
import { AccessManagerProvider, useAccessToken, useClient } from 'access-token-manager/react';
import { conversations, voice } from 'access-token-manager/sdks';
import { Client as ConversationsClient } from '@twilio/conversations';
import { Device } from '@twilio/voice-sdk';

// Made once, outside the components: the provider reads its options when it mounts.
const options: AccessManagerOptions = { tokenProvider: fromEndpoint('/api/token') };

export const App = () => (
  <AccessManagerProvider options={options}>
    <Phone />
  </AccessManagerProvider>
);

function Phone() {
  const { identity, status, error } = useAccessToken(); // renders again only when one changes
  // Each SDK client is made once there is a token, registered through its adapter, disposed on unmount.
  const chat = useClient((token) => new ConversationsClient(token), {
    adapter: conversations,
    dispose: (client) => client.shutdown(),
  });
  const device = useClient((token) => new Device(token), { adapter: voice, dispose: (d) => d.destroy() });
  if (status === 'sessionEnded') return <a href="/login">Your session is over: sign in again</a>;
  if (!chat || !device) return <p>{error ? error.message : 'Connecting…'}</p>;
  return <p>{`${identity}: ${status}; ${chat.connectionState}, the Device ${device.state}`}</p>;
}
