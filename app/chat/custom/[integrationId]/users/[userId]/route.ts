import { methodNotAllowed } from "@/lib/chat/serve";
import { handleEraseUser } from "@/lib/chat/records-api";

export const dynamic = "force-dynamic";

export async function DELETE(req: Request, ctx: RouteContext<"/chat/custom/[integrationId]/users/[userId]">) {
  const { integrationId, userId } = await ctx.params;
  return handleEraseUser({ req, integrationId, userId });
}

export const GET = () => methodNotAllowed("DELETE");
export const POST = GET;
export const PUT = GET;
export const PATCH = GET;
