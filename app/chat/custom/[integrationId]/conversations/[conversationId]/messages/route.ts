import { handleListMessages } from "@/lib/chat/handle-chat-request";
import { methodNotAllowed } from "@/lib/chat/serve";

export const dynamic = "force-dynamic";

export async function GET(
  req: Request,
  ctx: RouteContext<"/chat/custom/[integrationId]/conversations/[conversationId]/messages">,
) {
  const { integrationId, conversationId } = await ctx.params;
  return handleListMessages({ req, integrationId, conversationId });
}

export const POST = () => methodNotAllowed("GET");
