import type { TokenClient } from 'access-token-manager';

/**
 * What the adapter reads of an error a TaskRouter `Worker` emits: its own errors carry a `name`
 * (such as `'GATEWAY_CONNECTION_FAILED'`), an error its server sends carries Twilio's `code`.
 *
 * @example worker.on('error', (error: TaskRouterError) => console.warn(error.name, error.code));
 */
export interface TaskRouterError {
  /** Twilio's error code, such as 20101 or 20104, when the server sent one. */
  readonly code?: number | undefined;
  /** The SDK's name of the error, such as `'TOKEN_EXPIRED'` or `'GATEWAY_CONNECTION_FAILED'`. */
  readonly name?: string | undefined;
}

/**
 * The part of a TaskRouter `Worker` (`twilio-taskrouter` 2.x) the adapter uses.
 *
 * @example const like: TaskRouterWorker = worker;
 */
export interface TaskRouterWorker {
  /** Takes the token at once (its REST requests and its next socket use it); throws only for a non-string. */
  updateToken(token: string): void;
  /** Closes its socket for good; a later `updateToken` would open it again. */
  disconnect(): void;
  /** Adds a listener of its own token timer (5 s before the token's lifetime ends). */
  on(event: 'tokenExpired', listener: () => void): unknown;
  /** Adds a listener of its errors. */
  on(event: 'error', listener: (error: TaskRouterError) => void): unknown;
  /** Removes a listener of its token timer. */
  removeListener(event: 'tokenExpired', listener: () => void): unknown;
  /** Removes a listener of its errors. */
  removeListener(event: 'error', listener: (error: TaskRouterError) => void): unknown;
}

// A refused token, as a Worker's `error`: a Twilio code of the 201xx "Authorization Errors"
// (src/sdkCodes.ts), which the Worker passes on as its server sent it, or the SDK's own names for a
// token fault (its error table lists INVALID_TOKEN and TOKEN_EXPIRED). Not GATEWAY_CONNECTION_FAILED:
// a socket that failed to open tells no token fault from a network one.
const isTokenFault = (error: TaskRouterError): boolean => {
  const code = typeof error?.code === 'number' ? error.code : 0;
  return (code > 20100 && code < 20200) || error?.name === 'INVALID_TOKEN' || error?.name === 'TOKEN_EXPIRED';
};

/**
 * Adapts a TaskRouter `Worker` (`twilio-taskrouter` 2.x) for `manager.register`, with the
 * `task_router` grant and the name `"taskRouter"` preset.
 *
 * `Worker.updateToken` takes each new token at once: its REST requests use it, and its socket
 * (which carries the token when it opens) reconnects with it, even after its own timer said the
 * token expired. It listens to the Worker's `tokenExpired` (its own timer, set from the token
 * lifetime its server sends and re-armed with that lifetime at each `updateToken`, fires 5 s
 * before the end: with a `tokenProvider` the manager refreshes, once however many SDKs warn; a
 * word that finds the current token with more than a minute left is about a token already
 * replaced, and ignored: so is the one a Worker made with `useGraphQL` fires right after each
 * `updateToken`, as its signaling never learns the lifetime) and `error` (a refused token, a Twilio code 201xx or the SDK's
 * `INVALID_TOKEN` or `TOKEN_EXPIRED`: reported once as `tokenError`, with the Worker's error as
 * `cause`, and with a `tokenProvider` a new token is fetched; its other errors are the app's to
 * handle). As the adapter listens to `'error'`, the Worker no longer throws an error it emits
 * when the app has no listener: add one to see them.
 *
 * `disconnect()` is wrapped: once the app calls it, no token is handed on (a new token would open
 * its socket again) and the Worker unregisters. A `disconnected` event alone (a network drop, after
 * which it reconnects) changes nothing.
 *
 * @param worker - a TaskRouter Worker, created with the manager's current token.
 * @returns what `register` takes.
 * @example
 * const worker = new Worker(manager.token!);
 * manager.register(taskRouter(worker));
 */
export function taskRouter(worker: TaskRouterWorker): TokenClient {
  let stopped = false;
  return {
    name: 'taskRouter',
    requires: 'task_router',
    sdkClient: worker,
    updateToken(token: string): void {
      if (!stopped) worker.updateToken(token);
    },
    attach(host) {
      const onError = (error: TaskRouterError): void => {
        if (isTokenFault(error)) host.rejected(error);
      };
      const own = Object.getOwnPropertyDescriptor(worker, 'disconnect');
      const original = worker.disconnect;
      const wrapped = function (this: unknown): void {
        stopped = true;
        host.unregister();
        original.call(this);
      };
      worker.disconnect = wrapped;
      worker.on('tokenExpired', host.expired);
      worker.on('error', onError);
      return () => {
        worker.removeListener('tokenExpired', host.expired);
        worker.removeListener('error', onError);
        // Put back what was there, unless someone wrapped it again after us.
        if (worker.disconnect === wrapped) {
          if (own) Object.defineProperty(worker, 'disconnect', own);
          else delete (worker as { disconnect?: unknown }).disconnect;
        }
      };
    },
  };
}
