// @vitest-environment jsdom
import { describe, expect, it } from 'vitest';
import { act } from '@testing-library/react';
import { AccessManager, type TokenClient } from 'access-token-manager';
import {
  AccessManagerProvider,
  useRegisterClient,
  type ClientRegistration,
} from 'access-token-manager/react';
import { recordingClient } from '../support/clients.js';
import { mintToken } from '../support/tokens.js';
import { mintAt, SECOND, useFakeTime } from '../support/time.js';
import { renderWith } from './support.js';

useFakeTime();

function Registers<C>({ client, options }: { client: C | null; options?: ClientRegistration<C> }) {
  useRegisterClient(client as TokenClient | null, options as ClientRegistration<TokenClient>);
  return null;
}

/** A duck-typed SDK object with no updateToken of its own, like a Voice Device seen by an adapter. */
function fakeDevice() {
  const tokens: string[] = [];
  return { tokens, refreshWith: (token: string) => void tokens.push(token) };
}
type FakeDevice = ReturnType<typeof fakeDevice>;

/** A duck-typed adapter in the shape of access-token-manager/sdks: it presets requires and name. */
const fakeVoice = (device: FakeDevice): TokenClient & { requires: 'voice'; name: string } => ({
  requires: 'voice',
  name: 'voice',
  updateToken: (token) => device.refreshWith(token),
});

describe(useRegisterClient, () => {
  it('hands the client every new token while mounted, and none after unmount', async () => {
    const manager = new AccessManager(mintToken());
    const client = recordingClient();
    const view = renderWith(<Registers client={client} />, manager);
    const second = mintAt(SECOND);
    await act(async () => void (await manager.updateToken(second)));
    expect(client.tokens).toEqual([second]); // once, under StrictMode too

    view.unmount();
    await manager.updateToken(mintAt(2 * SECOND));
    expect(client.tokens).toEqual([second]);
    manager.destroy();
  });

  it('registers nothing while the client is null, then the client once it exists', async () => {
    const manager = new AccessManager(mintToken());
    const client = recordingClient();
    const view = renderWith(<Registers client={null} />, manager, false);
    await manager.updateToken(mintAt(SECOND));
    view.rerender(
      <AccessManagerProvider manager={manager}>
        <Registers client={client} />
      </AccessManagerProvider>,
    );
    const third = mintAt(2 * SECOND);
    await act(async () => void (await manager.updateToken(third)));
    expect(client.tokens).toEqual([third]);
    manager.destroy();
  });

  it('passes requires to the manager: a token without the grant is not handed over', async () => {
    const manager = new AccessManager(mintToken({ grants: ['chat', 'voice'] }));
    const errors: string[] = [];
    manager.on('clientError', (error) => errors.push(error.reason));
    const client = recordingClient();
    renderWith(<Registers client={client} options={{ requires: 'voice', name: 'voice' }} />, manager);
    await act(async () => void (await manager.updateToken(mintAt(SECOND, { grants: ['chat'] }))));
    expect(client.tokens).toEqual([]);
    expect(errors).toEqual(['client-missing-grant']);
    manager.destroy();
  });

  it('registers what the adapter makes of the SDK object', async () => {
    const manager = new AccessManager(mintToken({ grants: ['voice'] }));
    const device = fakeDevice();
    renderWith(<Registers client={device} options={{ adapter: fakeVoice }} />, manager);
    const second = mintAt(SECOND, { grants: ['voice'] });
    await act(async () => void (await manager.updateToken(second)));
    expect(device.tokens).toEqual([second]);
    manager.destroy();
  });
});
