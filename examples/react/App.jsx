// The page: the token's status with a live countdown, the controls, a simulated Conversations
// client and Voice device made by useClient through their adapters, the timeline of each token's life, and the event log.
import { useState } from 'react';
import {
  useAccessManager,
  useAccessManagerEvent,
  useAccessToken,
  useClient,
} from 'access-token-manager/react';
import { conversations, voice } from 'access-token-manager/sdks';
import { record, useActivity } from './activity.js';
import { Timeline } from './Timeline.jsx';
import { useNow } from './useNow.js';

const time = (ms) => new Date(ms).toLocaleTimeString();

function Countdown({ expires }) {
  const nowMs = useNow();
  if (!expires) return '–';
  const leftSeconds = Math.max(0, Math.round((expires.getTime() - nowMs) / 1000));
  return `${Math.floor(leftSeconds / 60)}:${String(leftSeconds % 60).padStart(2, '0')}`;
}

function Status() {
  const { identity, expires, status, error } = useAccessToken();
  return (
    <dl className="status">
      <dt>Identity</dt>
      <dd id="identity">{identity ?? '–'}</dd>
      <dt>Status</dt>
      <dd>
        <span id="status" className={`badge ${status}`}>
          {status}
        </span>
        {status === 'sessionEnded' && (
          <p id="session-ended" className="error">
            The session is over (the token server answered {error?.facts.status}): nothing is retried until
            you sign in again, and the token held works until it expires.
          </p>
        )}
      </dd>
      <dt>Expires in</dt>
      <dd id="countdown" data-expires-ms={expires?.getTime() ?? ''}>
        <Countdown expires={expires} />
      </dd>
      <dt>Last error</dt>
      <dd id="error" className={error ? 'error' : ''}>
        {error
          ? `${error.reason}${error.code ? ` (${error.code})` : ''}: ${error.cause?.message ?? error.message}`
          : '–'}
      </dd>
    </dl>
  );
}

function Controls() {
  const manager = useAccessManager();
  const [served, setServed] = useState(null);
  const readStats = () =>
    fetch('/stats')
      .then((response) => response.json())
      .then(({ tokensMinted }) => setServed(tokensMinted))
      .catch(() => {});
  useAccessManagerEvent('tokenUpdated', readStats);
  return (
    <div className="controls">
      <button id="refresh" onClick={() => manager.refresh().catch(() => {})}>
        Refresh now
      </button>
      <button
        id="fail"
        onClick={() =>
          fetch('/fail?count=3', { method: 'POST' }).then(() =>
            record('note', 'The token server will fail its next 3 requests'),
          )
        }
      >
        Make the token server fail 3 times
      </button>
      <button
        id="sign-out"
        onClick={() =>
          fetch('/sign-out', { method: 'POST' }).then(() =>
            record('note', 'Signed out: the token server answers 401 from now on'),
          )
        }
      >
        Sign out
      </button>
      <button
        id="sign-in"
        onClick={() =>
          fetch('/sign-in', { method: 'POST' }).then(() => {
            record('note', 'Signed in again: refresh() resumes');
            return manager.refresh().catch(() => {});
          })
        }
      >
        Sign in again
      </button>
      <span className="muted">
        Tokens served: <span id="served">{served ?? '–'}</span>
      </span>
    </div>
  );
}

