import { formatDateTime } from "@/lib/format";
import { ROLE_LABELS } from "@/lib/permissions";
import { PLAN_LABELS } from "@/lib/plans";
import { STATUS_LABELS } from "@/lib/validations/inbox";

/** Every audited action and how it reads (lib/audit.test.ts fails when an action written anywhere has none). */
export const AUDIT_ACTION_LABELS: Record<string, string> = {
  "workspace.created": "Created the workspace",
  "workspace.renamed": "Renamed the workspace",
  "workspace.plan_changed": "Changed the plan",
  "workspace.retention_changed": "Changed data retention",
  "retention.applied": "Deleted old conversations (retention)",
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
  "integration.enabled": "Turned an integration on",
  "integration.disabled": "Turned an integration off",
  "integration.identity_secret_rolled": "Rolled a widget's identity secret",
  "integration.identity_verification_off": "Turned off a widget's identity verification",
  "bot.created": "Created a bot",
  "bot.updated": "Changed a bot",
  "bot.deleted": "Deleted a bot",
  "conversation.taken_over": "Took over a conversation",
  "conversation.returned_to_bot": "Returned a conversation to the bot",
  "conversation.resolved": "Resolved a conversation",
  "end_user.erased": "Erased an end user's data",
  "webhook.created": "Added a webhook",
  "webhook.updated": "Changed a webhook",
  "webhook.enabled": "Turned a webhook on",
  "webhook.disabled": "Turned a webhook off",
  "webhook.secret_rotated": "Rotated a webhook's signing secret",
  "webhook.deleted": "Deleted a webhook",
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
  userIdSha256: "User id (SHA-256)",
  integrationId: "Integration",
  userRequestsPerMinute: "Requests per end user",
  userMessagesPerMonth: "Messages per end user",
};

/** Who did the actions that no signed-in person does (the entry's actor is empty). */
const NON_PERSON_ACTORS: Record<string, string> = {
  "end_user.erased": "the Chat API (an integration's key)",
  "retention.applied": "Parley (automatic retention)",
};

/** Who an entry was made by when no person made it, or null (a person, since deleted). */
export function nonPersonActor(action: string): string | null {
  return NON_PERSON_ACTORS[action] ?? null;
}

/** "Changed the plan" for workspace.plan_changed; unknown actions read as themselves. */
export function auditActionLabel(action: string): string {
  return AUDIT_ACTION_LABELS[action] ?? action;
}

function fieldLabel(key: string): string {
  if (FIELD_LABELS[key]) return FIELD_LABELS[key];
  const words = key
    .replace(/_/g, " ")
    .replace(/([a-z])([A-Z])/g, "$1 $2")
    .toLowerCase();
  return words.charAt(0).toUpperCase() + words.slice(1);
}

/** A value as a person reads it: plans and roles by their names, lists joined, empty lists as "none". */
export function formatAuditValue(key: string, value: unknown): string {
  if (key === "userRequestsPerMinute") return value == null ? "no limit" : `${String(value)} a minute`;
  if (key === "userMessagesPerMonth") return value == null ? "no limit" : `${String(value)} a month`;
  if (key === "retentionDays") return value === null || value === undefined ? "off (kept)" : `${String(value)} days`;
  if (value === null || value === undefined) return "none";
  if (key === "plan" && typeof value === "string" && value in PLAN_LABELS)
    return PLAN_LABELS[value as keyof typeof PLAN_LABELS];
  if (/role$/i.test(key) && typeof value === "string" && value in ROLE_LABELS)
    return ROLE_LABELS[value as keyof typeof ROLE_LABELS];
  if (key === "keyHint" && typeof value === "string") return `…${value}`;
  if (key === "status" && typeof value === "string" && value in STATUS_LABELS)
    return STATUS_LABELS[value as keyof typeof STATUS_LABELS];
  if (key === "enabled" && typeof value === "boolean") return value ? "on" : "off";
  if (Array.isArray(value))
    return value.length ? value.map((v) => (typeof v === "string" ? v : JSON.stringify(v))).join(", ") : "none";
  if (typeof value === "boolean") return value ? "yes" : "no";
  if (value === "") return "(empty)";
  if (typeof value === "string" && /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$/.test(value))
    return formatDateTime(value);
  if (typeof value === "string") return value;
  if (typeof value === "object")
    return Object.entries(value as Record<string, unknown>)
      .map(([k, v]) => `${fieldLabel(k)}: ${formatAuditValue(k, v)}`)
      .join(", ");
  return String(value);
}

export type AuditChange = {
  field: string;
  before?: string;
  after?: string;
  kind: "changed" | "added" | "removed" | "same";
};

function asRecord(value: unknown): Record<string, unknown> {
  return value && typeof value === "object" && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return !!value && typeof value === "object" && !Array.isArray(value);
}

/**
 * A setting made of parts (lead capture, handoff…) as one field per part, so an entry reads
 * "Lead capture: off → on" rather than two blobs of JSON; its `enabled` part is the setting itself.
 */
function flatten(record: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(record)) {
    if (!isRecord(value)) {
      out[key] = value;
      continue;
    }
    for (const [part, v] of Object.entries(value)) out[`${key}.${part}`] = v;
  }
  return out;
}

/**
 * What an entry changed, field by field: before → after where both exist, a value that only appears
 * on one side as added or removed, and fields that stayed the same (context such as the member's email).
 */
export function auditChanges(before: unknown, after: unknown): AuditChange[] {
  const b = flatten(asRecord(before));
  const a = flatten(asRecord(after));
  const keys = [...new Set([...Object.keys(b), ...Object.keys(a)])];
  const changes: AuditChange[] = keys.map((key) => {
    const inB = key in b;
    const inA = key in a;
    const path = key.split(".");
    const last = path.at(-1)!;
    const field = (last === "enabled" && path.length > 1 ? path.slice(0, -1) : path).map(fieldLabel).join(": ");
    if (inB && inA) {
      const same = JSON.stringify(b[key]) === JSON.stringify(a[key]);
      return {
        field,
        before: formatAuditValue(last, b[key]),
        after: formatAuditValue(last, a[key]),
        kind: same ? "same" : "changed",
      };
    }
    if (inA) return { field, after: formatAuditValue(last, a[key]), kind: "added" };
    return { field, before: formatAuditValue(last, b[key]), kind: "removed" };
  });
  // Context first (who or what the entry is about), then what changed.
  return [...changes.filter((c) => c.kind === "same"), ...changes.filter((c) => c.kind !== "same")];
}

/** One line for a CSV cell or a log: "Email: a@b.co; Role: Member → Admin". */
export function auditChangesText(before: unknown, after: unknown): string {
  return auditChanges(before, after)
    .map((c) =>
      c.kind === "changed"
        ? `${c.field}: ${c.before} → ${c.after}`
        : c.kind === "removed"
          ? `${c.field}: ${c.before} (removed)`
          : `${c.field}: ${c.after}`,
    )
    .join("; ");
}
