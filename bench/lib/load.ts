/**
 * Load generation with autocannon (in this process, against 127.0.0.1 only) and the Chat API
 * workload: every connection plays one end user holding a conversation of several turns (the first
 * turn starts it, the next ones resume it with the conversation_id the server returned), then starts
 * a new conversation.
 */
import autocannon, { type AutocannonRequest, type AutocannonResult } from "autocannon";

export type LoadResult = {
  /** Successful (2xx) responses per second of the run. */
  rps: number;
  ok: number;
  non2xx: number;
  errors: number;
  timeouts: number;
  /** Latency of 2xx responses, ms. */
  p50: number;
  p99: number;
  mean: number;
  seconds: number;
  statuses: Record<string, number>;
};

export type LoadOptions = {
  url: string;
  connections: number;
  /** How long to send load (unused with `amount`). */
  seconds: number;
  /** A fixed number of requests, spread evenly over the connections, instead of a duration. */
  amount?: number;
  timeoutSeconds?: number;
  method?: string;
  headers?: Record<string, string>;
  body?: string;
  requests?: AutocannonRequest[];
};

function assertLocal(url: string): void {
  const host = new URL(url).hostname;
  if (host !== "127.0.0.1") throw new Error(`load is only ever sent to 127.0.0.1, not ${host}`);
}

export async function runLoad(opts: LoadOptions): Promise<LoadResult> {
  assertLocal(opts.url);
  const started = performance.now();
  const result: AutocannonResult = await autocannon({
    url: opts.url,
    connections: opts.connections,
    ...(opts.amount ? { amount: opts.amount } : { duration: opts.seconds }),
    timeout: opts.timeoutSeconds ?? 30,
    method: opts.method,
    headers: opts.headers,
    body: opts.body,
    requests: opts.requests,
  });
  const seconds = (performance.now() - started) / 1000;
  const statuses: Record<string, number> = {};
  for (const [code, { count }] of Object.entries(result.statusCodeStats ?? {})) statuses[code] = count;
  return {
    rps: result["2xx"] / seconds,
    ok: result["2xx"],
    non2xx: result.non2xx,
    errors: result.errors,
    timeouts: result.timeouts,
    p50: result.latency.p50,
    p99: result.latency.p99,
    mean: result.latency.mean,
    seconds,
    statuses,
  };
}

/** What end users ask, as conversations: later turns lean on earlier ones ("how much is it?"). */
export const CONVERSATIONS: string[][] = [
  [
    "Hi! What plans do you offer?",
    "How much is the Pro plan?",
    "Does it include phone support?",
    "Can I pay annually instead?",
    "Thanks. How do I cancel later if I need to?",
  ],
  [
    "Do you ship to Canada?",
    "How long does express delivery take?",
    "How much does it cost?",
    "Will I get a tracking number?",
    "Great, thank you!",
  ],
  [
    "I'd like to return the starter kit I bought last week",
    "How long do I have to send it back?",
    "Who pays for the return shipping?",
    "When will I get my money back?",
    "ok, thanks for your help",
  ],
  [
    "What are your opening hours?",
    "Can I call you on the weekend?",
    "Is there email support on the Starter plan?",
    "How quickly do you usually reply?",
    "Perfect, that's all I needed",
  ],
  [
    "What's the difference between Core and Scale?",
    "Which one has a dedicated success manager?",
    "And what does it cost per month?",
    "Is there an uptime SLA?",
    "Can I upgrade from Starter at any time?",
  ],
  [
    "hello",
    "my order hasn't arrived yet, it's been 6 days",
    "I paid for standard delivery to the UK",
    "Can I get a refund for the shipping?",
    "How do I contact a person about this?",
  ],
];

export const TURNS = 5;

let conversationCounter = 0;

/**
 * The autocannon request list for one conversation of TURNS turns. autocannon keeps a context per
 * connection and clears it when the list starts over, so each connection starts a new conversation
 * every TURNS requests. A turn whose conversation could not be started starts a new one instead.
 */
export function chatRequests(path: string, apiKey: string): AutocannonRequest[] {
  const headers = { "content-type": "application/json", "x-api-key": apiKey };
  const list: AutocannonRequest[] = [];
  for (let turn = 0; turn < TURNS; turn++) {
    list.push({
      method: "POST",
      path,
      headers,
      setupRequest(req, context) {
        if (turn === 0 || context.script === undefined) {
          const n = conversationCounter++;
          context.script = n % CONVERSATIONS.length;
          context.user = `user_${n}`;
          context.conversation = undefined;
        }
        const script = CONVERSATIONS[context.script as number]!;
        const body: Record<string, unknown> = { message: script[turn % script.length], user_id: context.user };
        if (context.conversation) body.conversation_id = context.conversation;
        return { ...req, body: JSON.stringify(body) };
      },
      onResponse(status, body, context) {
        if (status !== 200) {
          context.conversation = undefined;
          return;
        }
        if (!context.conversation) {
          try {
            context.conversation = (JSON.parse(body) as { conversation_id?: string }).conversation_id;
          } catch {
            context.conversation = undefined;
          }
        }
      },
    });
  }
  return list;
}
