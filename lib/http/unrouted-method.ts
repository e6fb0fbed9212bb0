import type { IncomingMessage, ServerResponse } from "node:http";
import { randomBase62 } from "@/lib/ids";

/** The methods Next.js routes (route handlers, pages, server actions); anything else never reaches it. */
const ROUTED_METHODS = new Set(["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"]);
const CHAT_API_PATH = /^\/chat\/custom\//;

/**
 * Answers a method Next.js does not route (TRACE, and any other) with the API's JSON 405 and an
 * x-request-id, as the Chat API's routes answer a method they do not take; Next itself answered 500
 * in plain text. Returns whether it answered.
 */
export function rejectUnroutedMethod(req: IncomingMessage, res: ServerResponse): boolean {
  if (ROUTED_METHODS.has(req.method ?? "")) return false;
  const allow = CHAT_API_PATH.test(req.url ?? "") ? "POST" : [...ROUTED_METHODS].join(", ");
  const body = JSON.stringify({
    error: { code: "method_not_allowed", message: `${req.method} is not supported; use ${allow}.` },
  });
  res.writeHead(405, {
    "content-type": "application/json; charset=utf-8",
    "content-length": Buffer.byteLength(body),
    allow,
    "x-request-id": `req_${randomBase62(20)}`,
  });
  res.end(body);
  req.resume(); // a body, if any, is read and dropped so the connection stays usable
  return true;
}
