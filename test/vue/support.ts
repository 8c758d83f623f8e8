/**
 * Mounting helpers for the Vue suites: a root component that calls provideAccessManager in its
 * setup around a child, mounted into a fresh element (jsdom), and a probe that records what a
 * composable returned.
 */
import { createApp, defineComponent, h, nextTick, type Component } from 'vue';
import { vi } from 'vitest';
import type { AccessManager, AccessManagerOptions } from 'access-token-manager';
import { provideAccessManager } from 'access-token-manager/vue';

/** What provideAccessManager is given: the app's manager, or options (and a first token). */
export type Provided = AccessManager | { options: AccessManagerOptions; token?: string | null };

/**
 * Mounts `child` under a root whose setup calls provideAccessManager with `provided`.
 * @returns the root element, the manager provideAccessManager returned, the errors Vue handled,
 *   and `unmount`.
 */
export function mountUnder(child: Component, provided: Provided) {
  let manager: AccessManager | null = null;
  const Root = defineComponent({
    setup() {
      manager =
        'options' in provided
          ? provideAccessManager(provided.options, provided.token)
          : provideAccessManager(provided);
      return () => h(child);
    },
  });
  const errors: unknown[] = [];
  const app = createApp(Root);
  app.config.errorHandler = (error) => void errors.push(error);
  app.config.warnHandler = () => {};
  const element = document.createElement('div');
  app.mount(element);
  return {
    element,
    errors,
    get manager(): AccessManager {
      return manager!;
    },
    unmount: () => app.unmount(),
  };
}

/** A component that calls `composable` in its setup and keeps what it returned; renders `text`. */
export function probe<T>(composable: () => T, text: (value: T) => string = () => '') {
  let value: T | undefined;
  const Probe = defineComponent({
    setup() {
      value = composable();
      return () => h('p', text(value as T));
    },
  });
  return {
    Probe,
    get value(): T {
      return value as T;
    },
  };
}

/** Settles pending promises and Vue's rendering without moving the clock. */
export async function settle(): Promise<void> {
  await vi.advanceTimersByTimeAsync(0);
  await nextTick();
}

/** A tokenProvider that records its calls and answers with the tokens given, then the last one again. */
export function providerOf(...tokens: string[]) {
  let calls = 0;
  return vi.fn(async () => tokens[Math.min(calls++, tokens.length - 1)] as string);
}
