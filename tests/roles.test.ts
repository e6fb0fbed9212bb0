/**
 * Every server action, every role: a table of all the app's server actions (found by reading every
 * "use server" file, so a new action without a row fails this test) and the roles allowed to run
 * each. Each call runs the real action, the real requireWorkspace() and the real database, signed in
 * as a user of that role in a fresh workspace, with arguments that point at real objects there.
 * An allowed role gets its way; a forbidden role is refused, changes nothing in the database, and
 * gets no secret back.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import fs from "node:fs";
import path from "node:path";
import type { DbHandle } from "@/db";
import { createInvite } from "@/db/queries/members";
import { createIntegration, createWidgetIntegration } from "@/db/queries/integrations";
import { createWebhook } from "@/db/queries/webhooks";
import { bots, conversations, DEFAULT_WIDGET, knowledgeSources, webhookDeliveries, type Role } from "@/db/schema";
import * as inviteActions from "@/app/(auth)/invite/actions";
import * as botActions from "@/app/(dashboard)/bots/actions";
import * as conversationActions from "@/app/(dashboard)/conversations/actions";
import * as integrationActions from "@/app/(dashboard)/integrations/actions";
import * as settingsActions from "@/app/(dashboard)/settings/actions";
import * as webhookActions from "@/app/(dashboard)/settings/webhooks/actions";
import * as unansweredActions from "@/app/(dashboard)/unanswered/actions";
import { saveExchange } from "@/db/queries/conversations";
import { listTopics } from "@/db/queries/unanswered";
import { groupUnanswered } from "@/lib/unanswered/sync";
import { generateInviteToken } from "@/lib/invites";
import { newId } from "@/lib/ids";
import { openTestDb } from "./db";
import {
  addMember,
  createOwnedWorkspace,
  createUser,
  databaseDigest,
  outcome,
  refused,
  signInAs,
  type Outcome,
} from "./workspace-fixtures";

vi.mock("@/lib/auth", async () => (await import("./workspace-fixtures")).authMock);
vi.mock("next/headers", async () => (await import("./workspace-fixtures")).headersMock);
vi.mock("next/cache", async () => (await import("./workspace-fixtures")).cacheMock);
vi.mock("next-auth", async () => (await import("./workspace-fixtures")).nextAuthMock);

const ROLES: Role[] = ["owner", "admin", "member", "viewer"];
const ALL = ROLES;
const MANAGERS: Role[] = ["owner", "admin"];
const WORKERS: Role[] = ["owner", "admin", "member"];
const OWNER: Role[] = ["owner"];

/** Server actions that are not about a workspace at all: signing in, up and out. */
// Not workspace actions: signing in and out, and the signed-in person's own password and sessions.
const PUBLIC_ACTIONS = new Set([
  "signInAction",
  "signUpAction",
  "signOutAction",
  "signOutForInviteAction",
  "signOutEverywhereAction",
  "changePasswordAction",
]);

/** lib/actions.ts's wrappers, which every dashboard action is built with. */
const WRAPPERS = new Set(["workspaceAction", "validatedWorkspaceAction", "validatedUserAction"]);
// Switching workspace acts on the user's memberships, not on the current workspace: it checks the target one itself.
const UNWRAPPED = new Set(["switchWorkspaceAction"]);

/** Whether `builder` is one of the wrappers, or a function of the same file that returns one (a family of actions). */
function builtByWrapper(source: string, builder: string | undefined): boolean {
  if (!builder) return false;
  if (WRAPPERS.has(builder)) return true;
  const body = new RegExp(`function\\s+${builder}\\s*\\([\\s\\S]*?\\n}`).exec(source)?.[0] ?? "";
  return [...WRAPPERS].some((w) => body.includes(`return ${w}(`));
}

let h: DbHandle;
const saved = { log: process.env.PARLEY_LOG, webhooks: process.env.WEBHOOKS_ALLOW_PRIVATE };
beforeAll(async () => {
  process.env.PARLEY_LOG = "silent";
  process.env.WEBHOOKS_ALLOW_PRIVATE = "1"; // the webhook URL check would otherwise resolve a hostname
  h = await openTestDb();
});
afterAll(async () => {
  await h?.close();
  for (const [key, value] of [
    ["PARLEY_LOG", saved.log],
    ["WEBHOOKS_ALLOW_PRIVATE", saved.webhooks],
  ] as const) {
    if (value === undefined) delete process.env[key];
    else process.env[key] = value;
  }
});

