/**
 * The audit log: plan, member and integration changes are recorded with who and what changed,
 * filtered by kind, rendered readably, and exported as CSV that a spreadsheet cannot run as
 * formulas. Only owners and admins may read or export it.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import type { DbHandle } from "@/db";
import { listAuditEntries } from "@/db/queries/audit";
import { setAllowedIps, createIntegration } from "@/db/queries/integrations";
import { changeMemberRole, createInvite } from "@/db/queries/members";
import { setWorkspacePlan } from "@/db/queries/workspaces";
import { GET as exportAudit } from "@/app/(dashboard)/settings/audit/export/route";
import { auditChanges, auditChangesText } from "@/lib/audit";
import { csvCell } from "@/lib/csv";
import { generateInviteToken } from "@/lib/invites";
import { AUDIT_KINDS } from "@/lib/validations/settings";
import { openTestDb } from "./db";
import { addMember, createOwnedWorkspace, createUser, outcome, signInAs } from "./workspace-fixtures";

vi.mock("@/lib/auth", async () => (await import("./workspace-fixtures")).authMock);
vi.mock("next/headers", async () => (await import("./workspace-fixtures")).headersMock);
vi.mock("next/cache", async () => (await import("./workspace-fixtures")).cacheMock);

let h: DbHandle;
let ws: Awaited<ReturnType<typeof createOwnedWorkspace>>;
let member: Awaited<ReturnType<typeof createUser>>;

beforeAll(async () => {
  h = await openTestDb();
  ws = await createOwnedWorkspace(h.db, "audit");
  const actor = { actorUserId: ws.owner.id };
  member = await createUser(h.db, "=cmd|' /C calc'!A0"); // a name that is a formula
  await addMember(h.db, ws.workspace.id, member.id, "member");
  await setWorkspacePlan(h.db, { workspaceId: ws.workspace.id, plan: "pro", ...actor });
  await createInvite(h.db, {
    workspaceId: ws.workspace.id,
    email: "new@example.com",
    role: "viewer",
    tokenHash: generateInviteToken().hash,
    ttlDays: 7,
    ...actor,
  });
  await changeMemberRole(h.db, { workspaceId: ws.workspace.id, userId: member.id, role: "admin", ...actor });
  const made = await createIntegration(h.db, {
    workspaceId: ws.workspace.id,
    botId: ws.bot.id,
    name: '+SUM(1,2) "quoted", name',
    ...actor,
  });
  // the member, now an admin, is the actor here: their formula-like name lands in the actor column
  await setAllowedIps(h.db, {
    workspaceId: ws.workspace.id,
    integrationId: made!.integration.id,
    cidrs: ["203.0.113.0/24", "10.0.0.0/8"],
    actorUserId: member.id,
  });
  // another workspace's entries never show
  const other = await createOwnedWorkspace(h.db, "other");
  await setWorkspacePlan(h.db, { workspaceId: other.workspace.id, plan: "scale", actorUserId: other.owner.id });
});
afterAll(async () => {
  await h?.close();
});

describe("the audit log", () => {
  it("lists this workspace's entries newest first, with the actor", async () => {
    const rows = await listAuditEntries(h.db, { workspaceId: ws.workspace.id, limit: 100 });
    expect(rows.map((r) => r.action)).toEqual([
      "integration.allowlist_changed",
      "integration.created",
      "member.role_changed",
      "member.invited",
      "workspace.plan_changed",
      "workspace.created",
    ]);
    expect(rows.map((r) => r.actorName)).toEqual([member.name, ...Array(5).fill(ws.owner.name)]);
    expect(JSON.stringify(rows)).not.toContain("scale");
  });

  it("filters by kind and pages back", async () => {
    const members = await listAuditEntries(h.db, {
      workspaceId: ws.workspace.id,
      actionPrefixes: AUDIT_KINDS.member.prefixes,
      limit: 100,
    });
    expect(members.map((r) => r.action)).toEqual(["member.role_changed", "member.invited"]);
    const workspace = await listAuditEntries(h.db, {
      workspaceId: ws.workspace.id,
      actionPrefixes: AUDIT_KINDS.workspace.prefixes,
      limit: 100,
    });
    expect(workspace.map((r) => r.action)).toEqual(["workspace.plan_changed", "workspace.created"]);
    const first = await listAuditEntries(h.db, { workspaceId: ws.workspace.id, limit: 2 });
    const next = await listAuditEntries(h.db, { workspaceId: ws.workspace.id, limit: 2, beforeId: first.at(-1)!.id });
    expect(next.map((r) => r.action)).toEqual(["member.role_changed", "member.invited"]);
    // a LIKE wildcard in a prefix is literal
    expect(await listAuditEntries(h.db, { workspaceId: ws.workspace.id, actionPrefixes: ["%"], limit: 100 })).toEqual(
      [],
    );
  });

  it("shows what changed, readably", async () => {
    expect(auditChanges({ plan: "core" }, { plan: "pro" })).toEqual([
      { field: "Plan", before: "Core", after: "Pro", kind: "changed" },
    ]);
    expect(auditChanges({ email: "a@b.co", role: "member" }, { email: "a@b.co", role: "admin" })).toEqual([
      { field: "Email", before: "a@b.co", after: "a@b.co", kind: "same" },
      { field: "Role", before: "Member", after: "Admin", kind: "changed" },
    ]);
    expect(auditChangesText({ allowedIps: [] }, { allowedIps: ["10.0.0.0/8", "203.0.113.0/24"] })).toBe(
      "Allowed IPs: none → 10.0.0.0/8, 203.0.113.0/24",
    );
    expect(auditChangesText({ email: "x@y.z", role: "viewer" }, null)).toBe(
      "Email: x@y.z (removed); Role: Viewer (removed)",
    );
    expect(auditChangesText(null, { expiresAt: "2030-01-02T03:04:05.678Z", instructions: "" })).toBe(
      "Expires: Jan 2, 2030, 3:04 AM UTC; Instructions: (empty)",
    );
  });
});

describe("CSV", () => {
  it("escapes quotes, commas and line breaks, and defuses formulas", () => {
    expect(csvCell('say "hi", then\nleave')).toBe('"say ""hi"", then\nleave"');
    for (const formula of ["=1+1", "+1", "-1", "@SUM(A1)", "\tx", "\rx"])
      expect(csvCell(formula).replace(/^"/, "")).toMatch(/^'/);
    expect(csvCell('=HYPERLINK("http://x")')).toBe(`"'=HYPERLINK(""http://x"")"`);
    expect(csvCell("plain")).toBe("plain");
    expect(csvCell(null)).toBe("");
  });

  it("the export is the log as CSV for an owner or admin, and 403 for members and viewers", async () => {
    signInAs(ws.owner.id, ws.workspace.id);
    const res = await exportAudit(new Request("http://localhost/settings/audit/export"));
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("text/csv; charset=utf-8");
    expect(res.headers.get("content-disposition")).toMatch(
      /^attachment; filename="parley-audit-log-\d{4}-\d{2}-\d{2}\.csv"$/,
    );
    const text = (await res.text()).replace(/^\uFEFF/, "");
    const lines = text.trimEnd().split("\r\n");
    expect(lines[0]).toBe(
      "time_utc,actor_name,actor_email,action,description,target_type,target_id,changes,before,after",
    );
    expect(lines).toHaveLength(7);
    expect(text).toContain("workspace.plan_changed,Changed the plan,workspace");
    expect(text).toContain("Plan: Starter → Pro");
    // a formula-like actor name is defused with a leading quote; a cell never starts with = + - @
    expect(text).toContain(`,'${member.name},'${member.email},integration.allowlist_changed,`);
    expect(text).not.toMatch(/(^|,)[=+\-@]/m);
    expect(text).toContain(`"Name: +SUM(1,2) ""quoted"", name; `);

    const filtered = await (
      await exportAudit(new Request("http://localhost/settings/audit/export?kind=member"))
    ).text();
    expect(filtered.trimEnd().split("\r\n")).toHaveLength(3);

    // the member (now an admin) may export; demoted to member they may not
    signInAs(member.id, ws.workspace.id);
    expect((await exportAudit(new Request("http://localhost/settings/audit/export"))).status).toBe(200);
    await changeMemberRole(h.db, {
      workspaceId: ws.workspace.id,
      userId: member.id,
      role: "member",
      actorUserId: ws.owner.id,
    });
    const forbidden = await exportAudit(new Request("http://localhost/settings/audit/export"));
    expect(forbidden.status).toBe(403);
    expect(await forbidden.text()).not.toContain("plan_changed");

    signInAs(null);
    const signedOut = await outcome(() => exportAudit(new Request("http://localhost/settings/audit/export")));
    expect(signedOut).toEqual({ kind: "redirect", to: "/sign-in" });
  });
});
