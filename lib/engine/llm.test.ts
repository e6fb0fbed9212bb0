import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { gzipSync } from "node:zlib";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { startOpenAiServer, type OpenAiServer } from "../../tests/fixtures/openai-server";
import { answerWithLlm, buildPrompt, estimateTokens, llmConfigFromEnv, streamWithLlm, type LlmConfig } from "./llm";
import { bot, knowledge } from "./test-knowledge";
import { GenerationError, type EngineInput, type Turn } from "./types";

const history: Turn[] = [
  { role: "user", content: "Do you ship to Canada?" },
  { role: "assistant", content: "Yes, we ship to the United States and Canada." },
  { role: "agent", content: "Hi, this is Sam from the team. Happy to help with customs questions too." },
];
const input: EngineInput = { bot, message: "How much is express delivery?", history, passages: knowledge.slice(0, 4) };

async function failure(promise: Promise<unknown>): Promise<GenerationError> {
  const error = await promise.then(
    () => undefined,
    (error: unknown) => error,
  );
  expect(error).toBeInstanceOf(GenerationError);
  return error as GenerationError;
}

async function readAll(stream: AsyncIterable<string>): Promise<string[]> {
  const deltas: string[] = [];
  for await (const delta of stream) deltas.push(delta);
  return deltas;
}

describe("llmConfigFromEnv", () => {
  it("needs a base URL and a model", () => {
    expect(llmConfigFromEnv({})).toBeNull();
    expect(llmConfigFromEnv({ LLM_BASE_URL: "http://localhost:11434/v1" })).toBeNull();
    expect(llmConfigFromEnv({ LLM_MODEL: "llama3.2" })).toBeNull();
  });

  it("reads the key and timeout, with a 25 s default", () => {
    expect(llmConfigFromEnv({ LLM_BASE_URL: "http://localhost:11434/v1/", LLM_MODEL: "llama3.2" })).toEqual({
      baseURL: "http://localhost:11434/v1",
      apiKey: undefined,
      model: "llama3.2",
      timeoutMs: 25_000,
    });
    expect(
      llmConfigFromEnv({
        LLM_BASE_URL: "https://api.example.com/v1",
        LLM_MODEL: "m",
        LLM_API_KEY: "sk-x",
        LLM_TIMEOUT_MS: "5000",
      }),
    ).toMatchObject({
      apiKey: "sk-x",
      timeoutMs: 5000,
    });
  });
});