/** The few lines of an SDK's event emitter that the adapters use: on, removeListener, emit. */
class Emitter {
  #listeners = new Map();
  on(event, listener) {
    this.#listeners.set(event, [...(this.#listeners.get(event) ?? []), listener]);
    return this;
  }
  removeListener(event, listener) {
    this.#listeners.set(
      event,
      (this.#listeners.get(event) ?? []).filter((other) => other !== listener),
    );
    return this;
  }
  emit(event, ...args) {
    for (const listener of this.#listeners.get(event) ?? []) listener(...args);
  }
}

/**
 * Stands in for a Twilio Conversations Client (no Twilio account needed): what the
 * `conversations` adapter reads of it, a connected socket that takes each new token.
 */
class SimulatedConversationsClient extends Emitter {
  connectionState = 'connected';
  constructor(token) {
    super();
    this.tokens = [token];
    record('client', 'Conversations client created with the first token');
  }
  async updateToken(token) {
    this.tokens.push(token);
    record('client', 'Conversations client took the new token');
  }
  async shutdown() {
    this.connectionState = 'disconnected';
    record('client', 'Conversations client shut down');
  }
}

/** Stands in for a Twilio Voice Device: what the `voice` adapter reads of it. */
class SimulatedDevice extends Emitter {
  state = 'registered';
  constructor(token) {
    super();
    this.token = token;
    this.tokens = [token];
    record('client', 'Voice device created with the first token');
  }
  updateToken(token) {
    this.token = token;
    this.tokens.push(token);
    record('client', 'Voice device took the new token');
  }
  destroy() {
    this.state = 'destroyed';
    this.emit('destroyed');
    record('client', 'Voice device destroyed');
  }
}

const tokensSoFar = (client) =>
  `${client.tokens.length} token${client.tokens.length === 1 ? '' : 's'} so far`;

/**
 * The two SDK clients, as an app makes them: `useClient` creates each once there is a token,
 * registers it through its adapter (the SDK's grant, its server's warnings and refusals), and
 * disposes of it on unmount. A real app passes `new Client(token)` and `new Device(token)`.
 */
function Clients() {
  const chat = useClient((token) => new SimulatedConversationsClient(token), {
    adapter: conversations,
    dispose: (client) => client.shutdown(),
  });
  const device = useClient((token) => new SimulatedDevice(token), {
    adapter: voice,
    dispose: (d) => d.destroy(),
  });
  useActivity(); // renders again when a client logs a token
  return (
    <>
      <p id="conversations" className="muted">
        {chat
          ? `Conversations client (useClient, adapter: conversations): ${tokensSoFar(chat)}`
          : 'Conversations client: waiting for the first token'}
      </p>
      <p id="device" className="muted">
        {device
          ? `Voice device (useClient, adapter: voice): ${tokensSoFar(device)}`
          : 'Voice device: waiting for the first token'}
      </p>
    </>
  );
}

/** Puts every manager event in the activity record. */
function EventRecorder() {
  useAccessManagerEvent('tokenUpdated', (manager) =>
    record('tokenUpdated', `tokenUpdated: ${manager.identity}, expires ${time(manager.expires)}`, {
      token: manager.token,
      expiresMs: manager.expires.getTime(),
    }),
  );
  useAccessManagerEvent('tokenAboutToExpire', () => record('tokenAboutToExpire', 'tokenAboutToExpire'));
  useAccessManagerEvent('tokenExpired', () => record('tokenExpired', 'tokenExpired'));
  useAccessManagerEvent('tokenError', (error) =>
    record('tokenError', `tokenError ${error.code} ${error.reason}: ${error.message}`),
  );
  useAccessManagerEvent('clientError', (error) =>
    record('clientError', `clientError ${error.reason}: ${error.message}`),
  );
  useAccessManagerEvent('refreshFailed', (error, { attempt, retryInMs }) =>
    record(
      'refreshFailed',
      `refreshFailed (attempt ${attempt}, retry in ${(retryInMs / 1000).toFixed(1)} s): ${error.cause?.message ?? error.message}`,
    ),
  );
  return null;
}

function Log() {
  const entries = useActivity();
  return (
    <ol id="log" reversed>
      {[...entries].reverse().map((entry) => (
        <li key={entry.id} className={entry.kind}>
          <time>{time(entry.atMs)}</time> {entry.text}
        </li>
      ))}
    </ol>
  );
}

export function App({ aboutToExpireMs, ttlSeconds }) {
  return (
    <main>
      <h1>access-token-manager/react</h1>
      <p className="muted">
        One <code>AccessManager</code> owned by <code>&lt;AccessManagerProvider&gt;</code> (in StrictMode), a{' '}
        {ttlSeconds} s token from <code>npm start</code>&apos;s token server, warned about and refreshed{' '}
        {aboutToExpireMs / 1000} s before it expires. Change <code>?ttl=</code> and{' '}
        <code>?aboutToExpireMs=</code> to see other timings.
      </p>
      <EventRecorder />
      <section className="top">
        <Status />
        <div>
          <Controls />
          <Clients />
        </div>
      </section>
      <section>
        <h2>Each token&apos;s life</h2>
        <Timeline aboutToExpireMs={aboutToExpireMs} />
      </section>
      <section>
        <h2>Events</h2>
        <Log />
      </section>
    </main>
  );
}
