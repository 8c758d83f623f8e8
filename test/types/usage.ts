// Type tests, checked by `tsc --noEmit` (never run): usages that must compile, and misuses,
// each under @ts-expect-error, that must not.
import {
  AccessManager,
  AccessTokenError,
  decodeAccessToken,
  fromEndpoint,
  type AccessManagerOptions,
  type TokenClient,
} from 'access-token-manager';
import { tabSharing } from 'access-token-manager/tabs';

declare const token: string;
declare const conversationsClient: { updateToken(token: string): Promise<unknown> };
declare const device: { updateToken(token: string): void };

const options: AccessManagerOptions = {
  aboutToExpireMs: 60_000,
  tokenProvider: async ({ reason, signal }) => {
    const kind: 'initial' | 'about-to-expire' | 'expired' | 'wake' | 'manual' | 'rejected' = reason;
    void kind;
    return (await fetch('/token', { signal })).text();
  },
  retry: { baseDelayMs: 500, maxDelayMs: 10_000 },
  shareAcrossTabs: tabSharing('my-app:alice'),
};
const manager = new AccessManager(token, options);

// `on` returns the manager, and each event's listener gets its own arguments.
manager
  .on('tokenUpdated', (m) => m.token?.length)
  .on('tokenAboutToExpire', (m: AccessManager) => m.expires?.getTime())
  .on('tokenError', (error, m) => [error.code, error.reason, error.remedy, m.identity])
  .on('clientError', (error: AccessTokenError, client: TokenClient) => [error.cause, client])
  .on('refreshFailed', (_error, { attempt, retryInMs }) => attempt + retryInMs);

const unregister: () => void = manager.register(conversationsClient, {
  requires: 'chat',
  name: 'conversations',
});
manager.register(device, { requires: ['voice', 'identity'] });
unregister();

const updated: Promise<AccessManager> = manager.updateToken(token);
const refreshed: Promise<string> = manager.refresh();
void updated;
void refreshed;

const { identity, grantNames, expires } = decodeAccessToken(token, { nowMs: Date.now() });
void [identity, grantNames, expires.toISOString()];

// fromEndpoint: a provider from a URL, with fetch's options (or a function that returns them) and select.
new AccessManager(null, { tokenProvider: fromEndpoint('/token') });
new AccessManager(null, {
  tokenProvider: fromEndpoint(new URL('https://tokens.example.com/token'), {
    init: { credentials: 'include', headers: { 'X-CSRF-Token': 'abc' } },
    select: (body) => (body as { jwt: string }).jwt,
  }),
});
fromEndpoint('/token', { init: async () => ({ headers: { Authorization: `Bearer ${token}` } }) });
// A provider of its own says the session is over with a typed reason.
const ended: AccessTokenError = new AccessTokenError('session-ended', { status: 401 });
void ended;

// Misuses.
// @ts-expect-error: no such event
manager.on('tokenRefreshed', () => {});
// @ts-expect-error: tokenError's first argument is an AccessTokenError, not a string
manager.on('tokenError', (error: string) => error);
// @ts-expect-error: a client needs updateToken
manager.register({ update: () => {} });
// @ts-expect-error: durations are numbers of milliseconds
new AccessManager(token, { aboutToExpireMs: '3 minutes' });
// @ts-expect-error: the provider must return a token string
new AccessManager(null, { tokenProvider: async () => ({ token }) });
// @ts-expect-error: the manager's token is read-only
manager.token = token;
// @ts-expect-error: the URL is a string or a URL, not an object holding one
fromEndpoint({ url: '/token' });
// @ts-expect-error: init is fetch's options, not a method name
fromEndpoint('/token', { init: 'POST' });
// @ts-expect-error: no such reason
new AccessTokenError('signed-off');
