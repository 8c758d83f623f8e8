// Shared by the framework entries (access-token-manager/react and /vue): what they hand the app
// where no real manager may run (server rendering, React's first render before the provider owns one).
import { AccessManager, browserClock } from 'access-token-manager';

/** A clock that never wakes: the idle stand-in must add no listener to the page. */
const SLEEPING_CLOCK = { ...browserClock, onWake: () => () => {} };

/**
 * An idle manager: no token, no provider, no timer, no listener; its snapshot is `'empty'`.
 * @returns a new one.
 */
export const createIdleManager = (): AccessManager => new AccessManager(null, { clock: SLEEPING_CLOCK });
