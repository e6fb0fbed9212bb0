/**
 * The Chat API loaded the way users load it, on undici (in the benchmark's process, 127.0.0.1 only):
 *
 *   - openLoop: messages arrive at a fixed average rate with random (Poisson) spacing, whatever the
 *     replies do. Each arrival is the next turn of a conversation whose last reply has come back (a user
 *     reads before writing again), or the first turn of a new one. Latency counts from the moment a
 *     message was due, not from when it went out, so a load generator that falls behind cannot hide a
 *     slow server (coordinated omission); how late messages went out is reported beside it.
 *   - surge: `users` conversations start at the same instant and each waits for its reply before the
 *     next turn (the burst the benchmark used to call its slow-model measure).
 *
 * Overhead = response time − model time, where model time is the fixture's delay times the model calls
 * the turn makes: one for a first message, two for a follow-up that leans on the conversation ("How much
 * does it cost?": lib/engine/condense.ts first rewrites it as a standalone question; the app tells which by
 * isFollowUp, as here). The model fixture's own count of calls is compared with that by the caller.
 */
import { Pool } from "undici";
import { isFollowUp } from "@/lib/engine/builtin";
import { CONVERSATIONS } from "./load";
import { quantile, seededRandom } from "./stats";

export type ArrivalResult = {
  /** Messages sent, answered 200, answered otherwise, failed on the network, timed out. */
  sent: number;
  ok: number;
  non2xx: number;
  errors: number;
  timeouts: number;
  statuses: Record<string, number>;
  /** Model calls the answered turns should have made (1 per turn, 2 per follow-up condensed first). */
  expectedModelCalls: number;
  followUps: number;
  /** Of answered (200) messages, ms. */
  p50: number;
  p99: number;
  overheadP50: number;
  overheadP99: number;
  overheadMax: number;
  /** How late the load generator sent messages after they were due, ms (its own lag, not the server's). */
  sendLagP99: number;
  /** The arrival rate achieved (messages due ÷ arrival window). */
  arrivalRate: number;
  /** From the first arrival to the last reply. */
  seconds: number;
};

export type ChatTarget = { origin: string; path: string; apiKey: string };

type Conversation = { user: string; script: string[]; turn: number; id?: string };

