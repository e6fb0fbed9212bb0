import type { Role } from "@/db/schema";

/**
 * What each role may do. Owner and admin manage everything but ownership (and the plan, which is
 * billing); members work the inbox and leads; viewers read.
 */
const PERMISSIONS = {
  read: ["owner", "admin", "member", "viewer"],
  work_inbox: ["owner", "admin", "member"],
  manage_bots: ["owner", "admin"],
  manage_integrations: ["owner", "admin"],
  manage_members: ["owner", "admin"],
  manage_workspace: ["owner", "admin"],
  view_audit_log: ["owner", "admin"],
  change_plan: ["owner"],
  transfer_ownership: ["owner"],
} as const satisfies Record<string, readonly Role[]>;

export type Permission = keyof typeof PERMISSIONS;

/** True when the role grants the permission. */
export function can(role: Role, permission: Permission): boolean {
  return (PERMISSIONS[permission] as readonly Role[]).includes(role);
}

/** The roles that grant the permission (who is told about work that needs it). */
export function rolesWith(permission: Permission): Role[] {
  return [...PERMISSIONS[permission]];
}

export const ROLE_LABELS: Record<Role, string> = { owner: "Owner", admin: "Admin", member: "Member", viewer: "Viewer" };

/** Roles an invite or a role change may give; ownership only moves by transfer. */
export const ASSIGNABLE_ROLES = ["admin", "member", "viewer"] as const satisfies readonly Role[];
export type AssignableRole = (typeof ASSIGNABLE_ROLES)[number];

export const ROLE_DESCRIPTIONS: Record<Role, string> = {
  owner: "Everything, including the plan and transferring ownership.",
  admin: "Everything but the plan and ownership: bots, integrations, keys, members.",
  member: "Works the inbox and leads. Cannot change bots, integrations, keys or members.",
  viewer: "Reads everything, changes nothing.",
};
