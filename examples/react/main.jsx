// The React example: one AccessManager owned by <AccessManagerProvider>, kept alive by a token
// provider that calls `npm start`'s token server. Rendered in StrictMode: still one manager and
// one token request (the token server's count is on the page).
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { AccessManagerProvider } from 'access-token-manager/react';
import { App } from './App.jsx';
import { record } from './activity.js';

// ?ttl=…&aboutToExpireMs=…&identity=… change the defaults: a 3-minute token, warned about and
// refreshed a minute before it expires.
const params = new URLSearchParams(location.search);
const ttlSeconds = Number(params.get('ttl') ?? 180);
const aboutToExpireMs = Number(params.get('aboutToExpireMs') ?? 60_000);
const identity = params.get('identity') ?? 'react_user';

async function tokenProvider({ reason, signal }) {
  record('asked', `tokenProvider asked (reason: ${reason})`, { reason });
  const query = new URLSearchParams({ identity, ttl: String(ttlSeconds) });
  const response = await fetch(`/token?${query}`, { signal, cache: 'no-store' });
  if (!response.ok) throw new Error(`token server answered ${response.status}`);
  return (await response.json()).token;
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
