import { handleChatRequest } from "@/lib/chat/handle-chat-request";
import { methodNotAllowed } from "@/lib/chat/serve";

export const dynamic = "force-dynamic";

// All logic lives in lib/chat, testable without Next.
export async function POST(req: Request, ctx: RouteContext<"/chat/custom/[integrationId]">) {
  const { integrationId } = await ctx.params;
  return handleChatRequest({ req, integrationId });
}

export const GET = () => methodNotAllowed("POST");
export const PUT = GET;
export const PATCH = GET;
export const DELETE = GET;
