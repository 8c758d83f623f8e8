/** Token clients for the vitest suites. */
import { vi } from 'vitest';
import type { TokenClient, TokenClientHost } from 'access-token-manager';
import { SECOND } from './time.js';
import { mintToken } from './tokens.js';

/** A client that records the tokens it is handed and takes each at once. */
export function recordingClient() {
  const tokens: string[] = [];
  const client = { tokens, updateToken: vi.fn((token: string) => void tokens.push(token)) };
  return client satisfies TokenClient;
}

/** A stand-in SDK client for the framework hooks' useClient: made from a token, takes new ones, and can be shut down. */
export class FakeSdkClient {
  readonly tokens: string[];
  shutDown = false;
  constructor(token: string) {
    this.tokens = [token];
  }
  updateToken(token: string): void {
    this.tokens.push(token);
  }
  shutdown(): void {
    this.shutDown = true;
  }
}

/** A client whose attach keeps the host it was given, as an adapter of access-token-manager/sdks does. */
export function hostedClient(options: { requires?: 'voice' } = {}) {
  const state: { host: TokenClientHost | null } = { host: null };
  const client = {
    ...recordingClient(),
    ...options,
    attach: (host: TokenClientHost) => {
      state.host = host;
      return () => {};
    },
  };
  return { client, state };
}

/** A new token, a second later than the last one (two tokens minted in one second are equal). */
export const nextToken = (options: Parameters<typeof mintToken>[0] = {}): string => {
  vi.advanceTimersByTime(SECOND);
  return mintToken(options);
};
