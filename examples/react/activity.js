// The example's record of what happened: the token provider's calls (made outside React) and the
// manager's events, in order. A tiny external store, read with useSyncExternalStore.
import { useSyncExternalStore } from 'react';

let entries = [];
const listeners = new Set();

/** Adds an entry `{ kind, text, atMs, ...details }` at the current time. */
export function record(kind, text, details = {}) {
  entries = [...entries, { id: entries.length, kind, text, atMs: Date.now(), ...details }];
  for (const listener of listeners) listener();
}

const subscribe = (listener) => {
  listeners.add(listener);
  return () => listeners.delete(listener);
};

/** Every entry so far, oldest first; a new array only when one is added. */
export const useActivity = () => useSyncExternalStore(subscribe, () => entries);
