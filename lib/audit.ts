import { formatDateTime } from "@/lib/format";
import { ROLE_LABELS } from "@/lib/permissions";
import { PLAN_LABELS } from "@/lib/plans";

const ACTION_LABELS: Record<string, string> = {
  "workspace.created": "Created the workspace",
  "workspace.renamed": "Renamed the workspace",
  "workspace.plan_changed": "Changed the plan",
  "workspace.ownership_transferred": "Transferred ownership",
  "member.invited": "Invited a member",
  "member.invite_renewed": "Made a new invite link",
  "member.invite_revoked": "Revoked an invitation",
  "member.joined": "Joined the workspace",
  "member.role_changed": "Changed a member's role",
  "member.removed": "Removed a member",
  "member.left": "Left the workspace",
  "integration.created": "Created an integration",
  "integration.updated": "Changed an integration",
  "integration.deleted": "Deleted an integration",
  "integration.recreated": "Recreated an integration",
  "integration.key_rolled": "Rolled an API key",
  "integration.allowlist_changed": "Changed allowed IPs",
  "bot.created": "Created a bot",
  "bot.updated": "Changed a bot",
  "bot.deleted": "Deleted a bot",
  "conversation.taken_over": "Took over a conversation",
};

const FIELD_LABELS: Record<string, string> = {
  allowedIps: "Allowed IPs",
  keyHint: "Key",
  botId: "Bot",
  returnSources: "Return sources",
  expiresAt: "Expires",
  inviteId: "Invitation",
  newOwnerRole: "New owner's role",
  previousOwnerRole: "Previous owner's role",
  replacedBy: "Replaced by",
  replaces: "Replaces",
  grace: "Grace period",
};

/** "Changed the plan" for workspace.plan_changed; unknown actions read as themselves. */
export function auditActionLabel(action: string): string {
  return ACTION_LABELS[action] ?? action;
}

function fieldLabel(key: string): string {
  if (FIELD_LABELS[key]) return FIELD_LABELS[key];
  const words = key.replace(/_/g, " ").replace(/([a-z])([A-Z])/g, "$1 $2").toLowerCase();
  return words.charAt(0).toUpperCase() + words.slice(1);
}

/** A value as a person reads it: plans and roles by their names, lists joined, empty lists as "none". */
export function formatAuditValue(key: string, value: unknown): string {
  if (value === null || value === undefined) return "none";
  if (key === "plan" && typeof value === "string" && value in PLAN_LABELS) return PLAN_LABELS[value as keyof typeof PLAN_LABELS];
  if (/role$/i.test(key) && typeof value === "string" && value in ROLE_LABELS) return ROLE_LABELS[value as keyof typeof ROLE_LABELS];
  if (key === "keyHint" && typeof value === "string") return `…${value}`;
  if (Array.isArray(value)) return value.length ? value.map((v) => (typeof v === "string" ? v : JSON.stringify(v))).join(", ") : "none";
  if (typeof value === "boolean") return value ? "yes" : "no";
  if (value === "") return "(empty)";
  if (typeof value === "string" && /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$/.test(value)) return formatDateTime(value);
  if (typeof value === "string") return value;
  return JSON.stringify(value);
}

export type AuditChange = { field: string; before?: string; after?: string; kind: "changed" | "added" | "removed" | "same" };

function asRecord(value: unknown): Record<string, unknown> {
  return value && typeof value === "object" && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
}

/**
 * What an entry changed, field by field: before → after where both exist, a value that only appears
 * on one side as added or removed, and fields that stayed the same (context such as the member's email).
 */
export function auditChanges(before: unknown, after: unknown): AuditChange[] {
  const b = asRecord(before);
  const a = asRecord(after);
  const keys = [...new Set([...Object.keys(b), ...Object.keys(a)])];
  const changes: AuditChange[] = keys.map((key) => {
    const inB = key in b;
    const inA = key in a;
    const field = fieldLabel(key);
    if (inB && inA) {
      const same = JSON.stringify(b[key]) === JSON.stringify(a[key]);
      return { field, before: formatAuditValue(key, b[key]), after: formatAuditValue(key, a[key]), kind: same ? "same" : "changed" };
    }
    if (inA) return { field, after: formatAuditValue(key, a[key]), kind: "added" };
    return { field, before: formatAuditValue(key, b[key]), kind: "removed" };
  });
  // Context first (who or what the entry is about), then what changed.
  return [...changes.filter((c) => c.kind === "same"), ...changes.filter((c) => c.kind !== "same")];
}

/** One line for a CSV cell or a log: "Email: a@b.co; Role: Member → Admin". */
export function auditChangesText(before: unknown, after: unknown): string {
  return auditChanges(before, after)
    .map((c) =>
      c.kind === "changed" ? `${c.field}: ${c.before} → ${c.after}` : c.kind === "removed" ? `${c.field}: ${c.before} (removed)` : `${c.field}: ${c.after}`,
    )
    .join("; ");
}
