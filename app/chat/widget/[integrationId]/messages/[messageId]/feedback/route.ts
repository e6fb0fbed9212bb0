import { methodNotAllowed } from "@/lib/chat/serve";
import { handleWidgetFeedback, handleWidgetPreflight } from "@/lib/widget/handle-widget-request";

export const dynamic = "force-dynamic";

type Ctx = RouteContext<"/chat/widget/[integrationId]/messages/[messageId]/feedback">;

export async function POST(req: Request, ctx: Ctx) {
  const { integrationId, messageId } = await ctx.params;
  return handleWidgetFeedback({ req, integrationId, messageId });
}

export async function OPTIONS(req: Request, ctx: Ctx) {
  return handleWidgetPreflight({ req, integrationId: (await ctx.params).integrationId });
}

export const GET = () => methodNotAllowed("POST");
