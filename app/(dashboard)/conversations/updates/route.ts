import { getDb } from "@/db";
import { inboxStamp } from "@/db/queries/inbox";
import { isId } from "@/lib/ids";
import { requireWorkspace } from "@/lib/session";

/**
 * GET /conversations/updates[?conversation=conv_…]: a fingerprint of the inbox (and of one
 * conversation) plus the number waiting for the team. The dashboard polls it and reloads its data
 * only when the fingerprint changes.
 */
export async function GET(req: Request) {
  const { workspace } = await requireWorkspace();
  const id = new URL(req.url).searchParams.get("conversation");
  const conversationId = isId("conv", id) ? id : undefined;
  const result = await inboxStamp(await getDb(), { workspaceId: workspace.id, conversationId });
  return Response.json(result, { headers: { "cache-control": "no-store" } });
}
