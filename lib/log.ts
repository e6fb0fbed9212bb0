import { API_KEY_PATTERN } from "./api-keys";

type Fields = Record<string, unknown>;
type Sink = (line: string) => void;
/** Sees every event, logged or not (PARLEY_LOG=silent): the metrics count from here. */
export type LogListener = (event: string, fields: Fields) => void;

const stdout: Sink = (line) => process.stdout.write(line + "\n");
let sink: Sink = stdout;
// On globalThis: server.ts and Next's route bundles load this module separately, and both must reach the listeners.
const LISTENERS = Symbol.for("parley.log.listeners");
const g = globalThis as typeof globalThis & { [LISTENERS]?: Set<LogListener> };
const listeners = (g[LISTENERS] ??= new Set());

/**
 * One structured JSON line. Never pass secrets or message text here; as a second line of defence,
 * anything shaped like an API key and the values of the secret settings are masked in the line.
 */
export function logEvent(event: string, fields: Fields): void {
  notify(event, fields);
  if (process.env.PARLEY_LOG === "silent") return;
  sink(scrub(JSON.stringify({ time: new Date().toISOString(), event, ...fields })));
}

/** An event for the listeners only, without a log line (what the metrics count and nobody needs to read). */
export function notify(event: string, fields: Fields): void {
  for (const listener of listeners) {
    try {
      listener(event, fields);
    } catch {
      // a listener (the metrics) must never break the work that reports
    }
  }
}

/** Registers a listener of every event; returns its removal. */
export function onLogEvent(listener: LogListener): () => void {
  listeners.add(listener);
  return () => void listeners.delete(listener);
}

/** Tests capture log lines to check what is (and is not) written. */
export function setLogSink(next: Sink | null): void {
  sink = next ?? stdout;
}

const KEY_SHAPE = new RegExp(API_KEY_PATTERN.replace("sk-parley_", "sk-[a-z]{1,16}_"), "g");
const SECRET_SETTINGS = ["LLM_API_KEY", "EMBEDDING_API_KEY", "AUTH_SECRET", "METRICS_TOKEN"];
const URL_SETTINGS = ["DATABASE_URL", "SMTP_URL", "REDIS_URL"];

let cached: { key: string; values: string[] } = { key: "", values: [] };

/** The secret settings' values worth masking (recomputed only when the environment changes them). */
function secretValues(): string[] {
  const key = [...SECRET_SETTINGS, ...URL_SETTINGS].map((name) => process.env[name] ?? "").join("\u0000");
  if (key !== cached.key) cached = { key, values: readSecretValues() };
  return cached.values;
}

function readSecretValues(): string[] {
  const values = SECRET_SETTINGS.map((name) => process.env[name]).filter((v): v is string => !!v && v.length >= 8);
  for (const name of URL_SETTINGS) {
    try {
      const password = new URL(process.env[name] ?? "").password;
      if (password.length >= 4) values.push(decodeURIComponent(password), password);
    } catch {
      // not a URL: nothing to mask
    }
  }
  return values;
}

/** Masks API keys and the secret settings' values in a line of text. */
export function scrub(line: string): string {
  let out = line.replace(KEY_SHAPE, (key) => `${key.slice(0, key.indexOf("_") + 1)}[redacted]`);
  for (const secret of secretValues()) out = out.replaceAll(secret, "[redacted]");
  return out;
}

/**
 * What a log line may say about an error: its kind, its code (SQLSTATE or Node's) and its message, but
 * never a failed statement's parameters (drizzle puts them, customers' messages among them, in its
 * message): for a failed query, the driver's own message stands in.
 */
export function errorFields(error: unknown): { error: string; error_code?: string } {
  const inner = failedQueryCause(error) ?? error;
  const code = (inner as { code?: unknown } | null)?.code;
  const message = inner instanceof Error ? inner.message : String(inner);
  return {
    error: message.slice(0, 300),
    ...(typeof code === "string" || typeof code === "number" ? { error_code: String(code) } : {}),
  };
}

/** The driver's error under drizzle's "Failed query" wrapper (which carries the parameters), if it is one. */
function failedQueryCause(error: unknown): unknown {
  if (!(error instanceof Error) || !("params" in error) || !("query" in error)) return undefined;
  return error.cause ?? new Error("A database statement failed.");
}

/** An argument of console.error made safe to print: a failed query without its parameters, keys masked. */
export function safeForConsole(arg: unknown): unknown {
  if (typeof arg === "string") return scrub(arg);
  const cause = failedQueryCause(arg);
  if (cause === undefined) return arg;
  const safe = new Error(`A database statement failed: ${errorFields(arg).error}`);
  const frames = ((arg as Error).stack ?? "").split("\n").filter((line) => line.startsWith("    at "));
  safe.stack = [`Error: ${safe.message}`, ...frames].join("\n");
  return safe;
}
