import { AccessTokenError } from './errors';
import type { Clock } from './clock';
import { reportUncaught } from './emitter';
import { describeInput, invalidArgument, readOptions } from './input';
import { GRANT_NAMES } from './grants';
import type { GrantKey, RequiredGrant } from './grants';
import { SDK_TOKEN_CODES } from './sdkCodes';
import type { DecodedAccessToken } from './token';
import { wait } from './wait';

/**
 * What the manager hands an adapter's {@link TokenClient.attach}: the way to report what only the
 * SDK knows (its server's clock, a revoked key) and to leave when the SDK is shut down.
 *
 * @example
 * attach(host) {
 *   device.on('tokenWillExpire', host.aboutToExpire);
 *   return () => device.off('tokenWillExpire', host.aboutToExpire);
 * }
 */
export interface TokenClientHost {
  /**
   * The SDK's server warns that the current token expires soon: the manager fires
   * `tokenAboutToExpire` now if it has not, and with a `tokenProvider` refreshes, once per token
   * however many SDKs warn. A warning that finds the current token with more than
   * `aboutToExpireMs` plus a minute left (in server time) is about a token already replaced, and
   * ignored, however late it comes.
   */
  aboutToExpire(): void;
  /**
   * The SDK's server says the current token has expired: as above, and `tokenExpired` fires too;
   * ignored when the current token has more than a minute left.
   */
  expired(): void;
  /**
   * The SDK's server refused the token the client holds. When that is the current token: emitted
   * as `tokenError` (`client-rejected`, the SDK's error as `cause`, its code in `facts.sdkCode`),
   * unless this client's failure to take it was reported already (one refusal, one report); with a
   * `tokenProvider`, the provider is asked for a new token (reason `'rejected'`), after a backoff
   * that grows while refusals follow each other.
   */
  rejected(cause: unknown): void;
  /** A token handed on earlier did not reach the SDK after all: emitted as `clientError`. */
  pushFailed(cause: unknown): void;
  /** Unregisters the client, as the function `register` returned does. */
  unregister(): void;
}

/**
 * Anything that takes a new token through `updateToken`: a Conversations or Sync client, a Voice
 * `Device`, a Video room wrapper, or your own object. It may return a value or a promise.
 *
 * @example
 * const client: TokenClient = { updateToken: (token) => socket.send({ type: 'auth', token }) };
 */
export interface TokenClient {
  /** Takes the new token. A rejected promise or a throw is reported as `clientError`. */
  updateToken(token: string): unknown;
  /** The grant (or grants) it needs, used when `register` is not given `requires`. */
  readonly requires?: RequiredGrant | readonly RequiredGrant[] | undefined;
  /** Its name in errors, used when `register` is not given `name`. */
  readonly name?: string | undefined;
  /**
   * The app's own SDK object this client stands for (an adapter's Conversations client or Device):
   * `clientError` names it instead of the adapter. Without it, the client registered is named.
   */
  readonly sdkClient?: TokenClient | undefined;
  /**
   * Called once by `register`; the function it returns is called once when the client is
   * unregistered or the manager destroyed. Adapters (`access-token-manager/sdks`) listen to their SDK here.
   */
  attach?(host: TokenClientHost): () => void;
}

/** Options of `AccessManager.register`. */
export interface RegisterOptions {
  /**
   * The grant (or grants) the client cannot work without. A token that lacks one is not handed to
   * this client, which gets a `clientError` with code 20106 instead.
   * @example { requires: 'voice' }
   */
  requires?: RequiredGrant | readonly RequiredGrant[];
  /** A name for the client in error messages, such as `"conversations"`. */
  name?: string;
}

export interface Registration extends Recipient {
  detach?: (() => void) | undefined;
  /**
   * Why the client does not hold the newest token pushed, as reported (its SDK's warnings are then
   * about an older one); `undefined` when it took it.
   */
  failure?: AccessTokenError | undefined;
}

/** A registered client with its options, as {@link ClientRegistry.recipients} lists them. */
export interface Recipient {
  client: TokenClient;
  requires: GrantKey[];
  name: string | undefined;
  /** The object `clientError` names: the app's own SDK object, or the client itself. */
  reportAs: TokenClient;
}

/** One token's delivery to the clients. */
export interface Delivery {
  /** The accepted token string. */
  token: string;
  /** Its decoded form, to check each client's required grants. */
  decoded: DecodedAccessToken;
  /** Timers for the time limit. */
  clock: Clock;
  /** How long a client may take before it is reported as hung, in milliseconds. */
  timeoutMs: number;
  /** Told about each client that did not take the token, named by its `reportAs`. */
  onError: (error: AccessTokenError, client: TokenClient) => void;
  /** Whether the token is still the manager's current one; the delivery stops when it is not. */
  isCurrent: () => boolean;
}