describe("buildPrompt", () => {
  it("puts the instructions, rules and numbered, titled passages in the system prompt", () => {
    const { system, messages, passages } = buildPrompt(input);
    expect(system.startsWith(bot.instructions)).toBe(true);
    expect(system).toContain(bot.fallbackMessage);
    expect(system).toMatch(/<knowledge>\n\[1\] Pricing — Pricing plans\n# Pricing plans/);
    expect(system).toContain("[4] Shipping\n## Shipping");
    expect(passages).toEqual(knowledge.slice(0, 4));
    expect(messages).toEqual([
      { role: "user", content: "Do you ship to Canada?" },
      {
        role: "assistant",
        content:
          "Yes, we ship to the United States and Canada.\n\n[Team member] Hi, this is Sam from the team. Happy to help with customs questions too.",
      },
      { role: "user", content: "How much is express delivery?" },
    ]);
  });

  it("says when no knowledge matched", () => {
    const { system } = buildPrompt({ ...input, passages: [] });
    expect(system).not.toContain("<knowledge>");
    expect(system).toContain("No knowledge matched this message.");
  });

  it("keeps within the budget: oldest turns go first, then the lowest-scored passages", () => {
    const longHistory: Turn[] = Array.from({ length: 40 }, (_, i) => ({
      role: i % 2 === 0 ? "user" : "assistant",
      content: `turn ${i} ${"lorem ipsum ".repeat(40)}`,
    }));
    const size = (prompt: ReturnType<typeof buildPrompt>) =>
      estimateTokens(prompt.system) +
      prompt.messages.reduce((sum, message) => sum + estimateTokens(message.content) + 4, 4);

    const roomy = buildPrompt({ ...input, history: longHistory }, { maxPromptTokens: 3000 });
    expect(size(roomy)).toBeLessThanOrEqual(3000);
    expect(roomy.passages).toHaveLength(4);
    expect(roomy.messages.length).toBeLessThan(41);
    expect(roomy.messages.at(-1)?.content).toBe(input.message);
    expect(roomy.messages.at(-2)?.content).toMatch(/^turn 39 /); // newest kept
    expect(roomy.messages.some((message) => message.content.startsWith("turn 0 "))).toBe(false);

    const tight = buildPrompt({ ...input, history: longHistory }, { maxPromptTokens: 700 });
    expect(size(tight)).toBeLessThanOrEqual(700);
    expect(tight.passages).toEqual(knowledge.slice(0, 2)); // the lowest-scored went
    expect(tight.messages.map((message) => message.content.slice(0, 8))).toEqual([
      "turn 38 ",
      "turn 39 ",
      input.message.slice(0, 8),
    ]);

    const tiny = buildPrompt({ ...input, history: longHistory }, { maxPromptTokens: 300 });
    expect(size(tiny)).toBeLessThanOrEqual(300);
    expect(tiny.passages).toHaveLength(1);
    expect(tiny.passages[0]?.content).toMatch(/^# Pricing plans[\s\S]*…$/); // the best passage stays, shortened
    expect(tiny.messages).toEqual([{ role: "user", content: input.message }]);
  });
});

describe("answerWithLlm and streamWithLlm against an OpenAI-compatible server", () => {
  let server: OpenAiServer;
  let config: LlmConfig;

  beforeAll(async () => {
    server = await startOpenAiServer();
    config = { baseURL: server.url, apiKey: "sk-test", model: "test-model", timeoutMs: 5_000 };
  });
  afterAll(() => server.close());
  beforeEach(() => {
    server.setMode("ok");
    server.requests.length = 0;
  });

  it("sends the passages and the conversation, and returns the model's reply", async () => {
    const result = await answerWithLlm(input, config);
    expect(result).toEqual({
      reply:
        "Echo: How much is express delivery? | context: [1] Pricing — Pricing plans # Pricing plans Brightleaf offer",
      usedPassages: knowledge.slice(0, 4),
      engine: "llm",
      kind: "answer",
    });
    expect(server.requests).toHaveLength(1);
    const [request] = server.requests;
    expect(request?.authorization).toBe("Bearer sk-test");
    expect(request?.body.model).toBe("test-model");
    const [system, ...turns] = request?.body.messages as { role: string; content: string }[];
    expect(system?.role).toBe("system");
    expect(system?.content).toContain("Express delivery (1 to 2 business days) costs $12.");
    expect(turns.map((turn) => turn.role)).toEqual(["user", "assistant", "user"]);
    expect(turns[1]?.content).toContain("[Team member] Hi, this is Sam");
  });

  it("times out on a model that never answers", async () => {
    server.setMode("hang");
    const error = await failure(answerWithLlm(input, { ...config, timeoutMs: 300 }));
    expect(error.code).toBe("generation_timeout");
    expect(server.requests).toHaveLength(1);
  });

  it("retries a 500 exactly once, then fails", async () => {
    server.setMode("fail");
    const error = await failure(answerWithLlm(input, config));
    expect(error.code).toBe("generation_failed");
    expect(server.requests).toHaveLength(2);
  });

  it("succeeds when the retry does", async () => {
    server.setMode("fail-once");
    const result = await answerWithLlm(input, config);
    expect(result.reply).toMatch(/^Echo: How much is express delivery\?/);
    expect(server.requests).toHaveLength(2);
  });

  it("treats an empty reply as a failure", async () => {
    server.setMode("empty");
    expect((await failure(answerWithLlm(input, config))).code).toBe("generation_failed");
    expect(server.requests).toHaveLength(1);
  });

  it("does not retry a 4xx", async () => {
    let calls = 0;
    const rejecting = createServer((req, res) => {
      calls++;
      req
        .resume()
        .on("end", () =>
          res.writeHead(400, { "content-type": "application/json" }).end('{"error":{"message":"bad model"}}'),
        );
    });
    await new Promise<void>((resolve) => rejecting.listen(0, "127.0.0.1", resolve));
    try {
      const { port } = rejecting.address() as AddressInfo;
      const error = await failure(answerWithLlm(input, { ...config, baseURL: `http://127.0.0.1:${port}/v1` }));
      expect(error.code).toBe("generation_failed");
      expect(calls).toBe(1);
    } finally {
      await new Promise((resolve) => rejecting.close(resolve));
    }
  });

  it("reads a reply the server compressed, and a connection it dropped is retried", async () => {
    let calls = 0;
    const gzipping = createServer((req, res) => {
      calls++;
      req.resume().on("end", () => {
        if (calls === 1) return res.socket?.destroy(); // dropped before any answer: a network failure
        const reply = { choices: [{ index: 0, message: { role: "assistant", content: "Compressed hello" } }] };
        res.writeHead(200, { "content-type": "application/json", "content-encoding": "gzip" });
        res.end(gzipSync(JSON.stringify(reply)));
      });
    });
    await new Promise<void>((resolve) => gzipping.listen(0, "127.0.0.1", resolve));
    try {
      const { port } = gzipping.address() as AddressInfo;
      const result = await answerWithLlm(input, { ...config, baseURL: `http://127.0.0.1:${port}/v1` });
      expect(result.reply).toBe("Compressed hello");
      expect(calls).toBe(2);
    } finally {
      gzipping.closeAllConnections();
      await new Promise((resolve) => gzipping.close(resolve));
    }
  });

  it("fails (not times out) when nothing listens", async () => {
    const error = await failure(answerWithLlm(input, { ...config, baseURL: "http://127.0.0.1:1/v1" }));
    expect(error.code).toBe("generation_failed");
  });

  it("stops when the caller aborts", async () => {
    server.setMode("hang");
    const controller = new AbortController();
    const pending = answerWithLlm(input, config, { signal: controller.signal });
    controller.abort();
    expect((await failure(pending)).code).toBe("generation_failed");
  });

  it("streams deltas that join to the final reply", async () => {
    const { textStream, final } = streamWithLlm(input, config);
    const deltas = await readAll(textStream);
    const result = await final;
    expect(deltas.length).toBeGreaterThan(1);
    expect(deltas.join("")).toBe(result.reply);
    expect(result).toMatchObject({ engine: "llm", kind: "answer", usedPassages: knowledge.slice(0, 4) });
    expect(result.reply).toMatch(/^Echo: How much is express delivery\? \| context: \[1\] Pricing/);
    expect(server.requests[0]?.body.stream).toBe(true);
  });

  it("streams after one retry", async () => {
    server.setMode("fail-once");
    const { textStream, final } = streamWithLlm(input, config);
    expect((await readAll(textStream)).join("")).toBe((await final).reply);
    expect(server.requests).toHaveLength(2);
  });

  it.each([
    ["fail", "generation_failed", 2],
    ["empty", "generation_failed", 1],
    ["hang", "generation_timeout", 1],
  ] as const)("streaming in %s mode throws %s", async (mode, code, requests) => {
    server.setMode(mode);
    const { textStream, final } = streamWithLlm(input, {
      ...config,
      timeoutMs: mode === "hang" ? 300 : config.timeoutMs,
    });
    expect((await failure(readAll(textStream))).code).toBe(code);
    expect((await failure(final)).code).toBe(code);
    expect(server.requests).toHaveLength(requests);
  });

  it("settles final when the reader stops early", async () => {
    const { textStream, final } = streamWithLlm(input, config);
    for await (const delta of textStream) {
      expect(delta).toBeTruthy();
      break;
    }
    expect((await failure(final)).code).toBe("generation_failed");
  });
});
