// Type tests of access-token-manager/server, checked by `tsc --noEmit` (never run): usages that
// must compile, and misuses, each under @ts-expect-error, that must not.
import { createServer } from 'node:http';
import express from 'express';
import {
  createTokenHandler,
  toNodeHandler,
  type NodeRequestContext,
  type TokenHandler,
} from 'access-token-manager/server';

const credentials = { accountSid: 'AC…', apiKeySid: 'SK…', apiKeySecret: '…' };
type SignedIn = express.Request & { user?: { id: string } };

// authorize reaches what the app's middleware put on req, typed; any falsy answer is nobody.
const expressHandler = createTokenHandler<NodeRequestContext<SignedIn>>({
  ...credentials,
  authorize: (_request, { req }) => req.user && { identity: req.user.id, grants: { video: {} } },
});
express().all('/api/token', toNodeHandler(expressHandler, { trustProxy: true }));

// node:http, and a Fetch-API handler's context left unused.
const plain: TokenHandler = createTokenHandler({ ...credentials, authorize: () => null });
createServer(toNodeHandler(plain));

// CORS and the TaskRouter grant.
createTokenHandler({
  ...credentials,
  cors: { origins: async (origin) => origin.endsWith('.example.com'), credentials: true },
  authorize: () => ({
    identity: 'alice',
    grants: { taskRouter: { workspaceSid: 'WS…', workerSid: 'WK…', role: 'worker' } },
  }),
});

createTokenHandler<NodeRequestContext<SignedIn>>({
  ...credentials,
  // @ts-expect-error: req has no such field
  authorize: (_request, { req }) => (req.nobody ? null : null),
});
createTokenHandler({
  ...credentials,
  // @ts-expect-error: a TaskRouter grant needs its Worker SID
  authorize: () => ({ identity: 'a', grants: { taskRouter: { workspaceSid: 'WS…' } } }),
});
// @ts-expect-error: origins is a list or a function, not one string
createTokenHandler({ ...credentials, cors: { origins: 'https://app.example.com' }, authorize: () => null });
