import type { RequiredGrant, TokenClient, TokenClientHost } from 'access-token-manager';

/**
 * The part of a Conversations, Sync or Chat client the adapters use. All three keep their
 * connection through Twilsock, and behave alike with tokens.
 *
 * @example const like: TwilsockClient = conversationsClient;
 */
export interface TwilsockClient {
  /** `'connected'` when its socket is up, `'denied'` when its server refused the token. */
  readonly connectionState: string;
  /** Resolves once the client's server took the token; it stays pending while the socket is down. */
  updateToken(token: string): Promise<unknown>;
  /** Disconnects for good; a later `updateToken` would connect again. */
  shutdown(): Promise<void>;
  /** Adds a listener of its connection's errors (a refused token: HTTP 401 or 403). */
  on(event: 'connectionError', listener: (error: TwilsockConnectionError) => void): unknown;
  /** Adds a listener of its server's token warnings. */
  on(event: 'tokenAboutToExpire' | 'tokenExpired', listener: () => void): unknown;
  /** Removes a listener of its connection's errors. */
  removeListener(event: 'connectionError', listener: (error: TwilsockConnectionError) => void): unknown;
  /** Removes a listener of its server's token warnings. */
  removeListener(event: 'tokenAboutToExpire' | 'tokenExpired', listener: () => void): unknown;
}

/**
 * What the adapter reads of a Twilsock client's `connectionError` (it is passed on whole, as the
 * `cause` of the `tokenError`).
 *
 * @example client.on('connectionError', (error: TwilsockConnectionError) => console.warn(error.errorCode));
 */
export interface TwilsockConnectionError {
  /** The HTTP status of the server's answer: 401 or 403 when it refused the token. */
  readonly httpStatusCode?: number | null | undefined;
  /** Twilio's error code, such as 20101 or 20104, or `null`. */
  readonly errorCode?: number | null | undefined;
}

/** One run of handing tokens to the SDK, one call at a time, until no newer token waits. */
interface HandOff {
  /** Resolves with the failure of the last call, or `null` when the SDK took the newest token. */
  settled: Promise<{ error: unknown } | null>;
  /** Whether the manager waits for it; when not, a failure goes to `host.pushFailed`. */
  watched: boolean;
}

/**
 * @internal The adapter shared by `conversations()`, `sync()` and `chat()`.
 *
 * - At most one `updateToken` of the SDK is in flight: a newer token waits for it, and an older
 *   waiting one is dropped, so the client ends up holding the newest token and the SDK's listeners
 *   do not pile up while it is offline (its `MaxListenersExceededWarning`).
 * - While the client is not `'connected'`, a push resolves at once (the SDK takes the token when it
 *   reconnects) instead of hanging into the manager's `client-timeout`; a failure seen later is
 *   reported as `clientError` through `host.pushFailed`.
 * - `shutdown()` is wrapped: once the app calls it, no token is handed on and the client
 *   unregisters. No event tells a shutdown from a server closing the socket for a bad token (both
 *   end `'disconnected'`), and a token pushed after a shutdown would make the client reconnect.
 */
export function twilsockAdapter(
  client: TwilsockClient,
  preset: { name: string; requires: RequiredGrant },
): TokenClient {
  let waiting: string | null = null; // the newest token not yet handed to the SDK
  let handOff: HandOff | null = null;
  let host: TokenClientHost | null = null;
  let stopped = false;

  const start = (): HandOff => {
    const run: HandOff = { watched: false, settled: Promise.resolve(null) };
    run.settled = (async () => {
      let failure: { error: unknown } | null = null;
      while (waiting !== null && !stopped) {
        const token = waiting;
        waiting = null;
        try {
          await client.updateToken(token);
          failure = null;
        } catch (error) {
          failure = { error };
        }
      }
      handOff = null;
      if (failure && !run.watched && !stopped) host?.pushFailed(failure.error);
      return failure;
    })();
    return run;
  };

  // A warning about the token the SDK holds means nothing while a newer one is on its way to it.
  const idle = (): boolean => !stopped && waiting === null && handOff === null;
  const onAboutToExpire = (): void => {
    if (idle()) host?.aboutToExpire();
  };
  const onExpired = (): void => {
    if (idle()) host?.expired();
  };
  // Twilsock tells a refusal twice: connectionState 'denied', then this error, which carries the
  // server's codes; both come a tick after a refused updateToken has rejected (reported already).
  const onConnectionError = (error: TwilsockConnectionError): void => {
    const status = error?.httpStatusCode;
    if ((status === 401 || status === 403) && idle()) host?.rejected(error);
  };

  return {
    ...preset,
    sdkClient: client,
    updateToken(token: string): Promise<void> | undefined {
      if (stopped) return undefined;
      waiting = token;
      const run = (handOff ??= start());
      if (client.connectionState !== 'connected') return undefined;
      run.watched = true;
      return run.settled.then((failure) => {
        if (failure) throw failure.error;
      });
    },
    attach(attachedTo: TokenClientHost): () => void {
      host = attachedTo;
      const shutdown = Object.getOwnPropertyDescriptor(client, 'shutdown');
      const original = client.shutdown;
      const wrapped = function (this: unknown): Promise<void> {
        stopped = true;
        attachedTo.unregister();
        return original.call(this);
      };
      client.shutdown = wrapped;
      client.on('tokenAboutToExpire', onAboutToExpire);
      client.on('tokenExpired', onExpired);
      client.on('connectionError', onConnectionError);
      return () => {
        host = null;
        client.removeListener('tokenAboutToExpire', onAboutToExpire);
        client.removeListener('tokenExpired', onExpired);
        client.removeListener('connectionError', onConnectionError);
        // Put back what was there, unless someone wrapped it again after us.
        if (client.shutdown === wrapped) {
          if (shutdown) Object.defineProperty(client, 'shutdown', shutdown);
          else delete (client as { shutdown?: unknown }).shutdown;
        }
      };
    },
  };
}
