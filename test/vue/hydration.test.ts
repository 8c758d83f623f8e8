// @vitest-environment jsdom
import { describe, expect, it, vi } from 'vitest';
import { createSSRApp, defineComponent, h } from 'vue';
import { renderToString } from 'vue/server-renderer';
import { provideAccessManager, useAccessToken, useClient } from 'access-token-manager/vue';
import { mintToken } from '../support/tokens.js';
import { useFakeTime } from '../support/time.js';
import { providerOf, settle } from './support.js';

useFakeTime();

/** An app whose root provides a manager made from `tokenProvider`, and a page that shows it. */
function makeApp(tokenProvider: () => Promise<string>) {
  const Page = defineComponent({
    setup() {
      const token = useAccessToken();
      const client = useClient((value) => ({ value, updateToken: () => {} }));
      return () =>
        h(
          'p',
          `${token.value.status} ${token.value.identity ?? 'nobody'} ${client.value ? 'client' : 'no client'}`,
        );
    },
  });
  return createSSRApp(
    defineComponent({
      setup() {
        provideAccessManager({ tokenProvider });
        return () => h(Page);
      },
    }),
  );
}

describe('hydration of a server-rendered page', () => {
  it('matches the server HTML, then the browser’s manager asks once and shows the token', async () => {
    const serverProvider = providerOf(mintToken());
    const html = await renderToString(makeApp(serverProvider));
    expect(html).toBe('<p>empty nobody no client</p>');

    const container = document.createElement('div');
    container.innerHTML = html;
    const browserProvider = providerOf(mintToken());
    const app = makeApp(browserProvider);
    const warnings: string[] = [];
    app.config.warnHandler = (message) => void warnings.push(message);
    const consoleError = vi.spyOn(console, 'error').mockImplementation(() => {});
    app.mount(container);
    await settle();

    expect(warnings).toEqual([]);
    expect(consoleError).not.toHaveBeenCalled();
    expect(container.textContent).toBe('valid alice client');
    expect(serverProvider).not.toHaveBeenCalled();
    expect(browserProvider).toHaveBeenCalledTimes(1);
    app.unmount();
  });
});
