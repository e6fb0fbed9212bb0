import type { Role } from "@/db/schema";

/**
 * What each role may do. Owner and admin manage everything but ownership; members work the inbox
 * and leads; viewers read.
 */
const PERMISSIONS = {
  read: ["owner", "admin", "member", "viewer"],
  work_inbox: ["owner", "admin", "member"],
  manage_bots: ["owner", "admin"],
  manage_integrations: ["owner", "admin"],
  manage_members: ["owner", "admin"],
  manage_workspace: ["owner", "admin"],
  transfer_ownership: ["owner"],
} as const satisfies Record<string, readonly Role[]>;

export type Permission = keyof typeof PERMISSIONS;

/** True when the role grants the permission. */
export function can(role: Role, permission: Permission): boolean {
  return (PERMISSIONS[permission] as readonly Role[]).includes(role);
}

export const ROLE_LABELS: Record<Role, string> = { owner: "Owner", admin: "Admin", member: "Member", viewer: "Viewer" };
