import { createContext, useContext, useEffect, useLayoutEffect } from 'react';
import { AccessTokenError } from 'access-token-manager';
import type { ManagerStore } from './store';

/** The store of the nearest {@link AccessManagerProvider}. */
export const ManagerContext = createContext<ManagerStore | null>(null);

/**
 * The store of the nearest provider.
 * @param hook - the calling hook's name, for the error.
 * @throws `AccessTokenError` (`invalid-argument`) outside a provider, naming what to wrap.
 */
export function useManagerStore(hook: string): ManagerStore {
  const store = useContext(ManagerContext);
  if (store === null) {
    throw new AccessTokenError('invalid-argument', {
      field: `${hook}()`,
      expected: 'called under an <AccessManagerProvider manager={…}> or <AccessManagerProvider options={…}>',
      received: 'none above this component: wrap the app in one',
    });
  }
  return store;
}

/**
 * `useLayoutEffect` in the browser, `useEffect` on the server (where neither runs, and React 18
 * would warn about the first). `typeof document` reads no browser global.
 */
export const useBrowserLayoutEffect = typeof document === 'undefined' ? useEffect : useLayoutEffect;
