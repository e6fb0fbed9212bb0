import { Redis } from "ioredis";
import type { RateGrant } from "@/db/queries/limits";

/**
 * The rate limit's store on Redis (REDIS_URL): the same batched rule as PostgreSQL's gcra_admit
 * (db/migrations), as one script on Redis's own clock, atomic, so exact across instances. lib/rate-limit.ts
 * chooses the store and turns the grant into each request's numbers (lib/gcra.ts).
 *
 * The script takes a chain of keys (an end user's limit, then the integration's): each key lets through
 * what the ones before it did, up to its own room, and every key is spent by what the last one let
 * through, so a request a later limit refuses is given back to the earlier ones, as on PostgreSQL.
 * (On Redis Cluster the keys of one chain would need one hash slot; Parley uses a single Redis.)
 */
const GCRA_ADMIT = `
local n = tonumber(ARGV[1])
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + tonumber(t[2]) / 1000
local tats, out = {}, {}
local granted = n
for i = 1, #KEYS do
  local emission = tonumber(ARGV[2 * i])
  local period = tonumber(ARGV[2 * i + 1])
  local tat = tonumber(redis.call('GET', KEYS[i]) or now)
  if tat < now then tat = now end
  local ahead = tat - now
  granted = math.min(granted, math.max(0, math.floor((period - ahead) / emission + 1e-6)))
  tats[i] = tat
  out[2 * i - 1] = granted
  out[2 * i] = string.format('%.3f', ahead)
end
if granted > 0 then
  for i = 1, #KEYS do
    local new_tat = tats[i] + granted * tonumber(ARGV[2 * i])
    redis.call('SET', KEYS[i], string.format('%.3f', new_tat), 'PX', math.ceil(new_tat - now) + 1000)
  end
end
return out
`;

type Client = Redis & {
  gcraAdmit(...keysThenArgs: Array<string | number>): Promise<Array<number | string>>;
};

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
    redis.defineCommand("gcraAdmit", { lua: GCRA_ADMIT }); // the number of keys goes first in each call
    client = { url, redis };
  }
  return client.redis;
}

const redisKey = (key: string) => `parley:rl:${key}`;

type Limit = { key: string; limit: number; periodSeconds: number };

/**
 * n requests against a chain of limits at once (the end user's, then the integration's): the grant of
 * each as the chain stands at it; every key is spent by the last grant. Rejects when Redis is unreachable.
 */
export async function gcraAdmitChainRedis(url: string, n: number, chain: Limit[]): Promise<RateGrant[]> {
  const args = chain.flatMap(({ limit, periodSeconds }) => [(periodSeconds * 1000) / limit, periodSeconds * 1000]);
  const out = await redisFor(url).gcraAdmit(chain.length, ...chain.map((c) => redisKey(c.key)), n, ...args);
  return chain.map((_, i) => ({ granted: Number(out[2 * i]), baseAhead: Number(out[2 * i + 1]) / 1000 }));
}

/** Seconds the key's arrival time is ahead of Redis's clock (0 when idle). Rejects when Redis is unreachable. */
export async function rateLimitAheadRedis(url: string, key: string): Promise<number> {
  const redis = redisFor(url);
  const [tat, [sec, micro]] = await Promise.all([redis.get(redisKey(key)), redis.time()]);
  if (!tat) return 0;
  const now = Number(sec) * 1000 + Number(micro) / 1000;
  return Math.max(0, Number(tat) - now) / 1000;
}

/** Closes the shared Redis connection (tests, shutdown). */
export function closeRedisRateLimiter(): void {
  client?.redis.disconnect();
  client = undefined;
}
