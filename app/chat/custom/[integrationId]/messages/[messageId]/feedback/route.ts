import { handleFeedbackRequest } from "@/lib/chat/feedback";
import { methodNotAllowed } from "@/lib/chat/serve";

export const dynamic = "force-dynamic";

export async function POST(
  req: Request,
  ctx: RouteContext<"/chat/custom/[integrationId]/messages/[messageId]/feedback">,
) {
  const { integrationId, messageId } = await ctx.params;
  return handleFeedbackRequest({ req, integrationId, messageId });
}

export const GET = () => methodNotAllowed("POST");
export const PUT = GET;
export const PATCH = GET;
export const DELETE = GET;
