import { methodNotAllowed } from "@/lib/chat/serve";
import { handleWidgetPreflight, handleWidgetTranscript } from "@/lib/widget/handle-widget-request";

export const dynamic = "force-dynamic";

type Ctx = RouteContext<"/chat/widget/[integrationId]/conversations/[conversationId]/messages">;

export async function GET(req: Request, ctx: Ctx) {
  const { integrationId, conversationId } = await ctx.params;
  return handleWidgetTranscript({ req, integrationId, conversationId });
}

export async function OPTIONS(req: Request, ctx: Ctx) {
  return handleWidgetPreflight({ req, integrationId: (await ctx.params).integrationId });
}

export const POST = () => methodNotAllowed("GET");
