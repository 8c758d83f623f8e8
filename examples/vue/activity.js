// The example's record of what happened: the token provider's calls (made outside Vue) and the
// manager's events, in order. A reactive array: the components that show it render again on each entry.
import { shallowReactive } from 'vue';

/** Every entry `{ id, kind, text, atMs }` so far, oldest first. */
export const entries = shallowReactive([]);

/** Adds an entry at the current time. */
export function record(kind, text) {
  entries.push({ id: entries.length, kind, text, atMs: Date.now() });
}

/** A time of day, as the log shows it. */
export const time = (ms) => new Date(ms).toLocaleTimeString();
