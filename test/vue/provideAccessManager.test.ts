// @vitest-environment jsdom
import { describe, expect, it, vi } from 'vitest';
import { createApp, defineComponent, h } from 'vue';
import { AccessManager } from 'access-token-manager';
import { provideAccessManager, useAccessManager, useAccessToken } from 'access-token-manager/vue';
import { mintToken } from '../support/tokens.js';
import { useFakeTime } from '../support/time.js';
import { mountUnder, probe, providerOf, settle } from './support.js';

useFakeTime();

describe('provideAccessManager', () => {
  describe('with options', () => {
    it('creates one manager in setup, gives it to the components below, and calls the provider once', async () => {
      const tokenProvider = providerOf(mintToken());
      const used = probe(useAccessManager);
      const root = mountUnder(used.Probe, { options: { tokenProvider } });
      await settle();

      expect(used.value).toBe(root.manager);
      expect(root.manager.token).not.toBeNull();
      expect(tokenProvider).toHaveBeenCalledTimes(1);
      root.unmount();
    });

    it('gives the first token to the manager it creates', () => {
      const token = mintToken();
      const root = mountUnder(probe(useAccessManager).Probe, { options: {}, token });
      expect(root.manager.token).toBe(token);
      root.unmount();
    });

    it('destroys its manager when the component unmounts, leaving no timer or provider call', async () => {
      const tokenProvider = providerOf(mintToken());
      const root = mountUnder(probe(useAccessToken).Probe, { options: { tokenProvider } });
      await settle();
      const { manager } = root;

      root.unmount();
      await settle();

      await expect(manager.updateToken(mintToken())).rejects.toMatchObject({ reason: 'destroyed' });
      expect(manager.getSnapshot().token).toBeNull();
      expect(tokenProvider).toHaveBeenCalledTimes(1);
      expect(vi.getTimerCount()).toBe(0);
    });
  });

  describe("with the app's manager", () => {
    it('gives it to the components below and never destroys it', async () => {
      const manager = new AccessManager(mintToken());
      const used = probe(useAccessManager);
      const root = mountUnder(used.Probe, manager);
      expect(root.manager).toBe(manager);
      expect(used.value).toBe(manager);

      root.unmount();
      await settle();

      await expect(manager.updateToken(mintToken({ ttl: 1800 }))).resolves.toBe(manager);
      manager.destroy();
    });

    it('leaves no subscriber of its own on the manager after unmount', async () => {
      const manager = new AccessManager(mintToken());
      const first = manager.getSnapshot();
      const used = probe(useAccessToken);
      const root = mountUnder(used.Probe, manager);
      root.unmount();

      await manager.updateToken(mintToken({ ttl: 1800 }));
      await settle();

      expect(used.value.value).toBe(first);
      expect(manager.getSnapshot()).not.toBe(first);
      manager.destroy();
    });
  });

  it('gives the manager to the component that provides it too, so the root can show the token', async () => {
    let token: ReturnType<typeof useAccessToken> | undefined;
    const Root = defineComponent({
      setup() {
        const provided = provideAccessManager({}, mintToken());
        expect(useAccessManager()).toBe(provided);
        token = useAccessToken();
        return () => h('p', token!.value.status);
      },
    });
    const app = createApp(Root);
    const element = document.createElement('div');
    app.mount(element);

    expect(element.textContent).toBe('valid');
    app.unmount();
  });

  it('says where to call it when called outside a setup', () => {
    expect(() => provideAccessManager({})).toThrow(
      expect.objectContaining({ reason: 'invalid-argument', message: expect.stringMatching(/setup/) }),
    );
  });

  it('refuses what is neither a manager nor options, naming what it got', () => {
    const Root = defineComponent({
      setup() {
        provideAccessManager(null as never);
        return () => null;
      },
    });
    const app = createApp(Root);
    let thrown: unknown;
    app.config.errorHandler = (error) => void (thrown = error);
    app.mount(document.createElement('div'));
    expect(thrown).toMatchObject({ reason: 'invalid-argument', message: expect.stringMatching(/null/) });
    app.unmount();
  });

  it('says what to call when a composable is used with no manager provided above', () => {
    for (const composable of [useAccessManager, useAccessToken]) {
      const Alone = defineComponent({
        setup() {
          composable();
          return () => null;
        },
      });
      const app = createApp({ render: () => h(Alone) });
      let thrown: unknown;
      app.config.errorHandler = (error) => void (thrown = error);
      app.config.warnHandler = () => {};
      app.mount(document.createElement('div'));
      expect(thrown).toMatchObject({
        reason: 'invalid-argument',
        message: expect.stringMatching(new RegExp(`${composable.name}\\(\\).*provideAccessManager`)),
      });
      app.unmount();
    }
  });
});
