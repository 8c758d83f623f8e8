import { EventEmitter } from 'node:events';
import { describe, expect, it, vi } from 'vitest';
import { AccessManager, AccessTokenError } from 'access-token-manager';
import { taskRouter } from 'access-token-manager/sdks';
import twilio from 'twilio';
import { ACCOUNT_SID, API_KEY_SECRET, API_KEY_SID, mintToken } from '../support/tokens.js';
import { MINUTE, SECOND, advance, settle, useFakeTime } from '../support/time.js';

useFakeTime();

/** An error of the TaskRouter SDK: its own ones carry a name, its server's a Twilio code. */
const sdkError = (fields: { name?: string; code?: number }) =>
  Object.assign(new Error(fields.name ?? 'error'), fields);

/**
 * A stand-in for twilio-taskrouter 2.1.1's `Worker`, behaving as its shipped code does with tokens:
 * `updateToken` throws a TypeError for a non-string, takes the token, re-arms the token timer with
 * the lifetime its server sent (firing `tokenExpired` 5 s before its end) and opens its socket again
 * when closed; `disconnect()` closes it and emits `disconnected`; an `error` with no listener throws
 * (Node's and the `events` package's EventEmitter).
 */
class FakeWorker extends EventEmitter {
  token: string;
  /** Sockets opened, the first at construction. */
  socketsOpened = 1;
  socketOpen = true;
  readonly #lifetimeMs: number;
  #timer: ReturnType<typeof setTimeout> | undefined;

  constructor(token: string, lifetimeMs = 3600 * SECOND) {
    super();
    this.token = token;
    this.#lifetimeMs = lifetimeMs;
    this.#arm();
  }

  updateToken(token: string): void {
    if (typeof token !== 'string')
      throw new TypeError('To update the Twilio token, a new Twilio token must be passed in.');
    this.token = token;
    this.#arm();
    if (!this.socketOpen) {
      this.socketOpen = true;
      this.socketsOpened += 1;
    }
    this.emit('tokenUpdated');
  }

