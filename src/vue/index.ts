/**
 * Vue bindings: `access-token-manager/vue`. {@link provideAccessManager} in the root component's
 * `setup`, and composables over the public `AccessManager` API (its snapshot and
 * `subscribe`); Vue 3.3 or later. Nothing starts during server rendering.
 *
 * @example
 * import { provideAccessManager, useAccessToken } from 'access-token-manager/vue';
 *
 * @packageDocumentation
 */
export { provideAccessManager } from './provideAccessManager';
export { useAccessManager } from './useAccessManager';
export { useAccessToken } from './useAccessToken';
export { useAccessManagerEvent } from './useAccessManagerEvent';
export { useRegisterClient } from './useRegisterClient';
export { useClient } from './useClient';
export type { UseClientOptions } from './useClient';
export type { ClientRegistration } from '../bindings/registration';
export type { AccessTokenSnapshot, AccessTokenStatus } from 'access-token-manager';
