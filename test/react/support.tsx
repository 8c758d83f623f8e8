/**
 * Rendering helpers for the React suites: the provider around a component, in StrictMode or not,
 * a probe that records what a hook returned at each render, and `act` around the fake clock.
 */
import { StrictMode, type ReactNode } from 'react';
import { act, render } from '@testing-library/react';
import { vi } from 'vitest';
import { AccessManager, type AccessManagerOptions } from 'access-token-manager';
import { AccessManagerProvider } from 'access-token-manager/react';

/** Renders `ui` under a provider that owns its manager, in StrictMode unless `strict` is false. */
export function renderOwned(
  ui: ReactNode,
  props: { options: AccessManagerOptions; token?: string | null },
  strict = true,
) {
  const tree = <AccessManagerProvider {...props}>{ui}</AccessManagerProvider>;
  return render(strict ? <StrictMode>{tree}</StrictMode> : tree);
}

/** Renders `ui` under a provider given the app's `manager`, in StrictMode unless `strict` is false. */
export function renderWith(ui: ReactNode, manager: AccessManager, strict = true) {
  const tree = <AccessManagerProvider manager={manager}>{ui}</AccessManagerProvider>;
  return render(strict ? <StrictMode>{tree}</StrictMode> : tree);
}

/**
 * A component that calls `hook` and records each committed render's result. StrictMode's second
 * render of the same commit is not counted twice: React gives back the same value.
 */
export function probe<T>(hook: () => T) {
  const values: T[] = [];
  function Probe(): null {
    values.push(hook());
    return null;
  }
  return {
    values,
    Probe,
    get last(): T {
      return values[values.length - 1] as T;
    },
  };
}

/** Lets the fake clock run for `ms` inside `act`, settling promises and React's updates. */
export const advanceInAct = (ms: number) => act(() => vi.advanceTimersByTimeAsync(ms));

/** Settles pending promises and React's updates without moving the clock. */
export const settleInAct = () => advanceInAct(0);

/** A tokenProvider that records its calls and answers with the tokens given, then the last one again. */
export function providerOf(...tokens: Array<string | (() => string)>) {
  let calls = 0;
  const tokenProvider = vi.fn(async () => {
    const next = tokens[Math.min(calls, tokens.length - 1)];
    calls += 1;
    return typeof next === 'function' ? next() : (next as string);
  });
  return tokenProvider;
}
