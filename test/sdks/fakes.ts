/**
 * Duck-typed fakes of the SDK objects the adapters take, behaving as the published SDKs do with
 * tokens (read from their shipped code): a Twilsock client holds `updateToken` open until its socket
 * is connected, through one `once` listener per call, and tells a refused token by rejecting it,
 * then a tick later (Twilsock re-emits its channel's events from a timer) by its state `'denied'`
 * and a `connectionError` with HTTP 401; a Voice Device takes the token, then throws
 * TransportError 31009 from its emitter while disconnected if nobody listens to `'error'`.
 */
import { EventEmitter } from 'node:events';

/** A Conversations / Sync / Chat client, with its connection driven by the test. */
export class FakeTwilsockClient extends EventEmitter {
  connectionState: string = 'connecting';
  /** The token the client's server has taken. */
  token: string;
  /** Calls of updateToken, in order. */
  readonly calls: string[] = [];
  shutDown = false;
  /** The next updateToken is refused by the server with this error. */
  refuseNext: Error | null = null;

  constructor(token: string) {
    super();
    this.token = token;
  }

  updateToken(token: string): Promise<void> {
    this.calls.push(token);
    if (this.shutDown) this.connect(); // what Twilsock does: a token after shutdown reconnects
    return new Promise((resolve, reject) => {
      const take = (): void => {
        const refusal = this.refuseNext;
        this.refuseNext = null;
        if (refusal) {
          reject(refusal);
          setTimeout(() => this.deny(), 0);
          return;
        }
        this.token = token;
        resolve();
      };
      if (this.connectionState === 'connected') queueMicrotask(take);
      else this.once('connected', take);
    });
  }

  async shutdown(): Promise<void> {
    this.shutDown = true;
    this.setState('disconnected');
  }

  connect(): void {
    this.setState('connected');
    this.emit('connected');
  }

  setState(state: string): void {
    this.connectionState = state;
    this.emit('connectionStateChanged', state);
  }

  /** Its server refuses the token it holds (at init, as when it reconnects): 'denied', then the error. */
  deny(errorCode = 20101): TwilsockConnectionError {
    const error = {
      terminal: true,
      message: 'Connection error: Invalid Access Token',
      httpStatusCode: 401,
      errorCode,
    };
    this.setState('denied');
    this.emit('connectionError', error);
    return error;
  }
}

/** The `connectionError` a Twilsock client emits. */
export interface TwilsockConnectionError {
  terminal: boolean;
  message: string;
  httpStatusCode: number | null;
  errorCode: number | null;
}

/** An error as the Voice SDK makes them: a code and a message. */
export class FakeTwilioError extends Error {
  constructor(
    readonly code: number,
    message: string,
  ) {
    super(message);
  }
}

/** A Voice Device, connected or not as the test says. */
export class FakeDevice extends EventEmitter {
  state = 'unregistered';
  token: string | null;
  connected = false;

  constructor(token: string) {
    super();
    this.token = token;
  }

  updateToken(token: string): void {
    if (this.state === 'destroyed') throw new Error('InvalidStateError: device destroyed');
    if (typeof token !== 'string') throw new Error('InvalidArgumentError');
    this.token = token;
    // The signaling stream publishes `listen`; with its socket down it emits TransportError 31009,
    // which Node's emitter throws when there is no 'error' listener.
    if (!this.connected) this.emit('error', new FakeTwilioError(31009, 'TransportError: no transport'));
  }

  destroy(): void {
    this.state = 'destroyed';
    this.emit('destroyed');
  }
}
