import { createElement, useMemo, useRef, type ReactNode } from 'react';
import { AccessManager, AccessTokenError, type AccessManagerOptions } from 'access-token-manager';
import { ManagerContext, useBrowserLayoutEffect } from './context';
import { ManagerStore } from './store';

/**
 * The props of {@link AccessManagerProvider}: the app's `manager`, or the `options` (and an
 * optional first `token`) of a manager the provider creates and owns.
 *
 * @example
 * const props: AccessManagerProviderProps = { options: { tokenProvider }, children: <App /> };
 */
export type AccessManagerProviderProps =
  | {
      /** A manager the app created and destroys itself; the provider never destroys it. */
      manager: AccessManager;
      /** Not with `manager`. */
      options?: never;
      /** Not with `manager`. */
      token?: never;
      /** The components that use the manager. */
      children?: ReactNode;
    }
  | {
      /** Not with `options`. */
      manager?: never;
      /**
       * The options of the manager the provider creates when it mounts and destroys when it
       * unmounts. Read once, at mount: to start over with others, change the provider's `key`.
       */
      options: AccessManagerOptions;
      /** The first token, if the app already has one (read once, at mount). */
      token?: string | null;
      /** The components that use the manager. */
      children?: ReactNode;
    };

/**
 * Gives the components under it an {@link AccessManager}: the app's (`manager`), or one it owns
 * (`options`, plus an optional `token`).
 *
 * An owned manager is created when the provider mounts, never during a render: a render may be
 * thrown away (StrictMode renders twice and runs `useState` initialisers twice, concurrent React
 * abandons renders, the server never mounts), and a manager made there would be left with its
 * wake listeners and its provider call. StrictMode's simulated unmount and remount keep the same
 * manager, so there is exactly one alive, and one provider call; a real unmount destroys it.
 * Until it exists (the first render, server rendering), {@link useAccessManager} returns an idle
 * manager and {@link useAccessToken} `status: 'empty'`; the hooks' effects see the live one.
 *
 * @example
 * <AccessManagerProvider options={{ tokenProvider: fromEndpoint('/token') }}>
 *   <App />
 * </AccessManagerProvider>
 * @example
 * const manager = new AccessManager(null, { tokenProvider }); // the app's own, shared with non-React code
 * root.render(<AccessManagerProvider manager={manager}><App /></AccessManagerProvider>);
 */
export function AccessManagerProvider(props: AccessManagerProviderProps): ReactNode {
  const { manager, options, token } = props;
  if (manager === undefined && (options === undefined || options === null)) {
    throw new AccessTokenError('invalid-argument', {
      field: '<AccessManagerProvider>',
      expected: 'given manager={…} or options={…}',
      received: 'neither',
    });
  }
  // The store of an owned manager lives as long as the provider (a ref, never recomputed: a new
  // store would make a new manager), and reads the options of the first render only. The app's
  // manager gets a store of its own, recomputed only when the app passes another manager.
  const owned = useRef<ManagerStore | null>(null);
  if (manager === undefined) {
    owned.current ??= new ManagerStore(null, () => new AccessManager(token ?? null, options));
  }
  const given = useMemo(() => (manager === undefined ? null : new ManagerStore(manager, null)), [manager]);
  const store = given ?? owned.current!;
  // A layout effect: it runs before every passive effect of the tree, so the hooks' effects find
  // the live manager on their first run.
  useBrowserLayoutEffect(() => store.mount(), [store]);
  return createElement(ManagerContext.Provider, { value: store }, props.children);
}
