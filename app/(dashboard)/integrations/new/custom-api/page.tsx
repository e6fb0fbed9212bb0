import type { Metadata } from "next";
import { redirect } from "next/navigation";
import { PageHeader } from "@/components/page-header";
import { CreateIntegrationForm } from "@/components/integrations/create-integration-form";
import { Card, CardContent } from "@/components/ui/card";
import { getDb } from "@/db";
import { listBotNames } from "@/db/queries/bots";
import { requireWorkspace } from "@/lib/session";

export const metadata: Metadata = { title: "New Custom API integration" };

export default async function NewCustomApiPage() {
  const { workspace, can } = await requireWorkspace();
  if (!can("manage_integrations")) redirect("/integrations");
  const workspaceBots = await listBotNames(await getDb(), workspace.id);
  return (
    <>
      <PageHeader
        title="New Custom API integration"
        description="Your backend sends each user message to one endpoint and gets the bot's reply. Knowledge, memory, lead capture and handoff happen behind it."
      />
      <Card>
        <CardContent>
          <CreateIntegrationForm bots={workspaceBots} />
        </CardContent>
      </Card>
    </>
  );
}
