/**
 * The provider's "stop": the failures after which retrying cannot help until the app acts. The
 * user's session is over (`session-ended`, which `fromEndpoint` throws for 401 and 403, and which
 * any provider may throw), or the endpoint's URL cannot even be resolved here (a relative URL
 * during server rendering). The refresher then stops its automatic attempts for the token it
 * holds, and the manager reports the failure once, as `tokenError`; `refresh()`, or a new token,
 * starts again.
 */
import { AccessTokenError } from './errors';

/**
 * Whether `error` ends automatic refreshing until the app calls `refresh()` or gives a token.
 * @example if (endsRefreshing(error)) stopRetrying();
 */
export const endsRefreshing = (error: unknown): error is AccessTokenError =>
  error instanceof AccessTokenError &&
  (error.reason === 'session-ended' || error.reason === 'endpoint-no-origin');
