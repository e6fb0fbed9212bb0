import type { Metadata } from "next";
import { redirect } from "next/navigation";
import { PageHeader } from "@/components/page-header";
import { WidgetForm } from "@/components/integrations/widget-form";
import { Card, CardContent } from "@/components/ui/card";
import { getDb } from "@/db";
import { listBotNames } from "@/db/queries/bots";
import { DEFAULT_WIDGET } from "@/db/schema";
import { requireWorkspace } from "@/lib/session";

export const metadata: Metadata = { title: "New website widget" };

export default async function NewWebsiteWidgetPage() {
  const { workspace, can } = await requireWorkspace();
  if (!can("manage_integrations")) redirect("/integrations");
  const workspaceBots = await listBotNames(await getDb(), workspace.id);
  return (
    <>
      <PageHeader
        title="New website widget"
        description="A chat bubble on your website. Visitors talk to your bot; your team can take over from the inbox."
      />
      <Card>
        <CardContent>
          <WidgetForm
            bots={workspaceBots}
            initial={{ name: "Website chat", botId: workspaceBots[0]?.id ?? "", origins: [], widget: DEFAULT_WIDGET }}
          />
        </CardContent>
      </Card>
    </>
  );
}
