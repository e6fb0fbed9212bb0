import { notify } from "@/lib/log";
import { planLimits } from "@/lib/plans";
import { refundMonthlyQuota } from "@/lib/quota";
import { peekRateLimit } from "@/lib/rate-limit";
import { admitApiClient, type ApiClient } from "./channel";
import { rateLimitHeaders } from "./headers";
import { claimIdempotencyKey, settleIdempotencyKey, type IdempotencyClaim, type IdempotencyKey } from "./idempotency";
import { json, sseReplay, streamTurn } from "./render";
import { parseChatBody, readBodyCapped } from "./request";
import { withRequest } from "./serve";
import { readTranscript } from "./transcript";
import { newTurn, takeTurn, type ChatResponseBody, type LiveAnswer, type Turn, type TurnReply } from "./turn";

export { newTurn, type ChatResponseBody, type TurnChannel } from "./turn";

/**
 * POST /chat/custom/:integrationId, top to bottom: the channel admits the caller (integration 404,
 * key 401, IP 403), the body is read (413, 400), a retry with a known Idempotency-Key gets the first
 * outcome again, then the conversation turn (limits 429, conversation 404, answer, save) returns a
 * value, settled once (quota, idempotency), and is rendered as JSON or as a stream.
 */
export function handleChatRequest({ req, integrationId }: { req: Request; integrationId: string }): Promise<Response> {
  return withRequest("chat", integrationId, async ({ requestId, note }) => {
    const client = await admitApiClient(req, integrationId);
    const raw = await readBodyCapped(req);
    const body = parseChatBody(raw);
    const idemKey = req.headers.get("idempotency-key");
    const claim =
      idemKey === null
        ? null
        : await claimIdempotencyKey(client.db, {
            integrationId: client.auth.integrationId,
            key: idemKey,
            rawBody: raw,
          });
    if (claim?.kind === "replay") return replay(client, claim, { stream: body.stream, note });

    const turn = newTurn({ db: client.db, channel: client.auth, body, note });
    return answerTurn(turn, { claim, requestId });
  });
}

/**
 * After a channel's own admission (the Custom API's above, the website widget's in lib/widget): the
 * conversation turn, settled once, rendered as JSON or as a stream.
 */
export function answerTurn(
  turn: Turn,
  { claim, requestId }: { claim: IdempotencyKey | null; requestId: string },
): Promise<Response> {
  const run = (live: LiveAnswer | null) => settle(turn, claim, takeTurn(turn, live));
  const headers = () => turn.limitHeaders!;
  if (!turn.body.stream) return run(null).then((reply) => json(200, reply.body, headers()));
  return streamTurn(run, { headers, requestId });
}

/**
 * The one place a turn's outcome is settled, before the client sees it: the quota is given back when
 * the bot gave no reply (a person owns the conversation, a refusal after the quota, a failure), and
 * the outcome is kept for retries with the same Idempotency-Key.
 */
async function settle(turn: Turn, claim: IdempotencyKey | null, work: Promise<TurnReply>): Promise<TurnReply> {
  const outcome = await work.then(
    (reply) => ({ reply, response: reply.body }),
    (error: unknown) => ({ error }),
  );
  if (turn.quotaHold !== null && !("reply" in outcome && outcome.reply.botReplied)) {
    await refundMonthlyQuota(turn.db, turn.quotaHold);
  }
  notify("chat_turn", turn.note);
  if (claim) await settleIdempotencyKey(turn.db, claim, outcome);
  if ("error" in outcome) throw outcome.error;
  return outcome.reply;
}

/** A retry of a finished request: its first outcome again, with the rate limit's current numbers (nothing spent). */
async function replay(
  { db, auth }: ApiClient,
  claim: Extract<IdempotencyClaim, { kind: "replay" }>,
  { stream, note }: { stream: boolean; note: Record<string, unknown> },
): Promise<Response> {
  note.idempotent_replay = true;
  const rate = await peekRateLimit(db, {
    key: `int:${auth.integrationId}`,
    limit: planLimits(auth.plan).requestsPerMinute,
  });
  const headers = { "Idempotent-Replayed": "true", ...rateLimitHeaders(rate) };
  if (claim.statusCode === 200 && stream) return sseReplay(claim.response as ChatResponseBody, headers);
  return json(claim.statusCode, claim.response, headers);
}

/** GET /chat/custom/:integrationId/conversations/:conversationId/messages: the transcript, for clients polling after a handoff. */
export function handleListMessages({
  req,
  integrationId,
  conversationId,
}: {
  req: Request;
  integrationId: string;
  conversationId: string;
}): Promise<Response> {
  return withRequest("messages", integrationId, async () => {
    const { db, auth } = await admitApiClient(req, integrationId);
    const owner = new URL(req.url).searchParams.get("user_id");
    const transcript = await readTranscript(db, {
      integrationId: auth.integrationId,
      conversationId,
      owner,
      withSources: false,
    });
    return json(200, transcript, {});
  });
}
