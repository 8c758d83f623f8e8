// ?ttl=…&aboutToExpireMs=…&identity=… change the defaults: a 3-minute token, warned about and
// refreshed a minute before it expires.
const params = new URLSearchParams(location.search);

export const ttlSeconds = Number(params.get('ttl') ?? 180);
export const aboutToExpireMs = Number(params.get('aboutToExpireMs') ?? 60_000);
export const identity = params.get('identity') ?? 'vue_user';
