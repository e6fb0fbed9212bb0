import { methodNotAllowed } from "@/lib/chat/serve";
import { handleWidgetContact, handleWidgetPreflight } from "@/lib/widget/handle-widget-request";

export const dynamic = "force-dynamic";

export async function POST(req: Request, ctx: RouteContext<"/chat/widget/[integrationId]/contact">) {
  return handleWidgetContact({ req, integrationId: (await ctx.params).integrationId });
}

export async function OPTIONS(req: Request, ctx: RouteContext<"/chat/widget/[integrationId]/contact">) {
  return handleWidgetPreflight({ req, integrationId: (await ctx.params).integrationId });
}

export const GET = () => methodNotAllowed("POST");
