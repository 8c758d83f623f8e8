// app/api/token/route.ts: mints the token (the Node and the edge runtime alike)
import { createTokenHandler } from 'access-token-manager/server';

export const GET = createTokenHandler({
  accountSid: process.env.TWILIO_ACCOUNT_SID!, // AC…
  apiKeySid: process.env.TWILIO_API_KEY!, // SK…
  apiKeySecret: process.env.TWILIO_API_SECRET!,
  ttl: 3600, // in seconds (this is the default); 86400 at most
  authorize: async (request) => {
    const session = await getSession(request); // your sign-in, from its cookie
    if (!session) return null; // 401: fromEndpoint reads it as 'session-ended'
    return {
      identity: session.userId,
      grants: {
        conversations: { serviceSid: process.env.TWILIO_CONVERSATIONS_SERVICE_SID },
        voice: { incomingAllow: true, outgoingApplicationSid: process.env.TWILIO_TWIML_APP_SID },
      },
    };
  },
});
