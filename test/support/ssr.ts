// Server rendering as a server sees it: no browser global at all.
import { vi } from 'vitest';

const BROWSER_GLOBALS = [
  'window',
  'document',
  'navigator',
  'addEventListener',
  'BroadcastChannel',
  'localStorage',
];

/**
 * Makes every browser global read as undefined, as on a server, and records who reads one.
 * @returns the names read, in order, for the test to expect none.
 */
export function forbidBrowserGlobals(): string[] {
  const touched: string[] = [];
  for (const name of BROWSER_GLOBALS) {
    vi.stubGlobal(name, undefined);
    Object.defineProperty(globalThis, name, {
      configurable: true,
      get() {
        touched.push(name);
        return undefined;
      },
    });
  }
  return touched;
}