/**
 * @internal The error of a client that did not take a token (threw, rejected, or its SDK refused
 * it), with the SDK's own code (a Voice `TwilioError`'s `code`, a Twilsock `connectionError`'s
 * `errorCode`) and the reason it maps to.
 */
export function clientRejected(name: string | undefined, cause: unknown): AccessTokenError {
  let sdkCode: unknown;
  try {
    const sdkError = cause as { code?: unknown; errorCode?: unknown };
    sdkCode = typeof sdkError.code === 'number' ? sdkError.code : sdkError.errorCode;
  } catch {
    // No object (or a hostile one): no code to read.
  }
  return new AccessTokenError(
    'client-rejected',
    typeof sdkCode === 'number'
      ? { client: name, sdkCode, platformReason: SDK_TOKEN_CODES[sdkCode] }
      : { client: name },
    { cause },
  );
}

/**
 * The grant keys for `register`'s `requires` (as {@link readRegisterOptions} lists them), SDK
 * names translated.
 * @throws {@link AccessTokenError} `invalid-argument` for a name that is no grant.
 */
export function toGrantKeys(requires: readonly unknown[]): GrantKey[] {
  return requires.map((name) => {
    if (typeof name === 'string' && Object.hasOwn(GRANT_NAMES, name)) {
      return GRANT_NAMES[name as keyof typeof GRANT_NAMES];
    }
    throw new AccessTokenError('invalid-argument', {
      field: 'options.requires',
      expected: `one of ${Object.keys(GRANT_NAMES).join(', ')}`,
      received: typeof name === 'string' && name.length < 30 ? `"${name}"` : describeInput(name),
    });
  });
}

function hasGrant(decoded: DecodedAccessToken, grant: GrantKey): boolean {
  if (grant === 'identity') return decoded.identity !== null && decoded.identity !== '';
  return decoded.grantNames.includes(grant);
}

/** A result that is a promise, or promise-like: the client settles later. */
function isThenable(value: unknown): value is PromiseLike<unknown> {
  return (
    (typeof value === 'object' || typeof value === 'function') &&
    value !== null &&
    typeof (value as { then?: unknown }).then === 'function'
  );
}

/**
 * The SDK clients that receive each new token, and the isolated fan-out that delivers it: every
 * client is called, one that throws, rejects or hangs past the time limit is reported, and the
 * others are not held up by it. A push costs one timer, whatever the number of clients, and a
 * client that takes the token synchronously costs no promise at all.
 */
export class ClientRegistry {
  readonly #clients = new Map<TokenClient, Registration>();
  /** Pushes still waiting for a client, each with the function that ends it quietly. */
  readonly #pending = new Set<() => void>();

