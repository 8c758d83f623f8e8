// The React example: one AccessManager owned by <AccessManagerProvider>, kept alive by a token
// provider (fromEndpoint) that calls `npm start`'s token server. Rendered in StrictMode: still one
// manager and one token request (the token server's count is on the page).
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { fromEndpoint } from 'access-token-manager';
import { AccessManagerProvider } from 'access-token-manager/react';
import { App } from './App.jsx';
import { record } from './activity.js';

// ?ttl=…&aboutToExpireMs=…&identity=… change the defaults: a 3-minute token, warned about and
// refreshed a minute before it expires.
const params = new URLSearchParams(location.search);
const ttlSeconds = Number(params.get('ttl') ?? 180);
const aboutToExpireMs = Number(params.get('aboutToExpireMs') ?? 60_000);
const identity = params.get('identity') ?? 'react_user';

// Reads { token } from the answer; a 401 (after "Sign out") ends the session: no retries until
// "Sign in again" calls refresh().
const fetchToken = fromEndpoint(`/token?${new URLSearchParams({ identity, ttl: String(ttlSeconds) })}`);

function tokenProvider(context) {
  record('asked', `tokenProvider asked (reason: ${context.reason})`, { reason: context.reason });
  return fetchToken(context);
}

// Read once, when the provider mounts: a new object on each render would be ignored anyway.
const options = { tokenProvider, aboutToExpireMs };

createRoot(document.getElementById('root')).render(
  <StrictMode>
    <AccessManagerProvider options={options}>
      <App aboutToExpireMs={aboutToExpireMs} ttlSeconds={ttlSeconds} />
    </AccessManagerProvider>
  </StrictMode>,
);
