/**
 * A pure function of a string, remembered: the word-level work of every reply (stems, dictionary lookups,
 * inflections) repeats the same few thousand words of a bot's knowledge and its customers' questions.
 * Bounded: past `max` entries the memory starts over, so a flood of distinct words costs at most `max` entries.
 * The results are shared between callers: a caller must not change what it gets back.
 */
export function memoize<V>(fn: (key: string) => V, max = 50_000): (key: string) => V {
  const cache = new Map<string, V>();
  return (key: string) => {
    const hit = cache.get(key);
    if (hit !== undefined || cache.has(key)) return hit as V;
    const value = fn(key);
    if (cache.size >= max) cache.clear();
    cache.set(key, value);
    return value;
  };
}
