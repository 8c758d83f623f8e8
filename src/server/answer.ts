// How the token route answers, whoever answers: the handler, or toNodeHandler for a request it
// cannot even hand to the handler.

/**
 * @internal Every answer: JSON (or nothing, for a preflight), never stored by a browser, a CDN or
 * a proxy (a token is per user), never sniffed as another type than it says.
 */
export function answer(status: number, body: unknown, headers: Record<string, string> = {}): Response {
  return new Response(body === null ? null : JSON.stringify(body), {
    status,
    headers: {
      ...(body === null ? {} : { 'content-type': 'application/json; charset=utf-8' }),
      'cache-control': 'no-store',
      'x-content-type-options': 'nosniff',
      ...headers,
    },
  });
}
