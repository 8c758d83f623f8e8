/**
 * Adapters that know each Twilio SDK: `manager.register(voice(device))`, `manager.register(taskRouter(worker))`. They import no SDK, so
 * the SDKs stay the app's own dependencies; each returns a `TokenClient` with the grant and name
 * preset.
 *
 * @packageDocumentation
 */
export { conversations } from './conversations';
export { sync } from './sync';
export { chat } from './chat';
export { voice } from './voice';
export { taskRouter } from './taskRouter';
export type { TwilsockClient, TwilsockConnectionError } from './twilsock';
export type { VoiceDevice, VoiceError } from './voice';
export type { TaskRouterError, TaskRouterWorker } from './taskRouter';
