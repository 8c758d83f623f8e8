// Minimal fakes of the servers behind the published Twilio SDKs, answered inside the test through
// Playwright's page.routeWebSocket, and the page bundle (esbuild) of the real SDKs with
// access-token-manager and its sdks entry. Enough for each socket to connect, take a new token, and send
// a token warning; nothing else of the products is faked.
import { build } from 'esbuild';
import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * Bundles the real SDKs (as the app's bundler would, from node_modules) with the built package, and
 * returns the script. `window.SDK` holds the four SDK classes, AccessManager and the adapters.
 */
export async function bundleSdks(root) {
  const outdir = await mkdtemp(join(tmpdir(), 'am-sdks-'));
  await build({
    stdin: {
      contents: `
        import { Client as ConversationsClient } from '@twilio/conversations';
        import { SyncClient } from 'twilio-sync';
        import { Client as ChatClient } from 'twilio-chat';
        import { Device } from '@twilio/voice-sdk';
        import { AccessManager } from 'access-token-manager';
        import { chat, conversations, sync, voice } from 'access-token-manager/sdks';
        window.SDK = { ConversationsClient, SyncClient, ChatClient, Device, AccessManager, chat, conversations, sync, voice };
      `,
      resolveDir: root,
    },
    bundle: true,
    format: 'iife',
    platform: 'browser',
    define: { global: 'globalThis' },
    outfile: join(outdir, 'sdks.js'),
    logLevel: 'error',
  });
  return readFile(join(outdir, 'sdks.js'), 'utf8');
}

/** Twilsock's frame: `TWILSOCK V3.0 <header bytes>\r\n<header JSON>\r\n<payload>`. */
export function twilsockFrame(header, payload = '') {
  const body = { ...header, payload_size: Buffer.byteLength(payload) };
  const json = JSON.stringify(body);
  return Buffer.from(`TWILSOCK V3.0 ${Buffer.byteLength(json)}\r\n${json}\r\n${payload}`);
}

/** Reads a Twilsock frame sent by a client. */
export function parseTwilsock(message) {
  const text = Buffer.isBuffer(message) ? message.toString('utf8') : String(message);
  const [magic, rest] = [text.slice(0, text.indexOf('\r\n')), text.slice(text.indexOf('\r\n') + 2)];
  const headerBytes = Number(magic.split(' ')[2]);
  const bytes = Buffer.from(rest);
  const header = JSON.parse(bytes.subarray(0, headerBytes).toString('utf8'));
  const payload = bytes.subarray(headerBytes + 2).toString('utf8');
  return { header, payload };
}

const CDS = 'https://cds.us1.twilio.com/v3';
const mapItem = (key, data) => ({
  key,
  data,
  url: `${CDS}/Maps/MP0/Items/${key}`,
  revision: '0',
  last_event_id: 0,
  date_updated: new Date().toISOString(),
  date_expires: null,
});
const NO_MORE_PAGES = { previous_token: null, next_token: null };

/**
 * The few REST answers (sent over Twilsock as `message` replies) that Conversations and Chat need
 * to initialize: their configuration, the user's Sync maps (with the user info items), and an
 * empty list of conversations. Anything else is answered `{}`.
 */
export function productApi(request) {
  const { path } = request;
  if (/Client\/v[12]\/Configuration/.test(path)) {
    const aim = 'https://aim.us1.twilio.com/Client/v2';
    return {
      identity: 'alice',
      links: {
        my_conversations: `${aim}/Users/alice/Conversations`,
        conversations: `${aim}/Conversations`,
        users: `${aim}/Users`,
        current_user: `${aim}/Users/alice`,
        typing: `${aim}/Services/IS0/Typing`,
        media_service: 'https://mcs.us1.twilio.com/v1/Services/IS0/Media',
        media_set_service: 'https://mcs.us1.twilio.com/v1/Services/IS0/MediaSet',
        messages_receipts: `${aim}/Services/IS0/Conversations/%s/Messages/%s/Receipts`,
      },
      options: {
        reachability_enabled: false,
        http_cache_interval: 'PT1S',
        consumption_report_interval: 'PT1S',
      },
      sync_objects: { my_user_info: 'MyUserInfo', my_conversations: 'MyConversations' },
    };
  }
  if (path.includes('/Items')) {
    const items = [
      mapItem('attributes', {}),
      mapItem('friendlyName', { value: 'Alice' }),
      mapItem('reachability', { online: false, notifiable: false }),
    ];
    return { items, meta: NO_MORE_PAGES };
  }
  if (path.includes('/Maps/')) {
    const sid = `MP${'0'.repeat(32)}`;
    return {
      sid,
      unique_name: path.split('/').pop(),
      url: `${CDS}/Maps/${sid}`,
      links: { items: `${CDS}/Maps/${sid}/Items` },
      revision: '0',
      last_event_id: 0,
      date_updated: new Date().toISOString(),
      date_expires: null,
    };
  }
  if (path.endsWith('/Conversations') || path.endsWith('/Channels')) {
    return { conversations: [], channels: [], meta: NO_MORE_PAGES };
  }
  return {};
}

/**
 * A fake Twilsock server (Conversations, Sync and Chat connect to `wss://tsock.<region>.twilio.com`):
 * it answers `init` and `update` (recording each token it was given), the REST requests sent as
 * `message` (through `http`), acknowledges anything else, and can send the `token_about_to_expire`
 * client update. While `isUp()` is false, each socket is closed at once, as with no network.
 * `refuses(token)` returns a Twilio error code to refuse a token with (HTTP 401, as Twilsock's
 * servers do: the client turns `'denied'`), or `null` to take it.
 */
export async function fakeTwilsock(
  page,
  { http = productApi, isUp = () => true, refuses = () => null } = {},
) {
  // tokens: every token received; held: the last token of each socket, in the order they opened;
  // refused: every token refused.
  const server = { tokens: [], held: [], sockets: [], methods: [], requests: [], refused: [] };
  await page.routeWebSocket(/^wss:\/\/tsock\./, (ws) => {
    if (!isUp()) return ws.close(); // as with no network
    const index = server.sockets.push(ws) - 1;
    ws.onMessage((message) => {
      const { header } = parseTwilsock(message);
      server.methods.push(header.method);
      const reply = (extra = {}) =>
        ws.send(
          twilsockFrame({ method: 'reply', id: header.id, status: { code: 200, status: 'OK' }, ...extra }),
        );
      const errorCode = header.method === 'init' || header.method === 'update' ? refuses(header.token) : null;
      if (errorCode !== null) {
        server.refused.push(header.token);
        const status = { code: 401, status: 'UNAUTHORIZED', errorCode, description: 'Invalid Access Token' };
        ws.send(twilsockFrame({ method: 'reply', id: header.id, status }));
      } else if (header.method === 'init') {
        server.tokens.push(header.token);
        server.held[index] = header.token;
        reply({ capabilities: header.capabilities, continuation_token: 'continuation', offline_storage: {} });
      } else if (header.method === 'update') {
        server.tokens.push(header.token);
        server.held[index] = header.token;
        reply();
      } else if (header.method === 'message') {
        const request = header.http_request;
        server.requests.push(`${request.method} ${request.host}${request.path}`);
        const body = JSON.stringify(http(request) ?? {});
        ws.send(
          twilsockFrame(
            {
              method: 'reply',
              id: header.id,
              status: { code: 200, status: 'OK' },
              http_status: { code: 200, status: 'OK' },
              http_headers: {},
              payload_type: 'application/json',
            },
            body,
          ),
        );
      } else if (header.id) {
        reply();
      }
    });
  });
  /** Sends every open socket the server's "token about to expire" warning. */
  /** Drops every open socket, as a network blip does: each client reconnects (and sends init). */
  server.drop = () => {
    for (const ws of server.sockets.splice(0)) ws.close();
  };
  server.warn = () => {
    for (const ws of server.sockets) {
      ws.send(
        twilsockFrame({
          method: 'client_update',
          id: `TM${Date.now()}`,
          client_update_type: 'token_about_to_expire',
        }),
      );
    }
  };
  return server;
}

/**
 * A fake Voice signaling server (`wss://voice-js.roaming.twilio.com/signal`): it answers each `listen`
 * (the Device's token, recorded) with `connected` and each `register` with `ready`. Its warning
 * is a `connected` whose token TTL is within the Device's `tokenRefreshMs`, which makes the
 * Device emit `tokenWillExpire` at once. `refuses(token)` returns an error code to answer a
 * `listen` with (an `error` message, as the signaling server sends for 20104 or 31205), or `null`;
 * `ttlOf(token)` is the TTL in seconds the server reports for a token (the Device times its
 * `tokenWillExpire` from it).
 */
export async function fakeVoiceSignaling(
  page,
  { isUp = () => true, refuses = () => null, ttlOf = () => 3600 } = {},
) {
  const server = { tokens: [], sockets: [], types: [], refused: [] };
  const send = (ws, type, payload) => ws.send(JSON.stringify({ type, version: '1.6', payload }));
  await page.routeWebSocket(/^wss:\/\/[^/]*twilio\.com\/signal/, (ws) => {
    if (!isUp()) return ws.close();
    server.sockets.push(ws);
    ws.onMessage((message) => {
      const { type, payload } = JSON.parse(String(message));
      server.types.push(type);
      const errorCode = type === 'listen' ? refuses(payload.token) : null;
      if (errorCode !== null) {
        server.refused.push(payload.token);
        send(ws, 'error', { error: { code: errorCode, message: 'Access Token refused' } });
      } else if (type === 'listen') {
        server.tokens.push(payload.token);
        send(ws, 'connected', {
          region: 'gll',
          edge: 'roaming',
          token: { identity: 'alice', ttl: ttlOf(payload.token) },
        });
      } else if (type === 'register') {
        send(ws, 'ready', {});
      }
    });
  });
  server.warn = () => {
    for (const ws of server.sockets)
      send(ws, 'connected', { region: 'gll', edge: 'roaming', token: { identity: 'alice', ttl: 5 } });
  };
  return server;
}
