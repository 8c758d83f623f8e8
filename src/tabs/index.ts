/**
 * `access-token-manager/tabs`: share one token across the app's open tabs. An opt-in entry, so an app
 * that does not share tabs ships none of it. It uses the core only through `'access-token-manager'`.
 *
 * @example
 * import { tabSharing } from 'access-token-manager/tabs';
 * new AccessManager(null, { tokenProvider, shareAcrossTabs: tabSharing('my-app:' + userId) });
 *
 * @packageDocumentation
 */
export { tabSharing } from './tabSharing';
