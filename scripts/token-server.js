// The demo's token route: access-token-manager/server's createTokenHandler, as an app would use it
// (the demo dogfoods the entry). Demo credentials are the embedded default (tokens that decode and
// validate, but that Twilio itself would refuse); real ones come from the environment.
import { createTokenHandler } from 'access-token-manager/server';

const DEMO = {
  accountSid: 'AC' + 'd'.repeat(32),
  apiKeySid: 'SK' + 'e'.repeat(32),
  // The shape of a real secret (32 letters and digits), which the handler checks.
  apiKeySecret: 'demoSecretNotForProductionUse000',
};

/** The credentials in use: TWILIO_ACCOUNT_SID, TWILIO_API_KEY and TWILIO_API_SECRET, or the demo ones. */
export function credentials(env = process.env) {
  const { TWILIO_ACCOUNT_SID, TWILIO_API_KEY, TWILIO_API_SECRET } = env;
  if (TWILIO_ACCOUNT_SID && TWILIO_API_KEY && TWILIO_API_SECRET) {
    return {
      accountSid: TWILIO_ACCOUNT_SID,
      apiKeySid: TWILIO_API_KEY,
      apiKeySecret: TWILIO_API_SECRET,
      demo: false,
    };
  }
  return { ...DEMO, demo: true };
}

/**
 * The demo's handler: tokens with Conversations (chat) and Voice grants. The demo has no sign-in,
 * so its authorize takes the identity and the ttl from the query string (`?identity=…&ttl=…`): a
 * demo only. An app's authorize reads the identity from its own session, never from the request.
 * Its one session is `isSignedIn()` (the demo's sign-out button): signed out, authorize returns
 * null and the handler answers the 401, as an app's does once its session cookie is gone.
 * A wrong TWILIO_* value throws here, when the server starts, with its remedy.
 * @param {ReturnType<typeof credentials>} [creds]
 * @param {Record<string, string | undefined>} [env]
 * @param {{ isSignedIn?: () => boolean }} [session]
 */
export function createDemoTokenHandler(
  creds = credentials(),
  env = process.env,
  { isSignedIn = () => true } = {},
) {
  const { accountSid, apiKeySid, apiKeySecret } = creds;
  return createTokenHandler({
    accountSid,
    apiKeySid,
    apiKeySecret,
    authorize: (request) => {
      if (!isSignedIn()) return null;
      const query = new URL(request.url).searchParams;
      const ttl = Math.min(Math.max(Number(query.get('ttl') ?? 3600) || 3600, 180), 86_400);
      return {
        identity: (query.get('identity') || 'demo_user').replace(/[^\w]/g, '_').slice(0, 64),
        ttl: Math.round(ttl),
        grants: {
          conversations: { serviceSid: env.TWILIO_CONVERSATIONS_SERVICE_SID ?? 'IS' + 'a'.repeat(32) },
          voice: {
            outgoingApplicationSid: env.TWILIO_TWIML_APP_SID ?? 'AP' + 'b'.repeat(32),
            incomingAllow: true,
          },
        },
      };
    },
  });
}
