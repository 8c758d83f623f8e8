// @vitest-environment node
import { describe, expect, it, vi } from 'vitest';
import { createSSRApp, defineComponent, h } from 'vue';
import { renderToString } from 'vue/server-renderer';
import { AccessManager } from 'access-token-manager';
import { tabSharing } from 'access-token-manager/tabs';
import {
  provideAccessManager,
  useAccessManager,
  useAccessManagerEvent,
  useAccessToken,
  useClient,
  useRegisterClient,
} from 'access-token-manager/vue';
import { mintToken } from '../support/tokens.js';
import { forbidBrowserGlobals } from '../support/ssr.js';
import { useFakeTime } from '../support/time.js';

useFakeTime();

/** The managers useAccessManager() returned. */
const seen: AccessManager[] = [];

/** A component that uses every composable of the entry. */
const Page = defineComponent({
  setup() {
    const manager = useAccessManager();
    seen.push(manager);
    const token = useAccessToken();
    useAccessManagerEvent('tokenUpdated', () => {});
    useRegisterClient({ updateToken: () => {} });
    const client = useClient((value) => ({ value, updateToken: () => {} }));
    return () =>
      h(
        'p',
        `${token.value.status} ${token.value.identity ?? 'nobody'} ` +
          `${manager.token === null ? 'no token' : 'token'} ${client.value ? 'client' : 'no client'}`,
      );
  },
});

/** An SSR app whose root calls provideAccessManager with what `provide` does. */
function appProviding(provide: () => void) {
  return createSSRApp(
    defineComponent({
      setup() {
        provide();
        return () => h(Page);
      },
    }),
  );
}

describe('server rendering (vue/server-renderer)', () => {
  it('renders status empty from options, with no timer, no provider call and no browser global', async () => {
    const tokenProvider = vi.fn(async () => mintToken());
    const app = appProviding(() =>
      provideAccessManager({ tokenProvider, shareAcrossTabs: tabSharing('app:alice') }, mintToken()),
    );
    const touched = forbidBrowserGlobals();

    const html = await renderToString(app);
    await vi.advanceTimersByTimeAsync(60_000);

    expect(html).toBe('<p>empty nobody no token no client</p>');
    expect(vi.getTimerCount()).toBe(0);
    expect(tokenProvider).not.toHaveBeenCalled();
    expect(touched).toEqual([]);
    // useAccessManager() gave an idle stand-in, not a manager made from the options.
    const idle = seen.at(-1)!;
    expect(idle.token).toBeNull();
    await expect(idle.refresh()).rejects.toMatchObject({ reason: 'no-token-provider' });
  });

  it("renders the app's manager as it stands, subscribing, listening and registering nothing", async () => {
    const manager = new AccessManager(mintToken());
    const register = vi.spyOn(manager, 'register');
    const subscribe = vi.spyOn(manager, 'subscribe');
    const on = vi.spyOn(manager, 'on');
    const app = appProviding(() => provideAccessManager(manager));

    const html = await renderToString(app);

    expect(html).toBe('<p>valid alice token no client</p>');
    expect(register).not.toHaveBeenCalled();
    expect(subscribe).not.toHaveBeenCalled();
    expect(on).not.toHaveBeenCalled();
    manager.destroy();
  });
});
