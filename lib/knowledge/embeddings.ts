import { compatibleModel } from "@/lib/engine/compatible";
import { APICallError, embed, embedMany, type EmbeddingModel } from "ai";

/** Where and how to reach an OpenAI-compatible embeddings endpoint (POST {baseURL}/embeddings). */
export type EmbeddingConfig = {
  baseURL: string;
  apiKey?: string;
  model: string;
  /** Deadline of one batch call at import. */
  timeoutMs: number;
  /** Deadline of a question's embedding: past it, that question is answered by full text alone. */
  queryTimeoutMs: number;
  /** Vector candidates below this cosine similarity are not passages of the answer. */
  minSimilarity: number;
};

const DEFAULT_TIMEOUT_MS = 30_000;
const DEFAULT_QUERY_TIMEOUT_MS = 3_000;
/**
 * Cosine similarity under which a vector neighbour is left out. Nearest neighbours always exist, even for
 * a question the knowledge does not cover; this floor keeps the unrelated ones out. 0.3 sits under what
 * common embedding models give a paraphrase and over what they give unrelated text; models differ, so
 * EMBEDDING_MIN_SIMILARITY overrides it.
 */
const DEFAULT_MIN_SIMILARITY = 0.3;

const positive = (value: string | undefined, fallback: number) => {
  const n = Number(value);
  return value !== undefined && value.trim() !== "" && Number.isFinite(n) && n > 0 ? n : fallback;
};

/**
 * The embedding settings: EMBEDDING_MODEL (unset: no embeddings at all), on EMBEDDING_BASE_URL or else
 * LLM_BASE_URL, with EMBEDDING_API_KEY (or LLM_API_KEY when the base URL is the model engine's).
 * EMBEDDING_TIMEOUT_MS, EMBEDDING_QUERY_TIMEOUT_MS and EMBEDDING_MIN_SIMILARITY tune it. Null when unset.
 */
export function embeddingConfigFromEnv(env: Record<string, string | undefined> = process.env): EmbeddingConfig | null {
  const model = env.EMBEDDING_MODEL?.trim();
  if (!model) return null;
  const own = env.EMBEDDING_BASE_URL?.trim();
  const baseURL = (own || env.LLM_BASE_URL?.trim())?.replace(/\/+$/, "");
  if (!baseURL) return null;
  const minSimilarity = Number(env.EMBEDDING_MIN_SIMILARITY);
  return {
    baseURL,
    apiKey: (own ? env.EMBEDDING_API_KEY : (env.EMBEDDING_API_KEY ?? env.LLM_API_KEY))?.trim() || undefined,
    model,
    timeoutMs: positive(env.EMBEDDING_TIMEOUT_MS, DEFAULT_TIMEOUT_MS),
    queryTimeoutMs: positive(env.EMBEDDING_QUERY_TIMEOUT_MS, DEFAULT_QUERY_TIMEOUT_MS),
    minSimilarity:
      env.EMBEDDING_MIN_SIMILARITY?.trim() && Number.isFinite(minSimilarity) && minSimilarity >= -1 && minSimilarity < 1
        ? minSimilarity
        : DEFAULT_MIN_SIMILARITY,
  };
}

/** Problems with EMBEDDING_* settings worth a line in the log at start (a model with no URL to reach it). */
export function embeddingConfigProblem(env: Record<string, string | undefined> = process.env): string | null {
  if (env.EMBEDDING_MODEL?.trim() && !env.EMBEDDING_BASE_URL?.trim() && !env.LLM_BASE_URL?.trim())
    return "EMBEDDING_MODEL is set but neither EMBEDDING_BASE_URL nor LLM_BASE_URL is: embeddings are off.";
  return null;
}

/** The platform's fetch, not the one Next.js patches inside routes (see lib/engine/llm.ts). */
const platformFetch: typeof fetch = (input, init) => {
  const current = globalThis.fetch as typeof fetch & { _nextOriginalFetch?: typeof fetch };
  return (current._nextOriginalFetch ?? current)(input, init);
};

function embeddingModel(config: EmbeddingConfig): EmbeddingModel {
  return compatibleModel("embeddings", config, platformFetch, (provider, model) => provider.embeddingModel(model));
}

/** Scales a vector to length 1 (cosine similarity becomes a dot product); a zero vector stays zero. */
export function normalize(vector: number[]): number[] {
  let sum = 0;
  for (const x of vector) sum += x * x;
  const norm = Math.sqrt(sum);
  return norm > 0 ? vector.map((x) => x / norm) : vector.map(() => 0);
}

function check(vectors: number[][], expected: number): number[][] {
  if (vectors.length !== expected)
    throw new Error(`The embedding endpoint returned ${vectors.length} vectors for ${expected} texts.`);
  const dims = vectors[0]?.length ?? 0;
  for (const v of vectors) {
    if (v.length === 0 || v.length !== dims || v.some((x) => !Number.isFinite(x)))
      throw new Error("The embedding endpoint returned vectors of unequal length or with values that are not numbers.");
  }
  return vectors.map(normalize);
}

/**
 * Short text for a failed embedding call, shown on the source in the dashboard: it names no address or
 * key (the detail goes to the log, see embeddingErrorDetail).
 */
export function describeEmbeddingError(error: unknown): string {
  // The SDK's retry wraps the last failure.
  const last = (error as { lastError?: unknown } | undefined)?.lastError;
  if (last) return describeEmbeddingError(last);
  const e = error as { statusCode?: number; name?: string } | undefined;
  if (e?.name === "TimeoutError" || e?.name === "AbortError") return "The embedding endpoint did not answer in time.";
  if (typeof e?.statusCode === "number") return `The embedding endpoint answered ${e.statusCode}.`;
  if (APICallError.isInstance(error) || error instanceof TypeError)
    return "The embedding endpoint could not be reached.";
  return "The embedding endpoint returned something unexpected.";
}

/** The failure's own message, for the log only. */
export function embeddingErrorDetail(error: unknown): string {
  const last = (error as { lastError?: unknown } | undefined)?.lastError ?? error;
  return (last instanceof Error ? `${last.name}: ${last.message}` : String(last)).slice(0, 300);
}

/** Embeds texts in one call (the import batches them), normalised; throws on failure or after timeoutMs. */
export async function embedTexts(config: EmbeddingConfig, texts: string[]): Promise<number[][]> {
  if (texts.length === 0) return [];
  const { embeddings } = await embedMany({
    model: embeddingModel(config),
    values: texts,
    maxRetries: 0, // the worker retries with its own back-off
    maxParallelCalls: 1,
    abortSignal: AbortSignal.timeout(config.timeoutMs),
  });
  return check(embeddings, texts.length);
}

/** Embeds one question, normalised; throws on failure or after queryTimeoutMs (the caller falls back to full text). */
export async function embedQuery(config: EmbeddingConfig, text: string, signal?: AbortSignal): Promise<number[]> {
  const timeout = AbortSignal.timeout(config.queryTimeoutMs);
  const { embedding } = await embed({
    model: embeddingModel(config),
    value: text,
    maxRetries: 0,
    abortSignal: signal ? AbortSignal.any([signal, timeout]) : timeout,
  });
  return check([embedding], 1)[0]!;
}
