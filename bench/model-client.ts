/**
 * CPU per model call, by HTTP client: `npx tsx bench/model-client.ts [calls]`. The AI SDK's generateText
 * against the local model fixture (answering at once, in this process), with the model's client
 * (lib/engine/llm.ts modelFetch, on node:http) and with the platform's fetch, interleaved over five rounds
 * of `calls` (default 600) calls 8 at a time; prints this process's CPU time per call (client and fixture
 * together, so the difference is the client's). Sends nothing beyond 127.0.0.1.
 */
import { createOpenAICompatible } from "@ai-sdk/openai-compatible";
import { generateText } from "ai";
import { modelFetch } from "@/lib/engine/llm";
import { startOpenAiServer } from "../tests/fixtures/openai-server";
import { fmt, median } from "./lib/stats";

async function main(): Promise<void> {
  const calls = Number(process.argv[2] ?? 600);
  const server = await startOpenAiServer();
  const system = "You are Acme's friendly support assistant. Answer from Acme's knowledge base. ".repeat(20);
  const messages = [
    { role: "user" as const, content: "What plans do you offer?" },
    { role: "assistant" as const, content: "We offer Starter, Core and Pro." },
    { role: "user" as const, content: "How much is the Pro plan?" },
  ];
  const clients: Record<string, typeof fetch> = {
    "modelFetch (node:http)": modelFetch,
    "platform fetch": (input, init) => globalThis.fetch(input, init),
  };
  const models = Object.entries(clients).map(
    ([name, fetch]) =>
      [name, createOpenAICompatible({ name: "llm", baseURL: server.url, fetch }).chatModel("fixture")] as const,
  );
  const round = async (model: (typeof models)[number][1], n: number) => {
    let started = 0;
    const before = process.cpuUsage();
    await Promise.all(
      Array.from({ length: 8 }, async () => {
        while (started++ < n) await generateText({ model, system, messages, maxRetries: 0 });
      }),
    );
    const used = process.cpuUsage(before);
    return (used.user + used.system) / 1000 / n;
  };
  try {
    for (const [, model] of models) await round(model, Math.ceil(calls / 2)); // warm-up
    const perCall = new Map<string, number[]>();
    for (let i = 0; i < 5; i++)
      for (const [name, model] of models) perCall.set(name, [...(perCall.get(name) ?? []), await round(model, calls)]);
    for (const [name, values] of perCall)
      console.log(
        `${name.padEnd(24)} ${fmt(median(values), 3)} ms of CPU per call (rounds: ${values.map((v) => fmt(v, 3)).join(", ")})`,
      );
  } finally {
    await server.close();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
