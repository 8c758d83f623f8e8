// The demo page: one AccessManager, two simulated SDK clients (or, with real TWILIO_* credentials,
// the real Conversations, Sync and Voice clients through access-token-manager/sdks), and every event in
// a log.
import { AccessManager, fromEndpoint } from 'access-token-manager';
import { tabSharing } from 'access-token-manager/tabs';

const $ = (id) => document.getElementById(id);
let manager = null;

function log(text, kind = '') {
  const item = document.createElement('li');
  item.className = kind;
  item.textContent = `${new Date().toLocaleTimeString()}  ${text}`;
  $('log').prepend(item);
}

// Stand-ins for a Twilio Conversations Client and a Voice Device: anything with updateToken(token).
const conversationsClient = {
  async updateToken() {
    await new Promise((resolve) => setTimeout(resolve, 150));
    log('Conversations client took the new token');
  },
};
const voiceDevice = {
  updateToken() {
    if ($('voice-fails').checked) throw new Error('Device rejected the token (simulated)');
    log('Voice device took the new token');
  },
};

// fromEndpoint reads the form at each request (the URL is a function), and says what the token
// server answered (a 503 from /fail is endpoint-status, retried with backoff).
const fromTokenServer = fromEndpoint(
  () => `/token?${new URLSearchParams({ identity: $('identity').value, ttl: $('ttl').value })}`,
);

function fetchToken(request) {
  log(`tokenProvider asked (reason: ${request.reason})`);
  return fromTokenServer(request);
}

// Real mode: the SDK clients, created with the first token, and what each one holds.
let real = null;
const realClients = [];

async function startRealClients() {
  const token = await manager.refresh();
  const sdks = await import('/real-sdks.js');
  for (const client of realClients.splice(0)) await client.stop();
  const made = [
    ['Conversations', new sdks.ConversationsClient(token), sdks.conversations, (c) => c.connectionState],
    ['Sync', new sdks.SyncClient(token), sdks.sync, (c) => c.connectionState],
    ['Voice', new sdks.Device(token), sdks.voice, (d) => d.state],
  ];
  for (const [label, client, adapt, state] of made) {
    const entry = { label, client, state, holds: token };
    const adapter = adapt(client);
    // The adapter hands each token on; record the one the SDK took.
    const updateToken = adapter.updateToken;
    adapter.updateToken = (next) => {
      const result = updateToken(next);
      Promise.resolve(result).then(
        () => (entry.holds = next),
        () => {},
      );
      return result;
    };
    manager.register(adapter);
    entry.stop = () => (client.shutdown ? client.shutdown() : client.destroy());
    realClients.push(entry);
  }
  realClients
    .at(-1)
    .client.register()
    .catch((error) => log(`Voice register: ${error.message}`, 'error'));
}

function renderClients() {
  $('sdk-clients').replaceChildren(
    ...realClients.map(({ label, client, state, holds }) => {
      const item = document.createElement('li');
      item.textContent = `${label}: ${state(client)}, holds the token ending …${holds.slice(-8)}`;
      return item;
    }),
  );
}

function start() {
  manager?.destroy();
  const identity = $('identity').value;
  manager = new AccessManager(null, {
    tokenProvider: fetchToken,
    shareAcrossTabs: tabSharing(`access-token-manager-demo:${identity}`),
  });
  if (real) {
    startRealClients().catch((error) => log(`Real SDK clients: ${error.message}`, 'error'));
  } else {
    manager.register(conversationsClient, { requires: 'chat', name: 'conversations' });
    manager.register(voiceDevice, { requires: 'voice', name: 'voice' });
  }
  manager
    .on('tokenUpdated', (m) => log(`tokenUpdated: expires ${m.expires.toLocaleTimeString()}`))
    .on('tokenAboutToExpire', () => log('tokenAboutToExpire', 'warn'))
    .on('tokenExpired', () => log('tokenExpired', 'error'))
    .on('tokenError', (error) => log(`tokenError ${error.code} ${error.reason}: ${error.message}`, 'error'))
    .on('clientError', (error) => log(`clientError ${error.reason}: ${error.message}`, 'error'))
    .on('refreshFailed', (error, { attempt, retryInMs }) =>
      log(
        // The page loads the production build (short messages): the reason and facts say it all.
        `refreshFailed (attempt ${attempt}, retry in ${retryInMs} ms): ${error.reason} ${JSON.stringify(error.facts)}`,
        'warn',
      ),
    );
  $('refresh').disabled = false;
  log(`Started for ${identity}`);
}

function renderStatus() {
  $('status-identity').textContent = manager?.identity ?? '–';
  $('status-expires').textContent = manager?.expires?.toLocaleTimeString() ?? '–';
  const leftMs = manager?.expires ? manager.expires.getTime() - Date.now() : null;
  $('status-left').textContent =
    leftMs === null ? '–' : manager.isExpired ? 'expired' : `${Math.round(leftMs / 1000)} s`;
}

async function renderMinted() {
  const { tokensMinted } = await (await fetch('/stats')).json();
  $('status-minted').textContent = String(tokensMinted);
}

// The paste box takes a token (or what a token endpoint returned) or an SDK's error (a code, a
// TwilioError's JSON, a REST error body): an error code, or a 'denied' state, gets explained.
async function inspect() {
  try {
    const { explainError, formatExplanation, inspectAccessToken, formatInspection } =
      await import('access-token-manager/inspect');
    const text = $('inspect-input').value;
    const explanation = explainError(text);
    $('inspect-output').textContent =
      explanation.isTokenError || explanation.code !== null
        ? formatExplanation(explanation)
        : formatInspection(inspectAccessToken(text));
  } catch (error) {
    $('inspect-output').textContent = `The inspect entry is not available: ${error.message}`;
  }
}

$('start').onclick = start;
$('refresh').onclick = () => manager?.refresh().catch(() => {});
$('fail').onclick = async () => {
  await fetch('/fail?count=3', { method: 'POST' });
  log('The token server will fail its next 3 requests');
};
$('inspect').onclick = inspect;
setInterval(renderStatus, 500);
setInterval(renderMinted, 2000);
setInterval(renderClients, 1000);
const { demo } = await (await fetch('/mode')).json();
real = !demo;
$('mode').textContent = real
  ? 'Real credentials: the Conversations, Sync and Voice clients below are the real SDKs, registered through access-token-manager/sdks.'
  : 'Demo credentials: Twilio would refuse these tokens, so the two clients are simulated (set TWILIO_ACCOUNT_SID, TWILIO_API_KEY and TWILIO_API_SECRET for the real SDKs).';
start();
