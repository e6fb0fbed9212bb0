import { handleListMessages, methodNotAllowed } from "@/lib/chat/handle-chat-request";

export const dynamic = "force-dynamic";

export async function GET(req: Request, ctx: RouteContext<"/chat/custom/[integrationId]/conversations/[conversationId]/messages">) {
  const { integrationId, conversationId } = await ctx.params;
  return handleListMessages({ req, integrationId, conversationId });
}

export const POST = () => methodNotAllowed("GET");
