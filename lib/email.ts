import { ROLE_LABELS } from "@/lib/permissions";
import type { Role } from "@/db/schema";

/**
 * Parley's one way to send email: SMTP_URL (a nodemailer transport URL) from SMTP_FROM. Invitations,
 * handoff notices and digests render their own content and send it through {@link sendEmail}.
 */

/** True when SMTP_URL is set: Parley sends email (invitations, notices) instead of only showing links. */
export function emailConfigured(): boolean {
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

/** Text made safe to put inside HTML. */
export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

export type Email = { to: string | string[]; subject: string; text: string; html: string };
export type SendResult = { ok: true } | { ok: false; reason: string };

/** Sends one email through SMTP_URL; a failure is a value (the caller decides what to tell or retry). */
export async function sendEmail(email: Email): Promise<SendResult> {
  const url = process.env.SMTP_URL?.trim();
  if (!url) return { ok: false, reason: "SMTP_URL is not set" };
  try {
    const { createTransport } = await import("nodemailer");
    const transport = createTransport(url);
    await transport.sendMail({ from: sender(), ...email });
    return { ok: true };
  } catch (error) {
    return { ok: false, reason: error instanceof Error ? error.message : String(error) };
  }
}

export type InviteEmail = {
  to: string;
  workspaceName: string;
  inviterName: string;
  role: Role;
  url: string;
  expiresAt: Date;
};

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
  const esc = escapeHtml;
  const html = `<p>${esc(invite.inviterName)} invited you to join the workspace <strong>${esc(invite.workspaceName)}</strong> on Parley as ${
    role === "admin" ? "an" : "a"
  } ${esc(role)}.</p>
<p><a href="${esc(invite.url)}">Accept the invitation</a></p>
<p>Sign in or create an account with this email address (${esc(invite.to)}). The link works once and expires on ${esc(expires)}.</p>
<p style="color:#666">If you did not expect this, you can ignore this email.</p>`;
  return { subject, text, html };
}

/** Sends the invite through SMTP_URL (a nodemailer transport URL, e.g. smtps://user:pass@smtp.example.com). */
export function sendInviteEmail(invite: InviteEmail): Promise<SendResult> {
  return sendEmail({ to: invite.to, ...renderInviteEmail(invite) });
}
