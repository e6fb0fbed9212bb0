import { methodNotAllowed } from "@/lib/chat/serve";
import { handleWidgetPreflight, handleWidgetSession } from "@/lib/widget/handle-widget-request";

export const dynamic = "force-dynamic";

// All logic lives in lib/widget, testable without Next.
export async function POST(req: Request, ctx: RouteContext<"/chat/widget/[integrationId]/session">) {
  return handleWidgetSession({ req, integrationId: (await ctx.params).integrationId });
}

export async function OPTIONS(req: Request, ctx: RouteContext<"/chat/widget/[integrationId]/session">) {
  return handleWidgetPreflight({ req, integrationId: (await ctx.params).integrationId });
}

export const GET = () => methodNotAllowed("POST");
