// @vitest-environment jsdom
import { describe, expect, it, vi } from 'vitest';
import { render } from '@testing-library/react';
import { AccessManager, AccessTokenError } from 'access-token-manager';
import { AccessManagerProvider, useAccessManager, useAccessToken } from 'access-token-manager/react';
import { mintToken } from '../support/tokens.js';
import { fakeClock, useFakeTime } from '../support/time.js';
import { probe, providerOf, renderOwned, renderWith, settleInAct } from './support.js';

useFakeTime();

describe(AccessManagerProvider, () => {
  describe('with options', () => {
    it('creates one manager and calls the provider once under StrictMode', async () => {
      const { clock, wakeListeners } = fakeClock();
      // Each manager made from these options listens for wakes once, when it is constructed.
      const constructed = vi.spyOn(clock, 'onWake');
      const tokenProvider = providerOf(mintToken());
      const managers = probe(useAccessManager);
      renderOwned(<managers.Probe />, { options: { tokenProvider, clock } });
      await settleInAct();

      expect(constructed).toHaveBeenCalledTimes(1);
      expect(tokenProvider).toHaveBeenCalledTimes(1);
      const live = managers.last;
      expect(live.token).not.toBeNull();
      // Every manager the hook ever returned after mount is that one, and only it listens for wakes.
      expect(new Set(managers.values.filter((m) => m.token !== null))).toEqual(new Set([live]));
      expect(wakeListeners.size).toBe(1);
    });

    it('creates nothing during the render: the first render gets an idle manager, the next the live one', async () => {
      const { clock, wakeListeners } = fakeClock();
      const tokenProvider = providerOf(mintToken());
      const seen: Array<{ manager: AccessManager; wakes: number; calls: number }> = [];
      function Spy() {
        seen.push({
          manager: useAccessManager(),
          wakes: wakeListeners.size,
          calls: tokenProvider.mock.calls.length,
        });
        return null;
      }
      renderOwned(<Spy />, { options: { tokenProvider, clock } });
      await settleInAct();

      expect(seen[0]).toMatchObject({ wakes: 0, calls: 0 });
      expect(seen[0]!.manager.token).toBeNull();
      expect(seen.at(-1)!.manager).not.toBe(seen[0]!.manager);
      expect(seen.at(-1)!.manager.token).not.toBeNull();
    });

    it('gives the first token to the manager it creates', async () => {
      const token = mintToken({ identity: 'bob' });
      const tokens = probe(useAccessToken);
      renderOwned(<tokens.Probe />, { options: {}, token });
      await settleInAct();
      expect(tokens.last).toMatchObject({ token, identity: 'bob', status: 'valid' });
    });

    it('destroys its manager on unmount, leaving no timer, listener or provider call', async () => {
      const { clock, wakeListeners } = fakeClock();
      const tokenProvider = providerOf(mintToken());
      const managers = probe(useAccessManager);
      const view = renderOwned(<managers.Probe />, { options: { tokenProvider, clock } });
      await settleInAct();
      const live = managers.last;

      view.unmount();
      await settleInAct();
      expect(vi.getTimerCount()).toBe(0);
      expect(wakeListeners.size).toBe(0);
      await expect(live.updateToken(mintToken())).rejects.toMatchObject({ reason: 'destroyed' });
      await vi.advanceTimersByTimeAsync(2 * 3600_000);
      expect(tokenProvider).toHaveBeenCalledTimes(1);
    });

    it('reads its options once: a new options object on each render makes no new manager', async () => {
      const tokenProvider = providerOf(mintToken());
      const managers = probe(useAccessManager);
      const view = renderOwned(<managers.Probe />, { options: { tokenProvider } }, false);
      await settleInAct();
      const live = managers.last;
      view.rerender(
        <AccessManagerProvider options={{ tokenProvider, aboutToExpireMs: 1 }}>
          <managers.Probe />
        </AccessManagerProvider>,
      );
      await settleInAct();
      expect(managers.last).toBe(live);
      expect(tokenProvider).toHaveBeenCalledTimes(1);
    });
  });

  describe('with the app’s manager', () => {
    it('hands it to the hooks and never destroys it', async () => {
      const manager = new AccessManager(mintToken());
      const managers = probe(useAccessManager);
      const view = renderWith(<managers.Probe />, manager);
      expect(new Set(managers.values)).toEqual(new Set([manager]));
      view.unmount();
      await settleInAct();
      await expect(manager.updateToken(mintToken({ ttl: 7200 }))).resolves.toBe(manager);
      manager.destroy();
    });

    it('leaves none of its listeners on the manager after unmount', async () => {
      const manager = new AccessManager(mintToken());
      const subscribe = manager.subscribe;
      let subscribed = 0;
      vi.spyOn(manager, 'subscribe').mockImplementation((run) => {
        subscribed += 1;
        const unsubscribe = subscribe(run);
        return () => {
          subscribed -= 1;
          unsubscribe();
        };
      });
      const tokens = probe(useAccessToken);
      const view = renderWith(<tokens.Probe />, manager);
      expect(subscribed).toBe(1); // the provider follows the manager's snapshot, and nothing else
      expect(manager.listenerCount('tokenUpdated')).toBe(0);
      view.unmount();
      expect(subscribed).toBe(0);
      expect(manager.listenerCount('tokenError')).toBe(0);
      manager.destroy();
    });
  });

  it('says what to wrap when a hook is used outside a provider', () => {
    const silence = vi.spyOn(console, 'error').mockImplementation(() => {});
    const orphan = probe(useAccessToken);
    let thrown: unknown;
    try {
      render(<orphan.Probe />);
    } catch (error) {
      thrown = error;
    }
    silence.mockRestore();
    expect(thrown).toBeInstanceOf(AccessTokenError);
    expect(thrown).toMatchObject({ reason: 'invalid-argument' });
    expect((thrown as Error).message).toMatch(
      /useAccessToken\(\) must be called under an <AccessManagerProvider.*wrap the app in one/,
    );
  });

  it('refuses to render with neither manager nor options', () => {
    const silence = vi.spyOn(console, 'error').mockImplementation(() => {});
    // @ts-expect-error -- one of the two is required
    expect(() => render(<AccessManagerProvider />)).toThrow(
      /<AccessManagerProvider> must be given manager=\{…\} or options=\{…\}, got neither/,
    );
    silence.mockRestore();
  });
});
