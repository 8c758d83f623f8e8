// @vitest-environment jsdom
import { describe, expect, it, vi } from 'vitest';
import { act, render } from '@testing-library/react';
import { Component, StrictMode, type ReactNode } from 'react';
import { AccessManager, type TokenClient } from 'access-token-manager';
import { AccessManagerProvider, useClient, type UseClientOptions } from 'access-token-manager/react';
import { FakeSdkClient } from '../support/clients.js';
import { mintToken } from '../support/tokens.js';
import { HOUR, mintAt, SECOND, useFakeTime } from '../support/time.js';
import { probe, providerOf, renderOwned, renderWith, settleInAct } from './support.js';

useFakeTime();

/** Shows what its children threw. */
class Boundary extends Component<{ children: ReactNode }, { error: Error | null }> {
  override state = { error: null as Error | null };
  static getDerivedStateFromError(error: Error) {
    return { error };
  }
  override render() {
    return this.state.error ? <p>caught: {this.state.error.message}</p> : this.props.children;
  }
}

function clientProbe<C>(create: (token: string) => C, options?: UseClientOptions<C>) {
  return probe(() => useClient(create, options));
}

describe(useClient, () => {
  it('is null until the first token, then creates one client with it under StrictMode', async () => {
    const token = mintToken();
    const create = vi.fn((t: string) => new FakeSdkClient(t));
    const clients = clientProbe(create, { dispose: (c) => c.shutdown() });
    renderOwned(<clients.Probe />, { options: { tokenProvider: providerOf(token) } });
    expect(clients.values[0]).toBeNull();
    await settleInAct();

    expect(create).toHaveBeenCalledTimes(1);
    expect(create).toHaveBeenCalledWith(token);
    expect(clients.last).toBeInstanceOf(FakeSdkClient);
    expect(clients.last?.shutDown).toBe(false);
  });

  it('creates the client at once when the manager already holds a token, and registers it', async () => {
    const first = mintToken();
    const manager = new AccessManager(first);
    const create = vi.fn((t: string) => new FakeSdkClient(t));
    const dispose = vi.fn((c: FakeSdkClient) => c.shutdown());
    const clients = clientProbe(create, { dispose });
    renderWith(<clients.Probe />, manager); // StrictMode: mounted, unmounted and mounted again
    await settleInAct();
    expect(create).toHaveBeenCalledTimes(1);
    expect(dispose).not.toHaveBeenCalled();
    const client = clients.last!;
    const second = mintAt(SECOND);
    await act(async () => void (await manager.updateToken(second)));
    expect(client.tokens).toEqual([first, second]);
    manager.destroy();
  });

  it('does not hand the client the token it was just created with', async () => {
    const clients = clientProbe((t) => new FakeSdkClient(t));
    renderOwned(<clients.Probe />, { options: { tokenProvider: providerOf(mintToken()) } });
    await settleInAct();
    expect(clients.last?.tokens).toHaveLength(1);
  });

  it('unregisters and disposes of the client on unmount', async () => {
    const manager = new AccessManager(mintToken());
    const clients = clientProbe((t) => new FakeSdkClient(t), { dispose: (c) => c.shutdown() });
    const view = renderWith(<clients.Probe />, manager);
    await settleInAct();
    const client = clients.last!;

    view.unmount();
    await settleInAct();
    expect(client.shutDown).toBe(true);
    await manager.updateToken(mintAt(SECOND));
    expect(client.tokens).toHaveLength(1);
    manager.destroy();
  });

  it('registers with requires: a token without the grant is not handed over', async () => {
    const manager = new AccessManager(mintToken({ grants: ['chat', 'voice'] }));
    const errors: string[] = [];
    manager.on('clientError', (error) => errors.push(error.reason));
    const clients = clientProbe((t) => new FakeSdkClient(t), { requires: 'voice' });
    renderWith(<clients.Probe />, manager);
    await settleInAct();
    await act(async () => void (await manager.updateToken(mintAt(SECOND, { grants: ['chat'] }))));
    expect(clients.last?.tokens).toHaveLength(1);
    expect(errors).toEqual(['client-missing-grant']);
    manager.destroy();
  });

  it('registers through an adapter and returns the SDK object itself', async () => {
    // A Device-like object without updateToken, and a duck-typed adapter like access-token-manager/sdks's voice().
    const device = { token: '', destroyed: false };
    const adapter = vi.fn((d: typeof device): TokenClient & { requires: 'voice' } => ({
      requires: 'voice',
      updateToken: (t) => void (d.token = t),
    }));
    const manager = new AccessManager(mintToken({ grants: ['voice'] }));
    const clients = clientProbe((t) => Object.assign(device, { token: t }), {
      adapter,
      dispose: (d) => void (d.destroyed = true),
    });
    const view = renderWith(<clients.Probe />, manager);
    await settleInAct();
    expect(clients.last).toBe(device);
    expect(adapter).toHaveBeenCalledWith(device);

    const second = mintAt(SECOND, { grants: ['voice'] });
    await act(async () => void (await manager.updateToken(second)));
    expect(device.token).toBe(second);
    view.unmount();
    await settleInAct();
    expect(device.destroyed).toBe(true);
    manager.destroy();
  });

  it('waits for a fresh token when the one held has expired', async () => {
    const manager = new AccessManager(mintToken({ ttl: 600 }));
    await vi.advanceTimersByTimeAsync(HOUR);
    const create = vi.fn((t: string) => new FakeSdkClient(t));
    const clients = clientProbe(create);
    renderWith(<clients.Probe />, manager);
    await settleInAct();
    expect(create).not.toHaveBeenCalled();
    const fresh = mintToken();
    await act(async () => void (await manager.updateToken(fresh)));
    expect(create).toHaveBeenCalledWith(fresh);
    expect(clients.last?.tokens).toEqual([fresh]);
    manager.destroy();
  });

  it('disposes of the client and makes one from the new manager when the provider is given another', async () => {
    const first = new AccessManager(mintToken({ identity: 'alice' }));
    const second = new AccessManager(mintToken({ identity: 'bob' }));
    const clients = clientProbe((t) => new FakeSdkClient(t), { dispose: (c) => c.shutdown() });
    const view = renderWith(<clients.Probe />, first, false);
    await settleInAct();
    const made = clients.last!;
    view.rerender(
      <AccessManagerProvider manager={second}>
        <clients.Probe />
      </AccessManagerProvider>,
    );
    await settleInAct();
    expect(made.shutDown).toBe(true);
    expect(clients.last).not.toBe(made);
    expect(clients.last?.tokens).toEqual([second.token]);
    first.destroy();
    second.destroy();
  });

  it('throws what create threw during the next render, for an error boundary', async () => {
    const silence = vi.spyOn(console, 'error').mockImplementation(() => {});
    const manager = new AccessManager(mintToken());
    const clients = clientProbe(() => {
      throw new Error('SDK refused');
    });
    const view = render(
      <AccessManagerProvider manager={manager}>
        <Boundary>
          <clients.Probe />
        </Boundary>
      </AccessManagerProvider>,
    );
    await settleInAct();
    expect(view.container.textContent).toBe('caught: SDK refused');
    silence.mockRestore();
    manager.destroy();
  });

  it('calls a create that throws once under StrictMode, as it calls one that returns', async () => {
    const silence = vi.spyOn(console, 'error').mockImplementation(() => {});
    const create = vi.fn((): FakeSdkClient => {
      throw new Error('SDK refused');
    });
    const clients = clientProbe(create);
    const manager = new AccessManager(mintToken());
    const view = render(
      <StrictMode>
        <AccessManagerProvider manager={manager}>
          <Boundary>
            <clients.Probe />
          </Boundary>
        </AccessManagerProvider>
      </StrictMode>,
    );
    await settleInAct();
    expect(view.container.textContent).toBe('caught: SDK refused');
    expect(create).toHaveBeenCalledTimes(1);
    silence.mockRestore();
    manager.destroy();
  });
});