/** A workspace with one of everything, and a user of `role` in it (the owner themself for "owner"). */
async function makeFixture(role: Role) {
  const ws = await createOwnedWorkspace(h.db, `roles-${role}`);
  const actor = role === "owner" ? ws.owner : await createUser(h.db, role);
  if (role !== "owner") await addMember(h.db, ws.workspace.id, actor.id, role);
  const byOwner = { actorUserId: ws.owner.id };
  const target = await createUser(h.db, "target");
  await addMember(h.db, ws.workspace.id, target.id, "member");
  const made = (await createIntegration(h.db, {
    workspaceId: ws.workspace.id,
    botId: ws.bot.id,
    name: "Website",
    ...byOwner,
  }))!;
  const widget = (await createWidgetIntegration(h.db, {
    workspaceId: ws.workspace.id,
    botId: ws.bot.id,
    name: "Widget",
    allowedOrigins: ["https://www.example.com"],
    widget: DEFAULT_WIDGET,
    ...byOwner,
  }))!;
  const [spareBot] = await h.db
    .insert(bots)
    .values({ id: newId("bot"), workspaceId: ws.workspace.id, name: "Spare bot" })
    .returning();
  const [source] = await h.db
    .insert(knowledgeSources)
    .values({
      id: newId("src"),
      workspaceId: ws.workspace.id,
      botId: ws.bot.id,
      kind: "text",
      title: "Hours",
      input: "Open 9 to 5.",
      status: "ready",
    })
    .returning();
  const invited = await createInvite(h.db, {
    workspaceId: ws.workspace.id,
    email: "pending@example.com",
    role: "viewer",
    tokenHash: generateInviteToken().hash,
    ttlDays: 7,
    ...byOwner,
  });
  const conversationId = newId("conv");
  await h.db.insert(conversations).values({
    id: conversationId,
    workspaceId: ws.workspace.id,
    botId: ws.bot.id,
    integrationId: made.integration.id,
    channel: "api",
    status: "handoff_requested",
  });
  const hook = (await createWebhook(h.db, {
    workspaceId: ws.workspace.id,
    url: "https://hooks.example.com/parley",
    events: ["lead.created"],
    max: 10,
    ...byOwner,
  }))!;
  const [delivery] = await h.db
    .insert(webhookDeliveries)
    .values({
      webhookId: hook.webhook.id,
      workspaceId: ws.workspace.id,
      eventId: newId("evt"),
      event: "lead.created",
      payload: {},
      status: "failed",
      attempts: 8,
    })
    .returning();
  // An unanswered question, grouped into a topic, and a Q&A entry.
  await saveExchange(h.db, {
    conversation: { id: conversationId },
    userMessage: "Do you sell gift cards?",
    reply: {
      content: "Sorry, no idea.",
      sources: [],
      engine: "builtin",
      latencyMs: 1,
      kind: "fallback",
      unanswered: "fallback",
    },
  });
  await groupUnanswered(h.db, { workspaceId: ws.workspace.id, embedding: null });
  const [topic] = await listTopics(h.db, { workspaceId: ws.workspace.id });
  const [qaSource] = await h.db
    .insert(knowledgeSources)
    .values({
      id: newId("src"),
      workspaceId: ws.workspace.id,
      botId: ws.bot.id,
      kind: "qa",
      title: "Do you deliver?",
      input: "Yes, everywhere.",
      status: "ready",
    })
    .returning();
  // Elsewhere: a workspace the actor also belongs to (to switch to), and one that invites them.
  const second = await createOwnedWorkspace(h.db, "second");
  await addMember(h.db, second.workspace.id, actor.id, "viewer");
  const third = await createOwnedWorkspace(h.db, "third");
  const invitation = generateInviteToken();
  await createInvite(h.db, {
    workspaceId: third.workspace.id,
    email: actor.email,
    role: "member",
    tokenHash: invitation.hash,
    ttlDays: 7,
    actorUserId: third.owner.id,
  });
  return {
    role,
    actor,
    workspace: ws.workspace,
    bot: ws.bot,
    spareBot: spareBot!,
    source: source!,
    qaSource: qaSource!,
    topicId: topic!.id,
    integration: made.integration,
    widget,
    inviteId: invited.ok ? invited.invite.id : "",
    target,
    conversationId,
    webhookId: hook.webhook.id,
    deliveryId: delivery!.id,
    secondWorkspaceId: second.workspace.id,
    inviteToken: invitation.token,
    /** Values no forbidden caller may get back. */
    secrets: [made.apiKey, hook.secret],
  };
}
type Fixture = Awaited<ReturnType<typeof makeFixture>>;

