import type { Metadata } from "next";
import { BotIcon } from "lucide-react";
import { EmptyState } from "@/components/empty-state";
import { PageHeader } from "@/components/page-header";
import { requireWorkspace } from "@/lib/session";

export const metadata: Metadata = { title: "Bots" };

export default async function BotsPage() {
  await requireWorkspace();
  return (
    <>
      <PageHeader title="Bots" description="Each bot has instructions and a knowledge base of your documents." />
      <EmptyState icon={BotIcon} title="No bots yet">
        A bot answers your customers from the documents you give it: help articles, pricing pages, policies.
      </EmptyState>
    </>
  );
}
