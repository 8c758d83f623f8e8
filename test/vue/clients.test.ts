// @vitest-environment jsdom
import { describe, expect, it, vi } from 'vitest';
import { defineComponent, h, nextTick, onErrorCaptured, shallowRef } from 'vue';
import { AccessManager, type TokenClient } from 'access-token-manager';
import { useClient, useRegisterClient } from 'access-token-manager/vue';
import { FakeSdkClient, recordingClient } from '../support/clients.js';
import { mintToken } from '../support/tokens.js';
import { HOUR, MINUTE, useFakeTime } from '../support/time.js';
import { mountUnder, probe, providerOf, settle } from './support.js';

useFakeTime();

describe('useRegisterClient', () => {
  it('registers the client while the component is mounted, and unregisters it on unmount', async () => {
    const manager = new AccessManager(mintToken());
    const client = recordingClient();
    const root = mountUnder(probe(() => useRegisterClient(client, { name: 'chat' })).Probe, manager);

    const second = mintToken({ ttl: 1800 });
    await manager.updateToken(second);
    expect(client.tokens).toEqual([second]);

    root.unmount();
    await manager.updateToken(mintToken({ ttl: 1200 }));
    expect(client.tokens).toEqual([second]);
    manager.destroy();
  });

  it('follows a ref: nothing while it is null, then the client, then the next one in its place', async () => {
    const manager = new AccessManager(mintToken());
    const current = shallowRef<TokenClient | null>(null);
    const root = mountUnder(probe(() => useRegisterClient(current)).Probe, manager);
    const first = recordingClient();
    const second = recordingClient();

    const tokenA = mintToken({ ttl: 1800 });
    await manager.updateToken(tokenA);
    current.value = first;
    const tokenB = mintToken({ ttl: 1700 });
    await manager.updateToken(tokenB);
    current.value = second;
    const tokenC = mintToken({ ttl: 1600 });
    await manager.updateToken(tokenC);

    expect(first.tokens).toEqual([tokenB]);
    expect(second.tokens).toEqual([tokenC]);
    root.unmount();
    manager.destroy();
  });

  it("registers the adapter's object, with the app's options", async () => {
    const manager = new AccessManager(mintToken());
    const device = { tokens: [] as string[] };
    const adapter = vi.fn((d: typeof device) => ({
      updateToken: (token: string) => void d.tokens.push(token),
    }));
    const root = mountUnder(
      probe(() => useRegisterClient(() => device, { adapter, name: 'voice' })).Probe,
      manager,
    );

    const next = mintToken({ ttl: 1800 });
    await manager.updateToken(next);

    expect(adapter).toHaveBeenCalledTimes(1);
    expect(device.tokens).toEqual([next]);
    root.unmount();
    manager.destroy();
  });
});

describe('useClient', () => {
  /** A component that makes a FakeSdkClient with useClient and renders how many tokens it has. */
  function deviceProbe(options: Parameters<typeof useClient<FakeSdkClient>>[1] = {}) {
    const create = vi.fn((token: string) => new FakeSdkClient(token));
    const used = probe(
      () => useClient(create, { dispose: (client) => client.shutdown(), ...options }),
      (client) => (client.value ? `${client.value.tokens.length} token` : 'no client'),
    );
    return { create, used };
  }

  it('creates the client with the token held at mount, registers it, and disposes of it on unmount', async () => {
    const token = mintToken();
    const manager = new AccessManager(token);
    const { create, used } = deviceProbe();
    const root = mountUnder(used.Probe, manager);
    await nextTick();

    const client = used.value.value!;
    expect(create).toHaveBeenCalledWith(token);
    expect(root.element.textContent).toBe('1 token');
    const next = mintToken({ ttl: 1800 });
    await manager.updateToken(next);
    expect(client.tokens).toEqual([token, next]);

    root.unmount();
    expect(client.shutDown).toBe(true);
    expect(used.value.value).toBeNull();
    await manager.updateToken(mintToken({ ttl: 1200 }));
    expect(client.tokens).toHaveLength(2);
    manager.destroy();
  });

  it('waits for the first token of a manager it was mounted without one, and creates once', async () => {
    const tokenProvider = providerOf(mintToken(), mintToken({ ttl: 1800 }));
    const { create, used } = deviceProbe();
    const root = mountUnder(used.Probe, { options: { tokenProvider } });
    expect(root.element.textContent).toBe('no client');

    await settle();
    expect(root.element.textContent).toBe('1 token');
    await root.manager.refresh();

    expect(create).toHaveBeenCalledTimes(1);
    expect(used.value.value!.tokens).toHaveLength(2);
    root.unmount();
  });

  it('does not create a client from an expired token: it waits for the next one', async () => {
    const manager = new AccessManager(mintToken({ ttl: 600 }), { aboutToExpireMs: MINUTE });
    vi.advanceTimersByTime(HOUR);
    expect(manager.isExpired).toBe(true);
    const { create, used } = deviceProbe();
    const root = mountUnder(used.Probe, manager);
    expect(create).not.toHaveBeenCalled();

    const fresh = mintToken();
    await manager.updateToken(fresh);

    expect(create).toHaveBeenCalledWith(fresh);
    root.unmount();
    manager.destroy();
  });

  it("hands what create throws to Vue's error handling, and does not call it again", async () => {
    const manager = new AccessManager(mintToken());
    const failure = new Error('the SDK refused');
    const create = vi.fn(() => {
      throw failure;
    });
    const captured: unknown[] = [];
    const Child = defineComponent({
      setup() {
        useClient(create);
        return () => null;
      },
    });
    const Boundary = defineComponent({
      setup() {
        onErrorCaptured((error) => {
          captured.push(error);
          return false;
        });
        return () => h(Child);
      },
    });
    const root = mountUnder(Boundary, manager);
    await manager.updateToken(mintToken({ ttl: 1800 }));

    expect(captured).toEqual([failure]);
    expect(create).toHaveBeenCalledTimes(1);
    root.unmount();
    manager.destroy();
  });

  it('creates nothing when the component unmounts before the first token', async () => {
    const tokenProvider = providerOf(mintToken());
    const { create, used } = deviceProbe();
    const root = mountUnder(used.Probe, { options: { tokenProvider } });
    root.unmount();
    await settle();

    expect(create).not.toHaveBeenCalled();
  });
});
