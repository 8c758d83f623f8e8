'use client';
/**
 * React bindings: `access-token-manager/react`. A provider and hooks over the public
 * {@link AccessManager} API; React 18 or later.
 *
 * @example
 * import { AccessManagerProvider, useAccessToken } from 'access-token-manager/react';
 *
 * @packageDocumentation
 */
export { AccessManagerProvider } from './provider';
export type { AccessManagerProviderProps } from './provider';
export { useAccessManager } from './useAccessManager';
export { useAccessToken } from './useAccessToken';
export { useAccessManagerEvent } from './useAccessManagerEvent';
export { useRegisterClient } from './useRegisterClient';
export { useClient } from './useClient';
export type { UseClientOptions } from './useClient';
export type { ClientRegistration } from '../bindings/registration';
export type { AccessTokenSnapshot, AccessTokenStatus } from 'access-token-manager';
