import { SDK_TOKEN_CODES, type TokenClient, type TokenClientHost } from 'access-token-manager';

/**
 * What the adapter reads of an error a Device emits (a `TwilioError`).
 *
 * @example device.on('error', (error: VoiceError) => console.warn(error.code));
 */
export interface VoiceError {
  /** The Twilio error code, such as 20104 or 31204. */
  readonly code?: number | undefined;
}

/**
 * The part of a Voice `Device` (`@twilio/voice-sdk`) the adapter uses.
 *
 * @example const like: VoiceDevice = device;
 */
export interface VoiceDevice {
  /** `'unregistered'`, `'registering'`, `'registered'` or `'destroyed'`. */
  readonly state: string;
  /** The token the Device holds. */
  readonly token: string | null;
  /** Takes the token at once; throws in the `'destroyed'` state. */
  updateToken(token: string): void;
  /** Adds a listener of its token warning or its end. */
  on(event: 'tokenWillExpire' | 'destroyed', listener: () => void): unknown;
  /** Adds a listener of its errors. */
  on(event: 'error', listener: (error: VoiceError) => void): unknown;
  /** Removes a listener of its token warning or its end. */
  removeListener(event: 'tokenWillExpire' | 'destroyed', listener: () => void): unknown;
  /** Removes a listener of its errors. */
  removeListener(event: 'error', listener: (error: VoiceError) => void): unknown;
}

// A refused token: a code of the core's one table of SDK token codes, so the two never drift.
const isTokenFault = (code: number): boolean => Object.hasOwn(SDK_TOKEN_CODES, code);

/**
 * Adapts a Voice `Device` for `manager.register`, with the `voice` grant and the name `"voice"`
 * preset.
 *
 * It listens to the Device's `tokenWillExpire` (timed from the TTL its server reports: with a
 * `tokenProvider` the manager refreshes, once however many SDKs warn; the Device keeps the timer of
 * a token it no longer holds, and the manager ignores a warning that finds the current token with
 * more life left than a warning allows), `error` (a refused token: any code of the core's
 * `SDK_TOKEN_CODES`, Voice's being 20101-20107, 20151, 20157, 31102, 31201, 31202, 31204, 31205,
 * 31207 and 51007; reported once as `tokenError` with the Device's error as `cause`, and with a
 * `tokenProvider` a new token is fetched; the Device reports 31202 and 31207 as such only with its
 * option `enableImprovedSignalingErrorPrecision`, else as 53000, which tells no token fault) and
 * `destroyed` (it unregisters itself; a destroyed Device is never handed a token).
 *
 * `Device.updateToken` takes the token at once, then may throw TransportError 31009 while its
 * signaling socket is down and no `'error'` listener is added: the Device holds the new token then,
 * so this is not reported as a failure. As the adapter listens to `'error'`, the Device no longer
 * throws its errors out of its own code when the app has no listener: add one to see them.
 *
 * @param device - a Voice Device, created with the manager's current token.
 * @returns what `register` takes.
 * @example
 * const device = new Device(manager.token!);
 * manager.register(voice(device));
 */
export function voice(device: VoiceDevice): TokenClient {
  return {
    name: 'voice',
    requires: 'voice',
    sdkClient: device,
    updateToken(token: string): void {
      if (device.state === 'destroyed') return;
      try {
        device.updateToken(token);
      } catch (error) {
        if (device.token !== token) throw error;
      }
    },
    attach(host: TokenClientHost): () => void {
      const onError = (error: VoiceError): void => {
        if (isTokenFault(typeof error?.code === 'number' ? error.code : 0)) host.rejected(error);
      };
      const onDestroyed = (): void => host.unregister();
      device.on('tokenWillExpire', host.aboutToExpire);
      device.on('destroyed', onDestroyed);
      device.on('error', onError);
      if (device.state === 'destroyed') host.unregister();
      return () => {
        device.removeListener('tokenWillExpire', host.aboutToExpire);
        device.removeListener('destroyed', onDestroyed);
        device.removeListener('error', onError);
      };
    },
  };
}
