'use client';
// lib/accessManager.ts: without the React provider, the page's one manager, made in the browser.
import { AccessManager, fromEndpoint } from 'access-token-manager';

let manager: AccessManager | undefined;

/** The manager, made on first use in the browser; `null` while the server renders. */
export function getAccessManager(): AccessManager | null {
  if (typeof window === 'undefined') return null;
  return (manager ??= new AccessManager(null, { tokenProvider: fromEndpoint('/api/token') }));
}
