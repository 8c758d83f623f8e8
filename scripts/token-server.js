// The demo's token server: mints real Twilio access tokens with the official helper library.
// Demo credentials are the embedded default (tokens that decode and validate, but that Twilio
// itself would refuse); real ones come from the environment.
import twilio from 'twilio';

const { AccessToken } = twilio.jwt;

const DEMO = {
  accountSid: 'AC' + '00000000000000000000000000000000'.replace(/0/g, 'd'),
  apiKeySid: 'SK' + '00000000000000000000000000000000'.replace(/0/g, 'e'),
  apiKeySecret: 'demo-secret-not-for-production',
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
 * Mints a token with Conversations (chat) and Voice grants.
 * @param {{ identity: string, ttlSeconds: number }} request
 */
export function mintDemoToken({ identity, ttlSeconds }, creds = credentials()) {
  const token = new AccessToken(creds.accountSid, creds.apiKeySid, creds.apiKeySecret, {
    identity,
    ttl: ttlSeconds,
  });
  token.addGrant(
    new AccessToken.ChatGrant({
      serviceSid: process.env.TWILIO_CONVERSATIONS_SERVICE_SID ?? 'IS' + 'a'.repeat(32),
    }),
  );
  token.addGrant(
    new AccessToken.VoiceGrant({
      outgoingApplicationSid: process.env.TWILIO_TWIML_APP_SID ?? 'AP' + 'b'.repeat(32),
      incomingAllow: true,
    }),
  );
  return token.toJwt();
}
