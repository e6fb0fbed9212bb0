import type { Metadata } from "next";
import { InviteMemberForm } from "@/components/settings/invite-member-form";
import {
  RemoveMemberButton,
  RenewInviteButton,
  RevokeInviteButton,
  RoleSelect,
} from "@/components/settings/member-actions";
import { TransferOwnershipDialog } from "@/components/settings/transfer-ownership-dialog";
import { Badge } from "@/components/ui/badge";
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from "@/components/ui/card";
import { Table, TableBody, TableCell, TableHead, TableHeader, TableRow } from "@/components/ui/table";
import { getDb } from "@/db";
import { listMembers, listPendingInvites } from "@/db/queries/members";
import { formatDateTime, formatRelative } from "@/lib/format";
import { emailConfigured as smtpConfigured } from "@/lib/email";
import { ROLE_LABELS } from "@/lib/permissions";
import { requireWorkspace } from "@/lib/session";

export const metadata: Metadata = { title: "Members" };

export default async function MembersPage() {
  const { user, workspace, can } = await requireWorkspace();
  const db = await getDb();
  const [members, invites] = await Promise.all([listMembers(db, workspace.id), listPendingInvites(db, workspace.id)]);
  const manage = can("manage_members");
  const emailConfigured = smtpConfigured();
  return (
    <div className="grid gap-6 [&>*]:min-w-0">
      {manage && (
        <Card>
          <CardHeader>
            <CardTitle>Invite a teammate</CardTitle>
            <CardDescription>
              {emailConfigured
                ? "They get an email with a link to join. They sign in or create an account with that address."
                : "You get a link to pass on (email is not set up on this server). They sign in or create an account with the address you enter."}
            </CardDescription>
          </CardHeader>
          <CardContent>
            <InviteMemberForm emailConfigured={emailConfigured} />
          </CardContent>
        </Card>
      )}

      <Card className="gap-0 pb-0">
        <CardHeader className="pb-4">
          <CardTitle>Members</CardTitle>
          <CardDescription>
            {members.length} {members.length === 1 ? "person has" : "people have"} access to {workspace.name}.
          </CardDescription>
        </CardHeader>
        <Table>
          <TableHeader>
            <TableRow>
              <TableHead className="pl-6">Name</TableHead>
              <TableHead>Role</TableHead>
              <TableHead className="hidden md:table-cell">Joined</TableHead>
              {manage && (
                <TableHead className="pr-6 text-right">
                  <span className="sr-only">Actions</span>
                </TableHead>
              )}
            </TableRow>
          </TableHeader>
          <TableBody>
            {members.map((m) => {
              const self = m.userId === user.id;
              return (
                <TableRow key={m.userId}>
                  <TableCell className="w-full max-w-0 pl-6">
                    <div className="truncate font-medium">
                      {m.name} {self && <span className="text-muted-foreground font-normal">(you)</span>}
                    </div>
                    <div className="text-muted-foreground truncate text-xs">{m.email}</div>
                  </TableCell>
                  <TableCell>
                    {manage && m.role !== "owner" && !self ? (
                      <RoleSelect userId={m.userId} name={m.name} role={m.role} />
                    ) : (
                      <Badge variant={m.role === "owner" ? "default" : "secondary"}>{ROLE_LABELS[m.role]}</Badge>
                    )}
                  </TableCell>
                  <TableCell className="text-muted-foreground hidden md:table-cell" title={formatDateTime(m.joinedAt)}>
                    {formatRelative(m.joinedAt)}
                  </TableCell>
                  {manage && (
                    <TableCell className="pr-6 text-right">
                      {m.role !== "owner" && !self ? (
                        <RemoveMemberButton userId={m.userId} name={m.name} email={m.email} />
                      ) : null}
                    </TableCell>
                  )}
                </TableRow>
              );
            })}
          </TableBody>
        </Table>
      </Card>

      {(invites.length > 0 || manage) && (
        <Card className="gap-0 pb-0">
          <CardHeader className="pb-4">
            <CardTitle>Pending invitations</CardTitle>
            <CardDescription>
              {invites.length
                ? "Invitations not accepted yet. Each link works once, for 7 days."
                : "No invitations are waiting."}
            </CardDescription>
          </CardHeader>
          {invites.length > 0 ? (
            <Table>
              <TableHeader>
                <TableRow>
                  <TableHead className="pl-6">Email</TableHead>
                  <TableHead className="hidden sm:table-cell">Role</TableHead>
                  <TableHead className="hidden md:table-cell">Expires</TableHead>
                  {manage && (
                    <TableHead className="pr-6 text-right">
                      <span className="sr-only">Actions</span>
                    </TableHead>
                  )}
                </TableRow>
              </TableHeader>
              <TableBody>
                {invites.map((i) => (
                  <TableRow key={i.id}>
                    <TableCell className="w-full max-w-0 pl-6">
                      <div className="truncate font-medium">{i.email}</div>
                      <div className="text-muted-foreground truncate text-xs">
                        <span className="sm:hidden">{ROLE_LABELS[i.role]} · </span>
                        Invited by {i.invitedBy ?? "a former member"} {formatRelative(i.createdAt)}
                      </div>
                    </TableCell>
                    <TableCell className="hidden sm:table-cell">
                      <Badge variant="outline">{ROLE_LABELS[i.role]}</Badge>
                    </TableCell>
                    <TableCell
                      className="text-muted-foreground hidden md:table-cell"
                      title={formatDateTime(i.expiresAt)}
                    >
                      {formatRelative(i.expiresAt)}
                    </TableCell>
                    {manage && (
                      <TableCell className="pr-6 text-right whitespace-nowrap">
                        <RenewInviteButton inviteId={i.id} email={i.email} emailConfigured={emailConfigured} />
                        <RevokeInviteButton inviteId={i.id} email={i.email} />
                      </TableCell>
                    )}
                  </TableRow>
                ))}
              </TableBody>
            </Table>
          ) : (
            <div className="pb-6" />
          )}
        </Card>
      )}

      {can("transfer_ownership") && (
        <Card>
          <CardHeader>
            <CardTitle>Ownership</CardTitle>
            <CardDescription>
              You own this workspace. Only the owner changes the plan and transfers ownership; the owner cannot leave or
              be removed until ownership has moved to another member.
            </CardDescription>
          </CardHeader>
          <CardContent>
            <TransferOwnershipDialog
              workspaceName={workspace.name}
              candidates={members
                .filter((m) => m.userId !== user.id)
                .map((m) => ({ userId: m.userId, label: `${m.name} (${m.email})` }))}
            />
          </CardContent>
        </Card>
      )}
    </div>
  );
}
