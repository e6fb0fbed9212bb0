import type { Metadata } from "next";
import { PlugIcon } from "lucide-react";
import { EmptyState } from "@/components/empty-state";
import { PageHeader } from "@/components/page-header";
import { requireWorkspace } from "@/lib/session";

export const metadata: Metadata = { title: "Integrations" };

export default async function IntegrationsPage() {
  await requireWorkspace();
  return (
    <>
      <PageHeader title="Integrations" description="Connect your bots to your own apps and websites." />
      <EmptyState icon={PlugIcon} title="No integrations yet">
        An integration connects a bot to your product. With the Custom API integration your backend sends a user&apos;s
        message to one endpoint and gets the bot&apos;s reply back; Parley handles knowledge, memory, lead capture and
        handoff to your team.
      </EmptyState>
    </>
  );
}