function assertLocal(origin: string): void {
  const host = new URL(origin).hostname;
  if (host !== "127.0.0.1") throw new Error(`load is only ever sent to 127.0.0.1, not ${host}`);
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** One client, one conversation counter and one tally for a run. */
class Session {
  readonly pool: Pool;
  private counter = 0;
  readonly latencies: number[] = [];
  readonly overheads: number[] = [];
  readonly lags: number[] = [];
  readonly statuses: Record<string, number> = {};
  sent = 0;
  ok = 0;
  non2xx = 0;
  errors = 0;
  timeouts = 0;
  followUps = 0;
  expectedModelCalls = 0;
  lastReplyAt = 0;

  constructor(
    readonly target: ChatTarget,
    readonly opts: { turns: number; modelDelayMs: number; timeoutMs: number; prefix: string },
  ) {
    assertLocal(target.origin);
    // No cap on connections: an open-loop client must never queue a message behind another one.
    this.pool = new Pool(target.origin, {
      connections: null,
      pipelining: 1,
      keepAliveTimeout: 60_000,
      headersTimeout: opts.timeoutMs,
      bodyTimeout: opts.timeoutMs,
      connect: { timeout: 10_000 },
    });
  }

  newConversation(): Conversation {
    const n = this.counter++;
    return { user: `${this.opts.prefix}_${n}`, script: CONVERSATIONS[n % CONVERSATIONS.length]!, turn: 0 };
  }

  /** Sends the conversation's next turn, due at `dueAt` (performance.now()); resolves when it is settled. */
  async send(conversation: Conversation, dueAt: number): Promise<void> {
    const followUp = conversation.turn > 0 && conversation.id !== undefined;
    const body: Record<string, unknown> = {
      message: conversation.script[conversation.turn % conversation.script.length],
      user_id: conversation.user,
    };
    if (followUp) body.conversation_id = conversation.id;
    this.sent++;
    this.lags.push(performance.now() - dueAt);
    let status: string;
    try {
      const res = await this.pool.request({
        method: "POST",
        path: this.target.path,
        headers: { "content-type": "application/json", "x-api-key": this.target.apiKey },
        body: JSON.stringify(body),
        signal: AbortSignal.timeout(this.opts.timeoutMs),
      });
      const text = await res.body.text();
      const done = performance.now();
      this.lastReplyAt = Math.max(this.lastReplyAt, done);
      status = String(res.statusCode);
      if (res.statusCode === 200) {
        this.ok++;
        const modelCalls = followUp && isFollowUp(body.message as string) ? 2 : 1;
        if (followUp) this.followUps++;
        this.expectedModelCalls += modelCalls;
        this.latencies.push(done - dueAt);
        this.overheads.push(done - dueAt - modelCalls * this.opts.modelDelayMs);
        if (!followUp) conversation.id = (JSON.parse(text) as { conversation_id?: string }).conversation_id;
        conversation.turn++;
      } else {
        this.non2xx++;
        conversation.turn = this.opts.turns; // a failed conversation is not resumed
      }
    } catch (error) {
      const name = error instanceof Error ? error.name : "Error";
      status = name === "TimeoutError" || name.includes("Timeout") ? "timeout" : `network:${name}`;
      if (status === "timeout") this.timeouts++;
      else this.errors++;
      conversation.turn = this.opts.turns;
    }
    this.statuses[status] = (this.statuses[status] ?? 0) + 1;
  }

  result(startedAt: number, arrivalSeconds: number, due: number): ArrivalResult {
    const seconds = (Math.max(this.lastReplyAt, startedAt) - startedAt) / 1000;
    return {
      sent: this.sent,
      ok: this.ok,
      non2xx: this.non2xx,
      errors: this.errors,
      timeouts: this.timeouts,
      statuses: this.statuses,
      expectedModelCalls: this.expectedModelCalls,
      followUps: this.followUps,
      p50: quantile(this.latencies, 0.5),
      p99: quantile(this.latencies, 0.99),
      overheadP50: quantile(this.overheads, 0.5),
      overheadP99: quantile(this.overheads, 0.99),
      overheadMax: quantile(this.overheads, 1),
      sendLagP99: quantile(this.lags, 0.99),
      arrivalRate: arrivalSeconds > 0 ? due / arrivalSeconds : NaN,
      seconds,
    };
  }

  close(): Promise<void> {
    return this.pool.destroy();
  }
}

export type OpenLoopOptions = {
  target: ChatTarget;
  /** Mean arrivals per second. */
  rate: number;
  /** How long messages arrive; the run then waits for every reply (up to timeoutMs each). */
  seconds: number;
  modelDelayMs: number;
  turns: number;
  timeoutMs?: number;
  seed?: number;
};

export async function openLoop(opts: OpenLoopOptions): Promise<ArrivalResult> {
  const session = new Session(opts.target, {
    turns: opts.turns,
    modelDelayMs: opts.modelDelayMs,
    timeoutMs: opts.timeoutMs ?? 30_000,
    prefix: `ol${opts.rate}_${Date.now().toString(36)}`,
  });
  const random = seededRandom(opts.seed ?? 16); // the same arrival pattern in every run
  const idle: Conversation[] = []; // conversations whose last reply came back, oldest first
  const pending = new Set<Promise<void>>();
  const startedAt = performance.now() + 20;
  const endAt = startedAt + opts.seconds * 1000;
  let dueAt = startedAt;
  let due = 0;
  try {
    for (;;) {
      dueAt += (-Math.log(1 - random()) / opts.rate) * 1000;
      if (dueAt >= endAt) break;
      const wait = dueAt - performance.now();
      if (wait >= 1) await sleep(wait);
      due++;
      const conversation = idle.shift() ?? session.newConversation();
      const sending: Promise<void> = session.send(conversation, dueAt).finally(() => {
        pending.delete(sending);
        if (conversation.turn < opts.turns) idle.push(conversation);
      });
      pending.add(sending);
    }
    while (pending.size) await Promise.all(pending);
    return session.result(startedAt, opts.seconds, due);
  } finally {
    await session.close();
  }
}

export type SurgeOptions = {
  target: ChatTarget;
  /** Conversations started at the same instant. */
  users: number;
  turns: number;
  modelDelayMs: number;
  timeoutMs?: number;
};

export async function surge(opts: SurgeOptions): Promise<ArrivalResult> {
  const session = new Session(opts.target, {
    turns: opts.turns,
    modelDelayMs: opts.modelDelayMs,
    timeoutMs: opts.timeoutMs ?? 30_000,
    prefix: `surge_${Date.now().toString(36)}`,
  });
  const startedAt = performance.now();
  try {
    await Promise.all(
      Array.from({ length: opts.users }, async () => {
        const conversation = session.newConversation();
        // Each turn is due when the previous reply came back: the wave's queue is what this measures.
        while (conversation.turn < opts.turns) await session.send(conversation, performance.now());
      }),
    );
    return session.result(startedAt, 0, 0);
  } finally {
    await session.close();
  }
}
