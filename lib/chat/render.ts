import { logEvent } from "@/lib/log";
import { ApiError, failureToApiError } from "./api-error";
import type { ChatResponseBody, LiveAnswer, TurnReply } from "./turn";

/** A turn's value, or an error, as the Chat API sends it: JSON, or server-sent events for `"stream": true`. */

const SSE_PING_MS = 10_000;
const SSE_HEADERS = {
  "content-type": "text/event-stream; charset=utf-8",
  "cache-control": "no-cache, no-transform",
  "x-accel-buffering": "no", // nginx: do not buffer the stream
};

export function json(status: number, body: unknown, headers: Record<string, string>): Response {
  return new Response(JSON.stringify(body), {
    status,
    headers: { "content-type": "application/json; charset=utf-8", ...headers },
  });
}

function sseEvent(event: string, data: unknown): string {
  return `event: ${event}\ndata: ${JSON.stringify(data)}\n\n`;
}

/** A finished answer sent as a stream: start, one delta, end. */
export function sseReplay(result: ChatResponseBody, headers: Record<string, string>): Response {
  const text =
    sseEvent("start", { conversation_id: result.conversation_id }) +
    (result.reply ? sseEvent("delta", { text: result.reply }) : "") +
    sseEvent("end", result);
  return new Response(text, { status: 200, headers: { ...SSE_HEADERS, ...headers } });
}

/**
 * Runs a turn for `"stream": true`: start, deltas as the reply is written, end (the JSON response's
 * object) or error; a ping comment every 10 s. A turn that fails before its answer begins is thrown
 * (a JSON error); one that finishes without a live answer (a person owns the conversation, a handoff)
 * is sent whole. A client that goes away stops the answer.
 */
export async function streamTurn(
  run: (live: LiveAnswer) => Promise<TurnReply>,
  { headers, requestId }: { headers: () => Record<string, string>; requestId: string },
): Promise<Response> {
  const events = eventStream();
  let wentLive!: () => void;
  const live = new Promise<null>((resolve) => (wentLive = () => resolve(null)));
  const finished = run({
    begin(conversationId) {
      events.send("start", { conversation_id: conversationId });
      wentLive();
    },
    delta: (text) => events.send("delta", { text }),
    signal: events.signal,
  });
  const early = await Promise.race([live, finished]);
  if (early) return sseReplay(early.body, headers());
  const ping = setInterval(() => events.ping(), SSE_PING_MS);
  void finished
    .then(
      (reply) => events.send("end", reply.body),
      (error: unknown) => events.send("error", streamError(error, requestId).body()),
    )
    .catch(() => {}) // the client went away: nothing left to tell it
    .finally(() => {
      clearInterval(ping);
      events.close();
    });
  return new Response(events.body, { status: 200, headers: { ...SSE_HEADERS, ...headers() } });
}

/** A body to write events to; sending after the client went away throws, which stops the answer. */
function eventStream() {
  const encoder = new TextEncoder();
  const abort = new AbortController();
  let out!: ReadableStreamDefaultController<Uint8Array>;
  const body = new ReadableStream<Uint8Array>({
    start: (controller) => void (out = controller),
    cancel: () => abort.abort(),
  });
  const write = (text: string) => {
    abort.signal.throwIfAborted();
    out.enqueue(encoder.encode(text));
  };
  return {
    body,
    signal: abort.signal,
    send: (event: string, data: unknown) => write(sseEvent(event, data)),
    ping: () => void (abort.signal.aborted || write(": ping\n\n")),
    close: () => void (abort.signal.aborted || out.close()),
  };
}

function streamError(error: unknown, requestId: string): ApiError {
  const note: Record<string, unknown> = {};
  const apiError = failureToApiError(error, note);
  logEvent("chat_api_stream_error", { request_id: requestId, ...note });
  return apiError;
}
