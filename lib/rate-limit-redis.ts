import { Redis } from "ioredis";
import { allowedResult, refusedResult, type RateLimitResult } from "./rate-limit";

// The same GCRA as the SQL limiter, as one script on Redis's own clock: atomic, so exact across instances.
const GCRA = `
local emission = tonumber(ARGV[1])
local period = tonumber(ARGV[2])
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local tat = tonumber(redis.call('GET', KEYS[1]) or now)
if tat < now then tat = now end
local new_tat = tat + emission
if new_tat - now > period then
  return {0, tat - now}
end
redis.call('SET', KEYS[1], tostring(new_tat), 'PX', math.ceil(new_tat - now) + 1000)
return {1, new_tat - now}
`;

type Client = Redis & { gcra(key: string, emissionMs: number, periodMs: number): Promise<[number, number]> };

let client: { url: string; redis: Client } | undefined;

function redisFor(url: string): Client {
  if (client?.url !== url) {
    client?.redis.disconnect();
    const redis = new Redis(url, {
      // Fail fast and let the caller fall back to PostgreSQL: a limiter that waits on a dead Redis stalls every
      // request. Commands sent while connecting wait for the connection (bounded by commandTimeout).
      enableOfflineQueue: true,
      maxRetriesPerRequest: 0,
      connectTimeout: 1000,
      commandTimeout: 250,
      lazyConnect: false,
    }) as Client;
    redis.on("error", () => {}); // reported per command, where the fallback happens
    redis.defineCommand("gcra", { numberOfKeys: 1, lua: GCRA });
    client = { url, redis };
  }
  return client.redis;
}

/** GCRA on Redis (REDIS_URL). Throws when Redis is unreachable; the caller falls back to PostgreSQL. */
export async function consumeRateLimitRedis(
  url: string,
  { key, limit, periodSeconds }: { key: string; limit: number; periodSeconds: number },
): Promise<RateLimitResult> {
  const emissionMs = (periodSeconds * 1000) / limit;
  const periodMs = periodSeconds * 1000;
  const [allowed, aheadMs] = await redisFor(url).gcra(`parley:rl:${key}`, emissionMs, periodMs);
  return allowed === 1 ? allowedResult(limit, periodSeconds, aheadMs / 1000) : refusedResult(limit, periodSeconds, aheadMs / 1000);
}

/** Seconds the key's theoretical arrival time is ahead of Redis's clock (0 when idle). */
export async function peekRateLimitRedis(url: string, key: string): Promise<number> {
  const redis = redisFor(url);
  const [tat, [sec, micro]] = await Promise.all([redis.get(`parley:rl:${key}`), redis.time()]);
  if (!tat) return 0;
  const now = Number(sec) * 1000 + Math.floor(Number(micro) / 1000);
  return Math.max(0, Number(tat) - now) / 1000;
}

/** Closes the shared Redis connection (tests, shutdown). */
export function closeRedisRateLimiter(): void {
  client?.redis.disconnect();
  client = undefined;
}
