import { methodNotAllowed } from "@/lib/chat/serve";
import { handleListConversations } from "@/lib/chat/records-api";

export const dynamic = "force-dynamic";

export async function GET(req: Request, ctx: RouteContext<"/chat/custom/[integrationId]/conversations">) {
  const { integrationId } = await ctx.params;
  return handleListConversations({ req, integrationId });
}

export const POST = () => methodNotAllowed("GET");
export const PUT = POST;
export const PATCH = POST;
export const DELETE = POST;
