import { PageHeader } from "@/components/page-header";
import { SettingsNav } from "@/components/settings/settings-nav";
import { requireWorkspace } from "@/lib/session";

export default async function SettingsLayout({ children }: { children: React.ReactNode }) {
  const { can } = await requireWorkspace();
  return (
    <>
      <PageHeader title="Settings" description="Your workspace, its plan and usage, its members, and what changed." />
      <SettingsNav showAudit={can("view_audit_log")} />
      {children}
    </>
  );
}
