import type { IncomingMessage } from "node:http";
import { PEER_IP_HEADER } from "@/lib/client-ip";

/**
 * Overwrites, never trusts: whatever the client sent as x-parley-peer-ip is replaced by the socket's
 * peer address, in `headers` and in `rawHeaders` (which web Request adapters may read instead).
 */
export function stampPeerAddress(req: IncomingMessage): void {
  req.headers[PEER_IP_HEADER] = req.socket.remoteAddress ?? "";
  for (let i = req.rawHeaders.length - 2; i >= 0; i -= 2) {
    if (req.rawHeaders[i]!.toLowerCase() === PEER_IP_HEADER) req.rawHeaders.splice(i, 2);
  }
}