  /**
   * Adds a client with its registration (options read and merged with the client's presets by
   * {@link readRegisterOptions}), and attaches it.
   * @throws {@link AccessTokenError} `invalid-argument` for an unknown grant name.
   */
  add(
    client: TokenClient,
    options: ReadRegisterOptions,
    hostFor: (name: string | undefined) => TokenClientHost,
  ): void {
    const requires = toGrantKeys(options.requires);
    if (this.#clients.has(client)) return;
    const { name, reportAs } = options;
    const registration: Registration = { client, requires, name, reportAs };
    this.#clients.set(client, registration);
    let detach: (() => void) | undefined;
    try {
      detach = client.attach?.(hostFor(name));
    } catch (cause) {
      // A throwing adapter must not stay half-registered, nor throw untyped out of register().
      this.#clients.delete(client);
      throw clientRejected(name, cause);
    }
    // attach may have unregistered it already (an SDK object shut down before it was registered).
    if (this.#clients.get(client) === registration) registration.detach = detach;
    else detach?.();
  }

  /** Removes a client and detaches it; removing one that is not registered is harmless. */
  delete(client: TokenClient): void {
    const registration = this.#clients.get(client);
    this.#clients.delete(client);
    try {
      registration?.detach?.();
    } catch (error) {
      // One adapter's broken undo must not stop destroy() half-way (the others, the timers).
      reportUncaught(error);
    }
  }

  /** `client`'s registration (its options, and how it took the newest token), if registered. */
  get(client: TokenClient): Registration | undefined {
    return this.#clients.get(client);
  }

  /** Records that `client` did not take the newest token (`failure`), or took it (`undefined`). */
  mark(client: TokenClient, failure?: AccessTokenError): void {
    const registration = this.#clients.get(client);
    if (registration) registration.failure = failure;
  }

  /** Removes every client, and ends the pushes still waiting: their time limits are cleared. */
  clear(): void {
    for (const client of [...this.#clients.keys()]) this.delete(client);
    for (const cancel of [...this.#pending]) cancel();
  }

  /**
   * The clients registered now, for a later {@link ClientRegistry.push}: a client registered in
   * between (for instance in a `tokenUpdated` listener, created with the new token) is left out.
   */
  recipients(): Recipient[] {
    return [...this.#clients.values()];
  }

  /**
   * Hands a token to each recipient that is still registered, all at once.
   *
   * @param recipients - from {@link ClientRegistry.recipients}.
   * @param delivery - the token, its time limit, and where failures go.
   * @returns a promise that resolves once every client has settled or timed out; never rejects.
   */
  push(recipients: Recipient[], delivery: Delivery): Promise<void> {
    const { token, decoded, clock, timeoutMs, onError, isCurrent } = delivery;
    /** The clients that returned a promise which has not settled yet, with their names. */
    const waiting = new Map<TokenClient, string | undefined>();
    const limit = new AbortController();
    let finish!: () => void;
    const finished = new Promise<void>((resolve) => (finish = resolve));
    const end = (): void => {
      this.#pending.delete(end);
      waiting.clear();
      limit.abort(); // clears the timer
      finish();
    };
    const fail = (client: TokenClient, error: AccessTokenError): void => {
      this.mark(client, error);
      onError(error, this.#clients.get(client)?.reportAs ?? client);
    };
    const settle = (client: TokenClient, error?: AccessTokenError): void => {
      if (!waiting.delete(client)) return; // timed out already, or the registry was cleared
      if (error) fail(client, error);
      else this.mark(client);
      if (waiting.size === 0) end();
    };
    // Registered before any client runs: one that destroys the manager ends this push too.
    this.#pending.add(end);
    for (const { client, requires, name } of recipients) {
      // A listener of an error reported below may have accepted a newer token, which it pushed
      // already, or destroyed the manager: the rest of the clients must not get this token.
      if (!isCurrent() || !this.#pending.has(end)) break;
      if (!this.#clients.has(client)) continue;
      const missing = requires.find((grant) => !hasGrant(decoded, grant));
      if (missing !== undefined) {
        fail(client, new AccessTokenError('client-missing-grant', { grant: missing, client: name }));
        continue;
      }
      let result: unknown;
      let thenable: boolean;
      try {
        result = client.updateToken(token);
        thenable = isThenable(result); // a hostile `then` getter counts as the client throwing
      } catch (error) {
        fail(client, clientRejected(name, error));
        continue;
      }
      if (thenable) {
        waiting.set(client, name);
        Promise.resolve(result).then(
          () => settle(client),
          (error: unknown) => settle(client, clientRejected(name, error)),
        );
      } else this.mark(client);
    }
    if (waiting.size === 0 || !this.#pending.has(end)) {
      end();
      return finished;
    }
    // One time limit for the whole push: when it passes, each client still waiting is reported.
    void wait(clock, timeoutMs, limit.signal).then((ranOut) => {
      if (!ranOut) return;
      for (const [client, name] of [...waiting]) {
        settle(client, new AccessTokenError('client-timeout', { client: name, timeoutMs }));
      }
    });
    return finished;
  }
}

/**
 * `register`'s options once read: the names as given (checked by `toGrantKeys`), the name, and
 * the object `clientError` names.
 */
export interface ReadRegisterOptions {
  requires: unknown[];
  name: string | undefined;
  reportAs: TokenClient;
}

/**
 * Reads the options of `register` once, at the call, each falling back to what the client
 * presets (an adapter of `access-token-manager/sdks` does): nothing read can throw untyped.
 * @throws {@link AccessTokenError} `invalid-argument` naming the option that is wrong.
 */
export function readRegisterOptions(
  options: RegisterOptions | null | undefined,
  client: TokenClient,
): ReadRegisterOptions {
  const given = readOptions('options', options);
  let requires: unknown = given.requires;
  let name: unknown = given.name;
  let reportAs: unknown;
  try {
    if (requires === undefined) requires = client.requires;
    if (name === undefined) name = client.name;
    reportAs = client.sdkClient;
  } catch {
    throw invalidArgument('client', 'a client whose requires and name can be read', client);
  }
  let list: unknown[] | undefined;
  try {
    list = requires === undefined ? [] : Array.isArray(requires) ? [...(requires as unknown[])] : [requires];
  } catch {
    // A revoked Proxy, or an array whose items cannot be read: refused below.
  }
  if (!list) throw invalidArgument('options.requires', 'a grant name, or an array of them', requires);
  if (name !== undefined && typeof name !== 'string') throw invalidArgument('options.name', 'a string', name);
  return { requires: list, name, reportAs: (reportAs ?? client) as TokenClient };
}
