/**
 * A short-lived, in-process cache of what the Chat API needs to admit a request (integration, plan,
 * bot, live key hashes). Every change made through db/queries clears it in this process at once;
 * other app instances see a change within PARLEY_AUTH_CACHE_MS (default 2 s): that is how quickly
 * a revoked key, a deleted integration or a new allowlist takes effect everywhere.
 */
// On globalThis: Next bundles server actions and route handlers separately, and a change made by an
// action must clear the cache the Chat API route reads.
const KEY = Symbol.for("parley.apiAuthCache");
const g = globalThis as typeof globalThis & { [KEY]?: Map<string, { expires: number; value: unknown }> };
const entries = (g[KEY] ??= new Map());
const MAX_ENTRIES = 10_000;

/** How long an instance may keep what it read for the Chat API (PARLEY_AUTH_CACHE_MS, default 2 s; 0: not at all). */
export function authCacheMs(): number {
  const raw = process.env.PARLEY_AUTH_CACHE_MS;
  return raw === undefined || raw === "" ? 2000 : Math.max(0, Number(raw) || 0);
}

/** The cached value for `key`, or `load()`'s (cached for the TTL, "not found" included). */
export async function cachedApiAuth<T>(key: string, load: () => Promise<T>): Promise<T> {
  const ttl = authCacheMs();
  if (ttl === 0) return load();
  const now = Date.now();
  const hit = entries.get(key);
  if (hit && hit.expires > now) return hit.value as T;
  const value = await load();
  if (entries.size >= MAX_ENTRIES) entries.clear();
  entries.set(key, { expires: now + ttl, value });
  return value;
}

/** Forgets cached admissions: one integration's, or all (a plan or bot change touches many). */
export function invalidateApiAuth(integrationId?: string): void {
  if (integrationId) entries.delete(integrationId);
  else entries.clear();
}
