// @vitest-environment jsdom
import { describe, expect, it, vi } from 'vitest';
import {
  createApp,
  createSSRApp,
  defineAsyncComponent,
  defineComponent,
  h,
  hydrateOnInteraction,
  nextTick,
  shallowRef,
} from 'vue';
import { AccessManager } from 'access-token-manager';
import { renderToString } from 'vue/server-renderer';
import { provideAccessManager, useAccessToken, useClient } from 'access-token-manager/vue';
import { mintToken } from '../support/tokens.js';
import { useFakeTime } from '../support/time.js';
import { providerOf, settle } from './support.js';

useFakeTime();

/** What the page rendered, in order: `status identity client` once per render. */
let rendered: string[] = [];

/**
 * An app whose root provides what `provide` does (a manager made from options, with or without a
 * first token, or the app's own), and a page that shows the token and a client made from it.
 */
function makeApp(provide: () => void, create = createSSRApp) {
  const Page = defineComponent({
    setup() {
      const token = useAccessToken();
      const client = useClient((value) => ({ value, updateToken: () => {} }));
      return () => {
        const text = `${token.value.status} ${token.value.identity ?? 'nobody'} ${client.value ? 'client' : 'no client'}`;
        rendered.push(text);
        return h('p', text);
      };
    },
  });
  rendered = [];
  return create(
    defineComponent({
      setup() {
        provide();
        return () => h(Page);
      },
    }),
  );
}

/** A component that shows the token: `status identity`. */
const Status = defineComponent({
  setup() {
    const token = useAccessToken();
    return () => h('p', `${token.value.status} ${token.value.identity ?? 'nobody'}`);
  },
});

/**
 * Hydrates `html` with `app` in a fresh element.
 * @returns the element, and the warnings Vue gave and the errors it logged (a mismatch gives both).
 */
function hydrate(app: ReturnType<typeof createSSRApp>, html: string) {
  const container = document.createElement('div');
  container.innerHTML = html;
  const warnings: string[] = [];
  app.config.warnHandler = (message) => void warnings.push(message);
  const consoleError = vi.spyOn(console, 'error').mockImplementation(() => {});
  app.mount(container);
  return { container, warnings, errors: consoleError.mock.calls };
}

describe('hydration of a server-rendered page', () => {
  it('matches the server HTML, then the browser’s manager asks once and shows the token', async () => {
    const serverProvider = providerOf(mintToken());
    const html = await renderToString(makeApp(() => provideAccessManager({ tokenProvider: serverProvider })));
    expect(html).toBe('<p>empty nobody no client</p>');

    const browserProvider = providerOf(mintToken());
    const app = makeApp(() => provideAccessManager({ tokenProvider: browserProvider }));
    const { container, warnings, errors } = hydrate(app, html);
    await settle();

    expect(warnings).toEqual([]);
    expect(errors).toEqual([]);
    expect(container.textContent).toBe('valid alice client');
    expect(serverProvider).not.toHaveBeenCalled();
    expect(browserProvider).toHaveBeenCalledTimes(1);
    app.unmount();
  });

  it('hydrates a first token given with the options without a mismatch, then shows it', async () => {
    const token = mintToken();
    const html = await renderToString(makeApp(() => provideAccessManager({}, token)));
    expect(html).toBe('<p>empty nobody no client</p>');

    const app = makeApp(() => provideAccessManager({}, token));
    const { container, warnings, errors } = hydrate(app, html);
    await settle();

    expect(warnings).toEqual([]);
    expect(errors).toEqual([]);
    // Hydrated as the server rendered it, then the component renders the token once mounted.
    expect(rendered).toEqual(['empty nobody no client', 'valid alice client']);
    expect(container.textContent).toBe('valid alice client');
    app.unmount();
  });

  it("hydrates the app's own manager as the server rendered it, with no extra render", async () => {
    const server = new AccessManager(mintToken());
    const html = await renderToString(makeApp(() => provideAccessManager(server)));
    server.destroy();
    expect(html).toBe('<p>valid alice no client</p>');

    const browser = new AccessManager(mintToken());
    const app = makeApp(() => provideAccessManager(browser));
    const { container, warnings, errors } = hydrate(app, html);
    await settle();

    expect(warnings).toEqual([]);
    expect(errors).toEqual([]);
    expect(rendered).toEqual(['valid alice no client', 'valid alice client']);
    expect(container.textContent).toBe('valid alice client');
    app.unmount();
    browser.destroy();
  });
  it('hydrates a component that hydrates lazily (on interaction) without a mismatch, then shows the token', async () => {
    const token = mintToken();
    const Lazy = defineAsyncComponent({
      loader: async () => Status,
      hydrate: hydrateOnInteraction('click'),
    });
    const makeLazyApp = () =>
      createSSRApp(
        defineComponent({
          setup() {
            provideAccessManager({}, token);
            return () => h('div', [h(Lazy)]);
          },
        }),
      );
    const html = await renderToString(makeLazyApp());
    expect(html).toBe('<div><p>empty nobody</p></div>');

    const app = makeLazyApp();
    // In the page, as a real app's is: a lazily hydrated component hydrates after the app mounted.
    const { container, warnings, errors } = hydrate(app, html);
    document.body.append(container);
    await settle();
    container.querySelector('p')!.dispatchEvent(new MouseEvent('click', { bubbles: true }));
    await settle();

    expect(warnings).toEqual([]);
    expect(errors).toEqual([]);
    expect(container.textContent).toBe('valid alice');
    app.unmount();
    container.remove();
  });
});

describe('a client-only app (no hydration)', () => {
  it('renders a first token given with the options on its first render, with no empty one before', async () => {
    const app = makeApp(() => provideAccessManager({}, mintToken()), createApp);
    const container = document.createElement('div');
    app.mount(container);
    await settle();

    expect(rendered).toEqual(['valid alice no client', 'valid alice client']);
    expect(container.textContent).toBe('valid alice client');
    app.unmount();
  });

  it('renders a component mounted again from a cached vnode at once from the token, with no empty render', async () => {
    const statuses: string[] = [];
    const Page = defineComponent({
      setup() {
        const token = useAccessToken();
        return () => {
          statuses.push(token.value.status);
          return h('p', token.value.status);
        };
      },
    });
    const shown = shallowRef(true);
    const page = h(Page); // a vnode kept across renders, as v-once or a render function may keep it
    const app = createApp(
      defineComponent({
        setup() {
          provideAccessManager({}, mintToken());
          return () => h('div', [shown.value ? page : null]);
        },
      }),
    );
    app.mount(document.createElement('div'));

    shown.value = false;
    await nextTick();
    shown.value = true;
    await nextTick();
    await settle();

    expect(statuses).toEqual(['valid', 'valid']);
    app.unmount();
  });
});
