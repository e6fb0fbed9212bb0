import { createOpenAICompatible, type OpenAICompatibleProvider } from "@ai-sdk/openai-compatible";

type Endpoint = { baseURL: string; apiKey?: string; model: string };

const models = new Map<string, unknown>();

/**
 * A model of an OpenAI-compatible endpoint (the chat model, the embedding model), built once per configuration:
 * making its provider costs about 0.25 ms, which the hot path would otherwise pay on every request. `name` tells the
 * two uses apart; `pick` chooses the model of the provider.
 */
export function compatibleModel<M>(
  name: string,
  endpoint: Endpoint,
  fetch: typeof globalThis.fetch,
  pick: (provider: OpenAICompatibleProvider, model: string) => M,
): M {
  const key = `${name}\n${endpoint.baseURL}\n${endpoint.apiKey ?? ""}\n${endpoint.model}`;
  let model = models.get(key) as M | undefined;
  if (model === undefined) {
    if (models.size >= 16) models.clear(); // a configuration changes rarely; never let old ones pile up
    model = pick(
      createOpenAICompatible({ name, baseURL: endpoint.baseURL, apiKey: endpoint.apiKey, fetch }),
      endpoint.model,
    );
    models.set(key, model);
  }
  return model;
}
