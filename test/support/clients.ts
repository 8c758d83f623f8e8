/** Token clients for the vitest suites. */
import { vi } from 'vitest';
import type { TokenClient } from 'access-token-manager';

/** A client that records the tokens it is handed and takes each at once. */
export function recordingClient() {
  const tokens: string[] = [];
  const client = { tokens, updateToken: vi.fn((token: string) => void tokens.push(token)) };
  return client satisfies TokenClient;
}
