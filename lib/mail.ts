import { ROLE_LABELS } from "@/lib/permissions";
import type { Role } from "@/db/schema";

/** True when SMTP_URL is set: invites are emailed instead of shown to the inviter. */
export function mailConfigured(): boolean {
  return !!process.env.SMTP_URL?.trim();
}

function sender(): string {
  const configured = process.env.SMTP_FROM?.trim();
  if (configured) return configured;
  let host = "localhost";
  try {
    if (process.env.PUBLIC_BASE_URL) host = new URL(process.env.PUBLIC_BASE_URL).hostname;
  } catch {
    // an unparseable PUBLIC_BASE_URL is reported where it is used; the sender falls back
  }
  return `Parley <no-reply@${host}>`;
}

export type InviteEmail = { to: string; workspaceName: string; inviterName: string; role: Role; url: string; expiresAt: Date };

/** The invite email, plain text and HTML. Exported for tests; sendInviteEmail sends it. */
export function renderInviteEmail(invite: InviteEmail): { subject: string; text: string; html: string } {
  const role = ROLE_LABELS[invite.role].toLowerCase();
  const expires = invite.expiresAt.toUTCString();
  const subject = `${invite.inviterName} invited you to ${invite.workspaceName} on Parley`;
  const text = [
    `${invite.inviterName} invited you to join the workspace “${invite.workspaceName}” on Parley as ${role === "admin" ? "an" : "a"} ${role}.`,
    "",
    `Accept the invitation: ${invite.url}`,
    "",
    `Sign in or create an account with this email address (${invite.to}). The link works once and expires on ${expires}.`,
    "If you did not expect this, you can ignore this email.",
  ].join("\n");
  const esc = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
  const html = `<p>${esc(invite.inviterName)} invited you to join the workspace <strong>${esc(invite.workspaceName)}</strong> on Parley as ${
    role === "admin" ? "an" : "a"
  } ${esc(role)}.</p>
<p><a href="${esc(invite.url)}">Accept the invitation</a></p>
<p>Sign in or create an account with this email address (${esc(invite.to)}). The link works once and expires on ${esc(expires)}.</p>
<p style="color:#666">If you did not expect this, you can ignore this email.</p>`;
  return { subject, text, html };
}

/** Sends the invite through SMTP_URL (a nodemailer transport URL, e.g. smtps://user:pass@smtp.example.com). */
export async function sendInviteEmail(invite: InviteEmail): Promise<{ ok: true } | { ok: false; reason: string }> {
  const url = process.env.SMTP_URL?.trim();
  if (!url) return { ok: false, reason: "SMTP_URL is not set" };
  try {
    const { createTransport } = await import("nodemailer");
    const transport = createTransport(url);
    await transport.sendMail({ from: sender(), to: invite.to, ...renderInviteEmail(invite) });
    return { ok: true };
  } catch (error) {
    return { ok: false, reason: error instanceof Error ? error.message : String(error) };
  }
}
