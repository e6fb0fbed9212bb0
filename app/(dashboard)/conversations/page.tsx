import type { Metadata } from "next";
import { InboxIcon } from "lucide-react";
import { EmptyState } from "@/components/empty-state";
import { PageHeader } from "@/components/page-header";
import { requireWorkspace } from "@/lib/session";

export const metadata: Metadata = { title: "Conversations" };

export default async function ConversationsPage() {
  await requireWorkspace();
  return (
    <>
      <PageHeader title="Conversations" description="Every conversation your bots have had, and the ones waiting for your team." />
      <EmptyState icon={InboxIcon} title="No conversations yet">
        When your app sends messages through an integration, the conversations appear here. Chats that a customer hands
        over to a person are listed first.
      </EmptyState>
    </>
  );
}
