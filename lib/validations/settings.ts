import { z } from "zod";
import { emailSchema } from "@/lib/validations/auth";
import { RETENTION_DAYS } from "@/lib/validations/limits";

const PLANS = ["starter", "core", "pro", "scale"] as const;

export const inviteMemberSchema = z.object({
  email: emailSchema,
  role: z.enum(["admin", "member", "viewer"], { error: "Choose a role: admin, member or viewer." }),
});

export const changeRoleSchema = z.object({
  userId: z.string().min(1).max(64),
  role: z.enum(["admin", "member", "viewer"], { error: "Choose a role: admin, member or viewer." }),
});

export const changePlanSchema = z.object({
  plan: z.enum(PLANS, { error: "Choose one of the plans." }),
});

export const workspaceNameSchema = z.object({
  name: z.string({ error: "Enter a name." }).trim().min(1, "Enter a name.").max(100, "Use at most 100 characters."),
});

const RETENTION_HINT = `Enter a whole number of days from ${RETENTION_DAYS.min} to ${RETENTION_DAYS.max.toLocaleString("en-US")}, or leave it empty to keep conversations.`;

/** Retention: empty (or only spaces) turns it off; otherwise whole days in RETENTION_DAYS. */
export const retentionSchema = z.object({
  days: z
    .string({ error: RETENTION_HINT })
    .trim()
    .transform((v, ctx) => {
      if (v === "") return null;
      const days = /^\d{1,5}$/.test(v) ? Number(v) : NaN;
      if (!(days >= RETENTION_DAYS.min && days <= RETENTION_DAYS.max)) {
        ctx.addIssue({ code: "custom", message: RETENTION_HINT });
        return z.NEVER;
      }
      return days;
    }),
});

/** Audit log kinds a person can filter by; each matches the actions whose names start with its prefix. */
export const AUDIT_KINDS = {
  workspace: { label: "Workspace and plan", prefixes: ["workspace."] },
  member: { label: "Members and invites", prefixes: ["member.", "invite."] },
  integration: { label: "Integrations and keys", prefixes: ["integration."] },
  bot: { label: "Bots and knowledge", prefixes: ["bot.", "knowledge."] },
  conversation: { label: "Conversations and leads", prefixes: ["conversation.", "lead."] },
  data: { label: "Erasure and retention", prefixes: ["end_user.", "retention."] },
} as const;
export type AuditKind = keyof typeof AUDIT_KINDS;

export function parseAuditKind(value: unknown): AuditKind | undefined {
  return typeof value === "string" && Object.hasOwn(AUDIT_KINDS, value) ? (value as AuditKind) : undefined;
}
