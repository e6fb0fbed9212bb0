import { randomBase62 } from "@/lib/ids";
import { logEvent } from "@/lib/log";
import { CLIENT_CLOSED_REQUEST, failureToApiError } from "./api-error";
import { json } from "./render";

/**
 * What a public route's work is given: its request id, the fields of its log line, and the headers
 * its channel adds to every response it does not set itself, refusals included (the widget's CORS
 * once the website is known to be allowed).
 */
export type RequestScope = { requestId: string; note: Record<string, unknown>; headers: Record<string, string> };

/** The log line's name of each way in: the Chat API's routes, the website widget's. */
export type ChannelLog = "chat_api" | "widget_api";

/**
 * Wraps the work of any public chat route, of either channel: the request id, the JSON error body,
 * the channel's headers and one structured log line.
 */
export async function withRequest(
  route: string,
  integrationId: string,
  work: (scope: RequestScope) => Promise<Response>,
  log: ChannelLog = "chat_api",
): Promise<Response> {
  const scope: RequestScope = { requestId: `req_${randomBase62(20)}`, note: {}, headers: {} };
  const started = performance.now();
  let response: Response;
  try {
    response = await work(scope);
  } catch (thrown) {
    const error = failureToApiError(thrown, scope.note);
    response = json(error.status, error.body(), error.headers);
  }
  for (const [name, value] of Object.entries(scope.headers)) {
    if (!response.headers.has(name)) response.headers.set(name, value);
  }
  response.headers.set("x-request-id", scope.requestId);
  logEvent(log, {
    request_id: scope.requestId,
    route,
    integration_id: integrationId,
    status: scope.note.code === "client_aborted" ? CLIENT_CLOSED_REQUEST : response.status,
    latency_ms: Math.round(performance.now() - started),
    ...scope.note,
  });
  return response;
}

/** Any other method on a public chat path. */
export function methodNotAllowed(allow: string): Response {
  return json(
    405,
    { error: { code: "method_not_allowed", message: `Use ${allow} on this endpoint.` } },
    {
      Allow: allow,
      "x-request-id": `req_${randomBase62(20)}`,
    },
  );
}