function form(values: Record<string, string | string[]>) {
  const f = new FormData();
  for (const [k, v] of Object.entries(values)) for (const one of [v].flat()) f.append(k, one);
  return f;
}
const idle = { status: "idle" } as const;
const widgetForm = (values: Record<string, string>) =>
  form({
    origin: ["https://www.example.com"],
    title: "Help",
    greeting: "Hi!",
    accentColor: "#4f46e5",
    theme: "auto",
    position: "right",
    launcherIcon: "chat",
    ...values,
  });

type Row = {
  allowed: Role[];
  /** Whether a successful call writes to the database (switching workspaces only sets a cookie). */
  mutates: boolean;
  call: (fx: Fixture) => Promise<unknown>;
};

const ACTIONS: Record<string, Row> = {
  // Integrations
  createIntegrationAction: {
    allowed: MANAGERS,
    mutates: true,
    call: (fx) => integrationActions.createIntegrationAction(idle, form({ name: "New one", botId: fx.bot.id })),
  },
  updateAllowedIpsAction: {
    allowed: MANAGERS,
    mutates: true,
    call: (fx) => integrationActions.updateAllowedIpsAction(fx.integration.id, idle, form({ entry: ["10.0.0.0/8"] })),
  },
  renameIntegrationAction: {
    allowed: MANAGERS,
    mutates: true,
    call: (fx) => integrationActions.renameIntegrationAction(fx.integration.id, idle, form({ name: "Renamed" })),
  },
  setEndUserLimitsAction: {
    allowed: MANAGERS,
    mutates: true,
    call: (fx) =>
      integrationActions.setEndUserLimitsAction(
        fx.integration.id,
        idle,
        form({ requestsPerMinute: "30", messagesPerMonth: "1000" }),
      ),
  },
  rollKeyAction: {
    allowed: MANAGERS,
    mutates: true,
    call: (fx) => integrationActions.rollKeyAction(fx.integration.id, idle, form({ grace: "none" })),
  },
  deleteIntegrationAction: {
    allowed: MANAGERS,
    mutates: true,
    call: (fx) =>
      integrationActions.deleteIntegrationAction(
        fx.integration.id,
        idle,
        form({ confirm: fx.integration.name, expected: fx.integration.name }),
      ),
  },
  recreateIntegrationAction: {
    allowed: MANAGERS,
    mutates: true,
    call: (fx) => integrationActions.recreateIntegrationAction(fx.integration.id, idle),
  },
  createWidgetAction: {
    allowed: MANAGERS,
    mutates: true,
    call: (fx) => integrationActions.createWidgetAction(idle, widgetForm({ name: "Shop chat", botId: fx.bot.id })),
  },
  updateWidgetAction: {
    allowed: MANAGERS,
    mutates: true,
    call: (fx) =>
      integrationActions.updateWidgetAction(fx.widget.id, idle, widgetForm({ name: "Renamed", botId: fx.bot.id })),
  },
  setWidgetDisabledAction: {
    allowed: MANAGERS,
    mutates: true,
    call: (fx) => integrationActions.setWidgetDisabledAction(fx.widget.id, true),
  },
  identitySecretAction: {
    allowed: MANAGERS,
    mutates: true,
    call: (fx) => integrationActions.identitySecretAction(fx.widget.id, false, idle),
  },

  // Bots and knowledge
  createBotAction: {
    allowed: MANAGERS,
    mutates: true,
    call: () => botActions.createBotAction(idle, form({ name: "Another bot" })),
  },
  updateBotAction: {
    allowed: MANAGERS,
    mutates: true,
    call: (fx) =>
      botActions.updateBotAction(
        fx.bot.id,
        idle,
        form({
          name: "Renamed bot",
          instructions: "Be brief.",
          welcomeMessage: "Hello!",
          fallbackMessage: "No idea.",
          engine: "builtin",
        }),
      ),
  },
  // Success changes the bot's lead_capture (off → on) or handoff (on → off) column, with a bot.updated audit row.
  updateLeadCaptureAction: {
    allowed: MANAGERS,
    mutates: true,
    call: (fx) =>
      botActions.updateLeadCaptureAction(
        fx.bot.id,
        idle,
        form({
          enabled: "on",
          fieldName: "optional",
          fieldEmail: "required",
          fieldPhone: "optional",
          fieldCompany: "off",
          askAfterMessages: "3",
          askOnIntent: "on",
          askMessage: "Could you share your email so we can follow up?",
        }),
      ),
  },
  updateHandoffAction: {
    allowed: MANAGERS,
    mutates: true,
    call: (fx) =>
      botActions.updateHandoffAction(
        fx.bot.id,
        idle,
        form({
          offerAfterFailures: "",
          offerMessage: "Want a person?",
          handoffMessage: "Someone from the team will reply here.",
        }),
      ),
  },
  deleteBotAction: {
    allowed: MANAGERS,
    mutates: true,
    call: (fx) => botActions.deleteBotAction(fx.spareBot.id, idle, form({ confirm: fx.spareBot.name })),
  },
  addTextSourceAction: {
    allowed: MANAGERS,
    mutates: true,
    call: (fx) =>
      botActions.addTextSourceAction(
        fx.bot.id,
        idle,
        form({ title: "Returns", text: "Returns are free within 30 days." }),
      ),
  },
  addUrlSourceAction: {
    allowed: MANAGERS,
    mutates: true,
    call: (fx) =>
      botActions.addUrlSourceAction(fx.bot.id, idle, form({ url: "https://example.com/help", mode: "page" })),
  },
  resyncSourceAction: {
    allowed: MANAGERS,
    mutates: true,
    call: (fx) => botActions.resyncSourceAction(fx.bot.id, fx.source.id),
  },
  deleteSourceAction: {
    allowed: MANAGERS,
    mutates: true,
    call: (fx) => botActions.deleteSourceAction(fx.bot.id, fx.source.id),
  },
  addCuratedAnswerAction: {
    allowed: MANAGERS,
    mutates: true,
    call: (fx) =>
      botActions.addCuratedAnswerAction(fx.bot.id, idle, form({ question: "Do you open on Sundays?", answer: "No." })),
  },
  editCuratedAnswerAction: {
    allowed: MANAGERS,
    mutates: true,
    call: (fx) =>
      botActions.editCuratedAnswerAction(
        fx.bot.id,
        fx.qaSource.id,
        idle,
        form({ question: "Do you deliver?", answer: "Yes, in Europe.", variants: "Do you ship?" }),
      ),
  },
  sendTestMessageAction: {
    allowed: WORKERS,
    mutates: true,
    call: (fx) => botActions.sendTestMessageAction(fx.bot.id, { conversationId: null, message: "When are you open?" }),
  },

  // Inbox
  takeOverAction: {
    allowed: WORKERS,
    mutates: true,
    call: (fx) => conversationActions.takeOverAction(fx.conversationId),
  },
  replyAction: {
    allowed: WORKERS,
    mutates: true,
    call: (fx) => conversationActions.replyAction(fx.conversationId, "Hi, this is Sam from the team."),
  },
  returnToBotAction: {
    allowed: WORKERS,
    mutates: true,
    call: (fx) => conversationActions.returnToBotAction(fx.conversationId),
  },
  resolveAction: {
    allowed: WORKERS,
    mutates: true,
    call: (fx) => conversationActions.resolveAction(fx.conversationId),
  },

  // Unanswered questions
  answerTopicAction: {
    allowed: MANAGERS,
    mutates: true,
    call: (fx) =>
      unansweredActions.answerTopicAction(
        fx.topicId,
        idle,
        form({ question: "Do you sell gift cards?", answer: "Yes, from $10." }),
      ),
  },
  dismissTopicAction: {
    allowed: MANAGERS,
    mutates: true,
    call: (fx) => unansweredActions.dismissTopicAction(fx.topicId),
  },
  reopenTopicAction: {
    allowed: MANAGERS,
    mutates: true,
    call: (fx) => unansweredActions.reopenTopicAction(fx.topicId),
  },
  snoozeTopicAction: {
    allowed: MANAGERS,
    mutates: true,
    call: (fx) =>
      unansweredActions.snoozeTopicAction(
        fx.topicId,
        idle,
        form({ until: new Date(Date.now() + 3 * 86_400_000).toISOString().slice(0, 10) }),
      ),
  },
  setDigestAction: {
    allowed: MANAGERS,
    mutates: true,
    call: () => unansweredActions.setDigestAction(false),
  },

  // Webhooks
  createWebhookAction: {
    allowed: MANAGERS,
    mutates: true,
    call: () =>
      webhookActions.createWebhookAction(
        idle,
        form({ url: "https://hooks.example.com/other", events: ["handoff.requested"] }),
      ),
  },
  updateWebhookAction: {
    allowed: MANAGERS,
    mutates: true,
    call: (fx) =>
      webhookActions.updateWebhookAction(
        fx.webhookId,
        idle,
        form({ url: "https://hooks.example.com/moved", events: ["message.created"] }),
      ),
  },
  setWebhookEnabledAction: {
    allowed: MANAGERS,
    mutates: true,
    call: (fx) => webhookActions.setWebhookEnabledAction(fx.webhookId, false),
  },
  revealWebhookSecretAction: {
    allowed: MANAGERS,
    mutates: false,
    call: (fx) => webhookActions.revealWebhookSecretAction(fx.webhookId),
  },
  rotateWebhookSecretAction: {
    allowed: MANAGERS,
    mutates: true,
    call: (fx) => webhookActions.rotateWebhookSecretAction(fx.webhookId),
  },
  deleteWebhookAction: {
    allowed: MANAGERS,
    mutates: true,
    call: (fx) => webhookActions.deleteWebhookAction(fx.webhookId),
  },
  sendTestEventAction: {
    allowed: MANAGERS,
    mutates: true,
    call: (fx) => webhookActions.sendTestEventAction(fx.webhookId),
  },
  retryDeliveryAction: {
    allowed: MANAGERS,
    mutates: true,
    call: (fx) => webhookActions.retryDeliveryAction(fx.deliveryId),
  },

  // Workspace, plan and members
  changePlanAction: {
    allowed: OWNER,
    mutates: true,
    call: () => settingsActions.changePlanAction(idle, form({ plan: "pro" })),
  },
  renameWorkspaceAction: {
    allowed: MANAGERS,
    mutates: true,
    call: () => settingsActions.renameWorkspaceAction(idle, form({ name: "Renamed workspace" })),
  },
  setRetentionAction: {
    allowed: MANAGERS,
    mutates: true,
    call: () => settingsActions.setRetentionAction(idle, form({ days: "90" })),
  },
  inviteMemberAction: {
    allowed: MANAGERS,
    mutates: true,
    call: () => settingsActions.inviteMemberAction(idle, form({ email: "newcomer@example.com", role: "admin" })),
  },
  renewInviteAction: {
    allowed: MANAGERS,
    mutates: true,
    call: (fx) => settingsActions.renewInviteAction(fx.inviteId, idle),
  },
  revokeInviteAction: {
    allowed: MANAGERS,
    mutates: true,
    call: (fx) => settingsActions.revokeInviteAction(fx.inviteId),
  },
  changeMemberRoleAction: {
    allowed: MANAGERS,
    mutates: true,
    call: (fx) => settingsActions.changeMemberRoleAction(fx.target.id, "viewer"),
  },
  removeMemberAction: {
    allowed: MANAGERS,
    mutates: true,
    call: (fx) => settingsActions.removeMemberAction(fx.target.id),
  },
  transferOwnershipAction: {
    allowed: OWNER,
    mutates: true,
    call: (fx) => settingsActions.transferOwnershipAction(idle, form({ userId: fx.target.id })),
  },
  // Anyone may leave, except the owner, who must transfer ownership first.
  leaveWorkspaceAction: {
    allowed: ["admin", "member", "viewer"],
    mutates: true,
    call: () => settingsActions.leaveWorkspaceAction(idle),
  },
  // Not gated by role: membership (switch) or the invited address (accept) is the check, tested in members.test.ts.
  switchWorkspaceAction: {
    allowed: ALL,
    mutates: false,
    call: (fx) => settingsActions.switchWorkspaceAction(fx.secondWorkspaceId, "/settings"),
  },
  createWorkspaceAction: {
    allowed: ALL,
    mutates: true,
    call: () => settingsActions.createWorkspaceAction(idle, form({ name: "My side project" })),
  },
  acceptInviteAction: {
    allowed: ALL,
    mutates: true,
    call: (fx) => inviteActions.acceptInviteAction(fx.inviteToken, idle),
  },
};

