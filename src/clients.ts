import { AccessTokenError } from './errors';
import type { Clock } from './clock';
import { invalidArgument, readOptions } from './input';
import type { DecodedAccessToken, GrantName } from './token';
import { wait } from './wait';

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
}

/** Options of `AccessManager.register`. */
export interface RegisterOptions {
  /**
   * The grant (or grants) the client cannot work without. A token that lacks one is not handed to
   * this client, which gets a `clientError` with code 20106 instead.
   * @example { requires: 'voice' }
   */
  requires?: GrantName | GrantName[];
  /** A name for the client in error messages, such as `"conversations"`. */
  name?: string;
}

interface Registration {
  requires: GrantName[];
  name: string | undefined;
}

/** A registered client with its options, as {@link ClientRegistry.recipients} lists them. */
export interface Recipient extends Registration {
  client: TokenClient;
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
  /** Told about each client that did not take the token. */
  onError: (error: AccessTokenError, client: TokenClient) => void;
  /** Whether the token is still the manager's current one; the delivery stops when it is not. */
  isCurrent: () => boolean;
}

function hasGrant(decoded: DecodedAccessToken, grant: GrantName): boolean {
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

  /** Adds a client; adding one already registered does nothing (its options are kept). */
  add(client: TokenClient, options: RegisterOptions = {}): void {
    if (this.#clients.has(client)) return;
    const { requires = [], name } = options;
    this.#clients.set(client, { requires: ([] as GrantName[]).concat(requires), name });
  }

  /** Removes a client; removing one that is not registered is harmless. */
  delete(client: TokenClient): void {
    this.#clients.delete(client);
  }

  /** Removes every client, and ends the pushes still waiting: their time limits are cleared. */
  clear(): void {
    this.#clients.clear();
    for (const cancel of [...this.#pending]) cancel();
  }

  /**
   * The clients registered now, for a later {@link ClientRegistry.push}: a client registered in
   * between (for instance in a `tokenUpdated` listener, created with the new token) is left out.
   */
  recipients(): Recipient[] {
    const recipients: Recipient[] = [];
    for (const [client, { requires, name }] of this.#clients) recipients.push({ client, requires, name });
    return recipients;
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
    const settle = (client: TokenClient, error?: AccessTokenError): void => {
      if (!waiting.delete(client)) return; // timed out already, or the registry was cleared
      if (error) onError(error, client);
      if (waiting.size === 0) end();
    };
    const rejected = (name: string | undefined, cause: unknown) =>
      new AccessTokenError('client-rejected', { client: name }, { cause });
    // Registered before any client runs: one that destroys the manager ends this push too.
    this.#pending.add(end);
    for (const { client, requires, name } of recipients) {
      // A listener of an error reported below may have accepted a newer token, which it pushed
      // already, or destroyed the manager: the rest of the clients must not get this token.
      if (!isCurrent() || !this.#pending.has(end)) break;
      if (!this.#clients.has(client)) continue;
      const missing = requires.find((grant) => !hasGrant(decoded, grant));
      if (missing !== undefined) {
        onError(new AccessTokenError('client-missing-grant', { grant: missing, client: name }), client);
        continue;
      }
      let result: unknown;
      try {
        result = client.updateToken(token);
      } catch (error) {
        onError(rejected(name, error), client);
        continue;
      }
      if (isThenable(result)) {
        waiting.set(client, name);
        Promise.resolve(result).then(
          () => settle(client),
          (error: unknown) => settle(client, rejected(name, error)),
        );
      }
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
 * Reads the options of `register` once, at the call.
 * @throws {@link AccessTokenError} `invalid-argument` naming the option that is wrong.
 */
export function readRegisterOptions(options: RegisterOptions | null | undefined): RegisterOptions {
  const { requires, name } = readOptions('options', options);
  let grants: string[] | undefined;
  try {
    const list: unknown[] =
      requires === undefined ? [] : Array.isArray(requires) ? [...requires] : [requires];
    if (list.every((grant) => typeof grant === 'string')) grants = list as string[];
  } catch {
    // A revoked Proxy, or an array whose items cannot be read: refused below.
  }
  if (!grants) throw invalidArgument('options.requires', 'a grant name, or an array of them', requires);
  if (name !== undefined && typeof name !== 'string') throw invalidArgument('options.name', 'a string', name);
  return { requires: grants, name } as RegisterOptions;
}
