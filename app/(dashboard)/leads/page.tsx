import type { Metadata } from "next";
import { UsersIcon } from "lucide-react";
import { EmptyState } from "@/components/empty-state";
import { PageHeader } from "@/components/page-header";
import { requireWorkspace } from "@/lib/session";

export const metadata: Metadata = { title: "Leads" };

export default async function LeadsPage() {
  await requireWorkspace();
  return (
    <>
      <PageHeader title="Leads" description="Contact details your bots collected from interested customers." />
      <EmptyState icon={UsersIcon} title="No leads yet">
        Lead capture is not available in this version yet. When it is, names, emails and phone numbers that customers
        share in conversations will be collected here.
      </EmptyState>
    </>
  );
}
