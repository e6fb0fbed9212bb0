import type { Db } from "@/db";
import type { Bot, Plan } from "@/db/schema";
import { findTestConversation } from "@/db/queries/bots";
import { recentTurns, saveExchange } from "@/db/queries/conversations";
import { generateReply } from "@/lib/chat/reply";
import { admitRequest } from "@/lib/admission";
import { GenerationError } from "@/lib/engine/types";
import { newId } from "@/lib/ids";
import { planLimits } from "@/lib/plans";
import { refundMonthlyQuota } from "@/lib/quota";

/** A reply in the dashboard's test chat, with the knowledge it drew on and the engine that wrote it. */
export type TestChatReply = {
  conversationId: string;
  reply: string;
  engine: "builtin" | "llm";
  kind: "answer" | "greeting" | "thanks" | "fallback" | "smalltalk";
  latencyMs: number;
  sources: { sourceId: string; title: string; heading: string }[];
};

export type TestChatResult =
  | { ok: true; value: TestChatReply }
  | {
      ok: false;
      reason: string;
      code: "conversation_not_found" | "rate_limited" | "quota_exceeded" | "generation_failed" | "generation_timeout";
    };

/** Test-chat messages one member may send a minute (per workspace), whatever the plan. */
export const TEST_CHAT_REQUESTS_PER_MINUTE = 20;

/**
 * Answers a message in the test chat through the same pipeline as the Chat API (retrieval, engine,
 * memory of the conversation's recent turns) and stores the exchange as a "test" conversation. A
 * test message is a real reply: it is admitted like an API request, by a rate limit of its own per
 * member and the workspace's monthly quota, and given back if no reply comes of it.
 */
export async function answerTestMessage(
  db: Db,
  {
    workspaceId,
    memberId,
    plan,
    bot,
    conversationId,
    message,
  }: { workspaceId: string; memberId: string; plan: Plan; bot: Bot; conversationId: string | null; message: string },
): Promise<TestChatResult> {
  if (conversationId && !(await findTestConversation(db, { workspaceId, botId: bot.id, conversationId }))) {
    return {
      ok: false,
      code: "conversation_not_found",
      reason: "This test conversation no longer exists. Start a new one.",
    };
  }
  const { rate, quota } = await admitRequest(db, {
    rateKey: `test:${workspaceId}:${memberId}`,
    requestsPerMinute: TEST_CHAT_REQUESTS_PER_MINUTE,
    workspaceId,
    messagesPerMonth: planLimits(plan).messagesPerMonth,
  });
  if (!rate.allowed || !quota)
    return {
      ok: false,
      code: "rate_limited",
      reason: `You are sending test messages quickly; wait ${rate.retryAfterSeconds} s and send it again.`,
    };
  if (!quota.allowed)
    return {
      ok: false,
      code: "quota_exceeded",
      reason:
        "This workspace has used this month's messages (test chat counts too). They reset at the start of next month (UTC); Usage shows the plan's limits.",
    };
  const hold = quota.hold;
  try {
    return await answerAdmitted(db, { workspaceId, bot, conversationId, message, hold });
  } catch (error) {
    await refundMonthlyQuota(db, hold);
    throw error;
  }
}

async function answerAdmitted(
  db: Db,
  {
    workspaceId,
    bot,
    conversationId,
    message,
    hold,
  }: { workspaceId: string; bot: Bot; conversationId: string | null; message: string; hold: string },
): Promise<TestChatResult> {
  const history = conversationId ? await recentTurns(db, conversationId) : [];
  let result;
  try {
    result = await generateReply(db, { bot, message, history });
  } catch (error) {
    if (!(error instanceof GenerationError)) throw error;
    await refundMonthlyQuota(db, hold);
    return {
      ok: false,
      code: error.code,
      reason:
        error.code === "generation_timeout"
          ? "The model did not answer in time. Try again, or switch the bot to the built-in engine."
          : "The model could not answer. Check LLM_BASE_URL, LLM_MODEL and LLM_API_KEY, or switch the bot to the built-in engine.",
    };
  }
  const id = conversationId ?? newId("conv");
  await saveExchange(db, {
    conversation: conversationId
      ? { id }
      : { id, workspaceId, botId: bot.id, integrationId: null, externalUserId: null, channel: "test" },
    userMessage: message,
    reply: {
      content: result.reply,
      sources: result.usedPassages.map((p) => ({
        sourceId: p.sourceId,
        title: p.title,
        chunkId: p.chunkId,
        score: p.score,
      })),
      engine: result.engine,
      latencyMs: result.latencyMs,
      kind: result.kind,
      confidence: result.confidence,
    },
    quotaHold: hold,
  });
  const seen = new Set<string>();
  const sources = result.usedPassages
    .filter((p) => {
      const key = `${p.title}\u0000${p.heading}`;
      if (seen.has(key)) return false;
      seen.add(key);
      return true;
    })
    .map((p) => ({ sourceId: p.sourceId, title: p.title, heading: p.heading }));
  return {
    ok: true,
    value: {
      conversationId: id,
      reply: result.reply,
      engine: result.engine,
      kind: result.kind,
      latencyMs: result.latencyMs,
      sources,
    },
  };
}
