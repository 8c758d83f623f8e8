import { browserClock, type Clock } from './clock';
import { AccessTokenError } from './errors';
import { hasMethods, invalidArgument } from './input';
import type { RetryOptions, TokenProvider } from './provider';
import type { RefreshSettings } from './refresh';
import type { TokenSharing } from './sharing';

/** Options of {@link AccessManager}. */
export interface AccessManagerOptions {
  /**
   * How long before the token expires `tokenAboutToExpire` fires, in milliseconds. It also sets
   * how often the idle manager's timer wakes the page: every `aboutToExpireMs` less a minute (at
   * least 15 s), so a page awake for this long before exp gets its refresh (or warning) at least
   * a minute before exp, even after a suspend that sent no wake signal.
   * @default 180_000 (three minutes, as the Twilio SDKs do: a wake-up every two minutes)
   */
  aboutToExpireMs?: number;
  /**
   * How long a client's `updateToken` may take before it is reported as a `clientError`
   * (`client-timeout`), in milliseconds. The other clients never wait for it.
   * @default 10_000
   */
  clientTimeoutMs?: number;
  /**
   * Where time, timers and wake signals come from. Tests pass a fake one.
   * @default browserClock
   */
  clock?: Clock;
  /**
   * The app's function that fetches a new token. With it, the manager keeps itself alive: it
   * fetches at once when it has no token, again before each token expires, and after a wake,
   * retrying with backoff until it succeeds, or until it says the user's session is over
   * (`session-ended`: `fromEndpoint` says it for 401 and 403).
   * @example tokenProvider: fromEndpoint('/token')
   */
  tokenProvider?: TokenProvider;
  /**
   * How long one refresh attempt (waiting for another tab, and the provider) may take before it
   * is aborted through its signal and retried, in milliseconds; handing the token to the clients
   * comes after, under `clientTimeoutMs`. It keeps a fetch
   * left half-open by a sleeping laptop from holding the refresh for ever.
   * @default 30_000
   */
  refreshTimeoutMs?: number;
  /**
   * How failed refreshes are retried.
   * @default { baseDelayMs: 1_000, maxDelayMs: 30_000 }
   */
  retry?: RetryOptions;
  /**
   * Shares one token across the open tabs of this origin: one tab fetches each new token and the
   * others adopt it. Made by `tabSharing(key)` from the opt-in entry `access-token-manager/tabs`, with
   * a key that differs per signed-in user. Where the browser lacks Web Locks or
   * BroadcastChannel, each tab fetches its own.
   * @example
   * import { tabSharing } from 'access-token-manager/tabs';
   * new AccessManager(null, { tokenProvider, shareAcrossTabs: tabSharing('my-app:' + userId) });
   */
  shareAcrossTabs?: TokenSharing;
  /**
   * Wait while the page is hidden instead of refreshing in a background tab. Leave it off when a
   * hidden tab must stay reachable (incoming Voice calls need a live registration).
   * @default false
   */
  pauseWhenHidden?: boolean;
}

/** The options with their defaults applied, as the manager and its refresher use them. */
export interface ResolvedOptions extends RefreshSettings {
  clientTimeoutMs: number;
}

/**
 * Checks the options and applies their defaults.
 * @throws {@link AccessTokenError} `invalid-argument` for an option of the wrong type, or a
 *   duration that is not a finite number of milliseconds, 0 or more (above 0 for the retry delays
 *   and the refresh time limit, which would otherwise retry in a tight loop or fail every attempt
 *   at once).
 */
export function resolveOptions(options: AccessManagerOptions): ResolvedOptions {
  const { tokenProvider, shareAcrossTabs, clock = browserClock, pauseWhenHidden = false } = options;
  const retry = options.retry ?? {};
  if (tokenProvider !== undefined && typeof tokenProvider !== 'function') {
    throw invalidOption('tokenProvider', 'a function ({ reason, signal }) => token', tokenProvider);
  }
  if (shareAcrossTabs !== undefined && !hasMethods(shareAcrossTabs, ['connect'])) {
    // A string was the option's value before tab sharing became its own entry.
    throw invalidOption(
      'shareAcrossTabs',
      "tabSharing(key) from import { tabSharing } from 'access-token-manager/tabs'",
      shareAcrossTabs,
    );
  }
  if (typeof pauseWhenHidden !== 'boolean') {
    throw invalidOption('pauseWhenHidden', 'true or false', pauseWhenHidden);
  }
  if (!hasMethods(clock, ['now', 'setTimeout', 'clearTimeout', 'onWake'])) {
    throw invalidOption('clock', 'a Clock ({ now, setTimeout, clearTimeout, onWake })', clock);
  }
  return {
    clock,
    tokenProvider,
    shareAcrossTabs,
    pauseWhenHidden,
    aboutToExpireMs: durationOption('aboutToExpireMs', options.aboutToExpireMs, 180_000, 0),
    clientTimeoutMs: durationOption('clientTimeoutMs', options.clientTimeoutMs, 10_000, 0),
    refreshTimeoutMs: durationOption('refreshTimeoutMs', options.refreshTimeoutMs, 30_000, 1),
    retry: {
      baseDelayMs: durationOption('retry.baseDelayMs', retry.baseDelayMs, 1_000, 1),
      maxDelayMs: durationOption('retry.maxDelayMs', retry.maxDelayMs, 30_000, 1),
    },
  };
}

/**
 * Reads the duration option `options.<name>`: `fallback` when it is not given.
 * @throws {@link AccessTokenError} `invalid-argument` unless it is a finite number of
 *   milliseconds of at least `minimum`.
 */
export function durationOption(
  name: string,
  value: number | undefined,
  fallback: number,
  minimum: 0 | 1,
): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !(value >= minimum) || !Number.isFinite(value)) {
    const expected =
      minimum === 0
        ? 'a finite number of milliseconds, 0 or more'
        : 'a finite number of milliseconds above 0';
    throw invalidOption(name, expected, value);
  }
  return value;
}

function invalidOption(name: string, expected: string, value: unknown): AccessTokenError {
  return invalidArgument(`options.${name}`, expected, value);
}
