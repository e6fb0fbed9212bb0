import type { Metadata } from "next";
import { redirect } from "next/navigation";
import { asc, eq } from "drizzle-orm";
import { PageHeader } from "@/components/page-header";
import { CreateIntegrationForm } from "@/components/integrations/create-integration-form";
import { Card, CardContent } from "@/components/ui/card";
import { getDb } from "@/db";
import { bots } from "@/db/schema";
import { requireWorkspace } from "@/lib/session";

export const metadata: Metadata = { title: "New Custom API integration" };

export default async function NewCustomApiPage() {
  const { workspace, can } = await requireWorkspace();
  if (!can("manage_integrations")) redirect("/integrations");
  const db = await getDb();
  const workspaceBots = await db
    .select({ id: bots.id, name: bots.name })
    .from(bots)
    .where(eq(bots.workspaceId, workspace.id))
    .orderBy(asc(bots.name));
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