  disconnect(): void {
    this.socketOpen = false;
    clearTimeout(this.#timer);
    this.emit('disconnected', { message: 'SDK Disconnect' });
  }

  #arm(): void {
    clearTimeout(this.#timer);
    this.#timer = setTimeout(() => this.emit('tokenExpired'), this.#lifetimeMs - 5 * SECOND);
  }
}

const { AccessToken } = twilio.jwt;

/** A real token for a TaskRouter Worker, minted by the twilio helper (its TaskRouterGrant). */
function mintWorkerToken(ttl = 3600): string {
  const token = new AccessToken(ACCOUNT_SID, API_KEY_SID, API_KEY_SECRET, { ttl, identity: 'alice' });
  token.addGrant(
    new AccessToken.TaskRouterGrant({
      workspaceSid: 'WS' + '0'.repeat(32),
      workerSid: 'WK' + '0'.repeat(32),
      role: 'worker',
    }),
  );
  return token.toJwt();
}

const nextToken = (ttl = 3600): string => {
  vi.advanceTimersByTime(SECOND);
  return mintWorkerToken(ttl);
};

function setUp(options: ConstructorParameters<typeof AccessManager>[1] = {}, ttl = 3600) {
  const first = mintWorkerToken(ttl);
  const manager = new AccessManager(first, options);
  const clientErrors: AccessTokenError[] = [];
  const tokenErrors: AccessTokenError[] = [];
  manager.on('clientError', (error) => void clientErrors.push(error));
  manager.on('tokenError', (error) => void tokenErrors.push(error));
  return { manager, worker: new FakeWorker(first, ttl * SECOND), clientErrors, tokenErrors };
}

describe('taskRouter(worker)', () => {
  it('presets the name "taskRouter" and the task_router grant', () => {
    const adapter = taskRouter(new FakeWorker('t'));
    expect([adapter.name, adapter.requires]).toEqual(['taskRouter', 'task_router']);
  });

  it('hands each new token to the Worker', async () => {
    const { manager, worker, clientErrors } = setUp();
    manager.register(taskRouter(worker));
    for (let i = 0; i < 3; i++) {
      const token = nextToken();
      await manager.updateToken(token);
      expect(worker.token).toBe(token);
    }
    expect(clientErrors).toEqual([]);
  });

  it("refreshes once when the Worker's own timer says the token expired, before the manager would", async () => {
    // A 70 s token: the manager's own refresh is due at half its life (35 s). The Worker's server
    // counts a 20 s lifetime, so its timer fires at 15 s, when 55 s are left: within the minute
    // in which an SDK's word that the token expired is taken as about the current token.
    const calls: string[] = [];
    const { manager, tokenErrors } = setUp(
      {
        tokenProvider: ({ reason }) => {
          calls.push(reason);
          return nextToken();
        },
      },
      70,
    );
    const worker = new FakeWorker(manager.token!, 20 * SECOND);
    const expired: number[] = [];
    manager.on('tokenExpired', () => expired.push(Date.now()));
    manager.register(taskRouter(worker));

    await advance(15 * SECOND);

    expect(calls).toEqual(['expired']);
    expect(expired).toHaveLength(1);
    expect(worker.token).toBe(manager.token);
    await advance(10 * SECOND);
    expect(calls).toEqual(['expired']); // one provider call
    expect(tokenErrors).toEqual([]);
    manager.destroy();
  });

  it('ignores a tokenExpired about a token already replaced (the late-word rule)', async () => {
    const { manager, worker } = setUp();
    manager.register(taskRouter(worker));
    const expired: unknown[] = [];
    manager.on('tokenExpired', () => expired.push(1));
    await manager.updateToken(nextToken(7200)); // two hours; the Worker's timer still runs on one

    await advance(60 * MINUTE);

    expect(expired).toEqual([]);
    expect(manager.isExpired).toBe(false);
    manager.destroy();
  });

  it('ignores the tokenExpired a GraphQL-signaling Worker fires at once after each updateToken', async () => {
    // With useGraphQL its signaling never learns the token lifetime, so its timer is armed with
    // NaN - 5000 ms at each updateToken: it fires at once, about a token with an hour left.
    const calls: string[] = [];
    const { manager } = setUp({
      tokenProvider: ({ reason }) => {
        calls.push(reason);
        return nextToken();
      },
    });
    const worker = new FakeWorker(manager.token!, NaN);
    manager.register(taskRouter(worker));

    for (let i = 0; i < 3; i++) await manager.refresh();
    await advance(MINUTE);

    expect(calls).toEqual(['manual', 'manual', 'manual']);
    expect(manager.isExpired).toBe(false);
    manager.destroy();
  });

  it.each([
    ['a server error with a 201xx code', { code: 20101 }, 20101],
    ["the SDK's INVALID_TOKEN", { name: 'INVALID_TOKEN' }, undefined],
    ["the SDK's TOKEN_EXPIRED", { name: 'TOKEN_EXPIRED' }, undefined],
  ])('reports %s once as client-rejected, and fetches a new token', async (_what, fields, sdkCode) => {
    const calls: string[] = [];
    const { manager, worker, tokenErrors } = setUp({
      tokenProvider: ({ reason }) => {
        calls.push(reason);
        return nextToken();
      },
    });
    manager.register(taskRouter(worker));
    const refusal = sdkError(fields);

    worker.emit('error', refusal);
    worker.emit('error', refusal); // the same refusal told twice
    await advance(10 * SECOND);

    expect(tokenErrors.map((e) => [e.reason, e.cause, e.facts?.sdkCode])).toEqual([
      ['client-rejected', refusal, sdkCode],
    ]);
    expect(calls).toEqual(['rejected']);
    expect(worker.token).toBe(manager.token);
    manager.destroy();
  });

  it('leaves its other errors (a socket that failed to open, a bad message) to the app', async () => {
    const { manager, worker, tokenErrors, clientErrors } = setUp();
    manager.register(taskRouter(worker));
    worker.emit('error', sdkError({ name: 'GATEWAY_CONNECTION_FAILED' }));
    worker.emit('error', sdkError({ name: 'INVALID_GATEWAY_MESSAGE' }));
    worker.emit('error', sdkError({ code: 31205 })); // a Voice code: not the Worker's
    await settle();
    expect([tokenErrors, clientErrors]).toEqual([[], []]);
  });

  it('after worker.disconnect(): unregisters, hands no token on (it would reconnect), and puts disconnect back', async () => {
    const { manager, worker, clientErrors } = setUp();
    const ownDisconnect = worker.disconnect;
    manager.register(taskRouter(worker));

    worker.disconnect();
    const held = worker.token;
    await manager.updateToken(nextToken());

    expect(worker.token).toBe(held);
    expect(worker.socketsOpened).toBe(1);
    expect(worker.disconnect).toBe(ownDisconnect);
    expect(worker.listenerCount('tokenExpired') + worker.listenerCount('error')).toBe(0);
    expect(clientErrors).toEqual([]);
  });

  it('keeps handing tokens on after a network drop (a disconnected event alone)', async () => {
    const { manager, worker } = setUp();
    manager.register(taskRouter(worker));
    worker.socketOpen = false;
    worker.emit('disconnected', { message: 'Connection lost' });

    const token = nextToken();
    await manager.updateToken(token);

    expect([worker.token, worker.socketsOpened]).toEqual([token, 2]);
  });

  it('stops listening when unregistered, and an error with no app listener throws again', () => {
    const { manager, worker } = setUp();
    const unregister = manager.register(taskRouter(worker));
    worker.emit('error', sdkError({ name: 'GATEWAY_CONNECTION_FAILED' })); // heard: no throw

    unregister();

    expect(worker.listenerCount('tokenExpired') + worker.listenerCount('error')).toBe(0);
    expect(() => worker.emit('error', sdkError({ name: 'GATEWAY_CONNECTION_FAILED' }))).toThrow();
  });

  it('is not handed a token that lacks the task_router grant', async () => {
    const { manager, worker, clientErrors } = setUp();
    manager.register(taskRouter(worker));
    const held = worker.token;
    vi.advanceTimersByTime(SECOND);
    await manager.updateToken(mintToken({ grants: ['voice'] })); // a Voice-only token
    expect(worker.token).toBe(held);
    expect(clientErrors.map((e) => [e.reason, e.facts?.grant])).toEqual([
      ['client-missing-grant', 'task_router'],
    ]);
  });
});
