// Credentials and requests for the suites of access-token-manager/server. The secret has the shape
// of a real API key secret (32 letters and digits), which the handler insists on.
import type { TokenHandlerOptions } from 'access-token-manager/server';

export const ACCOUNT_SID = 'AC' + '0123456789abcdef'.repeat(2);
export const API_KEY_SID = 'SK' + 'fedcba9876543210'.repeat(2);
export const API_KEY_SECRET = 'Qm9vdHN0cmFwU2VjcmV0Rm9yVGVzdHMx';
export const CONVERSATIONS_SERVICE_SID = 'IS' + '1'.repeat(32);
export const SYNC_SERVICE_SID = 'IS' + '2'.repeat(32);
export const TWIML_APP_SID = 'AP' + '3'.repeat(32);
export const PUSH_CREDENTIAL_SID = 'CR' + '4'.repeat(32);

/** Options that pass every check, with an authorize that signs in alice; override any of them. */
export function options(
  overrides: Partial<Record<keyof TokenHandlerOptions, unknown>> = {},
): TokenHandlerOptions {
  return {
    accountSid: ACCOUNT_SID,
    apiKeySid: API_KEY_SID,
    apiKeySecret: API_KEY_SECRET,
    authorize: () => ({
      identity: 'alice',
      grants: { conversations: { serviceSid: CONVERSATIONS_SERVICE_SID } },
    }),
    onError: () => {},
    ...overrides,
  } as TokenHandlerOptions;
}

/** A request to the token route, as a browser's fetch('/token') sends it. */
export const tokenRequest = (init: RequestInit = {}, path = '/api/token'): Request =>
  new Request(`https://app.example${path}`, init);

/** The claims of a JWT, decoded without any check, to compare minted tokens claim by claim. */
export function claimsOf(token: string): { header: unknown; payload: Record<string, unknown> } {
  const [header = '', payload = ''] = token.split('.');
  const decode = (part: string): unknown => JSON.parse(Buffer.from(part, 'base64url').toString('utf8'));
  return { header: decode(header), payload: decode(payload) as Record<string, unknown> };
}