/** Every exported function of every "use server" file under app/, and whether lib/actions.ts's wrapper builds it. */
function discoverServerActions(): { file: string; name: string; wrapped: boolean }[] {
  const found: { file: string; name: string; wrapped: boolean }[] = [];
  const walk = (dir: string) => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (/\.(ts|tsx)$/.test(entry.name)) {
        const text = fs.readFileSync(full, "utf8");
        if (!/^\s*(\/\/[^\n]*\n|\/\*[\s\S]*?\*\/\s*)*["']use server["']/.test(text)) continue;
        for (const m of text.matchAll(/export\s+(?:async\s+)?function\s+(\w+)/g))
          found.push({ file: path.relative(process.cwd(), full), name: m[1]!, wrapped: false });
        for (const m of text.matchAll(/export\s+const\s+(\w+)\s*=\s*(\w+)?/g))
          found.push({ file: path.relative(process.cwd(), full), name: m[1]!, wrapped: builtByWrapper(text, m[2]) });
      }
    }
  };
  walk(path.join(process.cwd(), "app"));
  return found;
}

describe("the table covers every server action", () => {
  it("has a row for each exported action of each 'use server' file, and no row for one that is gone", () => {
    const found = discoverServerActions();
    const missing = found
      .filter((a) => !PUBLIC_ACTIONS.has(a.name) && !(a.name in ACTIONS))
      .map((a) => `${a.file}: ${a.name}`);
    expect(missing, "server actions without a row in tests/roles.test.ts").toEqual([]);
    const names = new Set(found.map((a) => a.name));
    expect(Object.keys(ACTIONS).filter((n) => !names.has(n))).toEqual([]);
    expect(found.length).toBeGreaterThanOrEqual(Object.keys(ACTIONS).length);
  });

  it("every dashboard action starts with the action wrapper (authenticate, authorize, validate)", () => {
    const unwrapped = discoverServerActions()
      .filter((a) => a.file.startsWith(path.join("app", "(dashboard)")) && !a.wrapped && !UNWRAPPED.has(a.name))
      .map((a) => `${a.file}: ${a.name}`);
    expect(unwrapped, "dashboard actions written without lib/actions.ts's wrapper").toEqual([]);
  });

  it("the imported modules export exactly the actions the table calls", () => {
    const modules = {
      ...integrationActions,
      ...botActions,
      ...conversationActions,
      ...webhookActions,
      ...settingsActions,
      ...inviteActions,
      ...unansweredActions,
    };
    for (const name of Object.keys(ACTIONS))
      expect(typeof (modules as Record<string, unknown>)[name], name).toBe("function");
  });
});

function describeOutcome(o: Outcome): string {
  return o.kind === "threw" ? `threw ${String(o.error)}` : JSON.stringify(o).slice(0, 300);
}

describe.each(Object.entries(ACTIONS))("%s", (name, row) => {
  it.each(ROLES)(`as %s`, async (role) => {
    const fx = await makeFixture(role);
    signInAs(fx.actor.id, fx.workspace.id);
    const before = await databaseDigest(h.db);
    const result = await outcome(() => row.call(fx));
    const after = await databaseDigest(h.db);
    expect(result.kind, describeOutcome(result)).not.toBe("threw");
    if (row.allowed.includes(role)) {
      expect(refused(result), `${name} as ${role} should be allowed: ${describeOutcome(result)}`).toBe(false);
      if (row.mutates) expect(after, `${name} as ${role} should change the database`).not.toEqual(before);
    } else {
      expect(refused(result), `${name} as ${role} should be refused: ${describeOutcome(result)}`).toBe(true);
      const changed = Object.keys(after).filter((t) => after[t] !== before[t]);
      expect(changed, `${name} as ${role} changed tables`).toEqual([]);
      for (const secret of fx.secrets) expect(JSON.stringify(result)).not.toContain(secret);
    }
  });
});
