import fs from "node:fs";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { expect, test, type APIRequestContext, type Page } from "@playwright/test";
import { createBotWithText, createCustomApiIntegration } from "./flows";
import { newAccount, screenshot, signUp } from "./helpers";

const KNOWLEDGE = `# Plans
The Pro plan costs $149 per month and includes 25,000 messages.
The Starter plan costs $19 per month.

# Shipping
We ship to Canada and the United States within 3 to 5 business days.`;

type Api = { endpoint: string; apiKey: string; integrationId: string };

async function chat(request: APIRequestContext, api: Api, body: Record<string, unknown>) {
  const res = await request.post(api.endpoint, {
    headers: { "x-api-key": api.apiKey, "content-type": "application/json" },
    data: body,
  });
  expect(res.status(), await res.text()).toBe(200);
  return (await res.json()) as { reply: string; conversation_id: string; message_id: string; handoff: boolean };
}

async function messagesOf(request: APIRequestContext, api: Api, conversationId: string) {
  const res = await request.get(`${api.endpoint}/conversations/${conversationId}/messages`, {
    headers: { "x-api-key": api.apiKey },
  });
  expect(res.status()).toBe(200);
  return (await res.json()) as { handoff: boolean; status: string; messages: { role: string; content: string }[] };
}

/** Sets up a workspace with a bot that knows the plans and a Custom API integration, all through the UI. */
async function setUp(page: Page, label: string) {
  await signUp(page, newAccount(label));
  const botId = await createBotWithText(page, { name: "Support bot", title: "Plans and shipping", text: KNOWLEDGE });
  const api = await createCustomApiIntegration(page, { name: "Website chat" });
  return { botId, api };
}

test("a customer asks for a person; a team member replies in the inbox; the bot answers again after return", async ({
  page,
  request,
}) => {
  test.setTimeout(180_000);
  const { api } = await setUp(page, "inbox");

  // The customer asks the bot, then for a person.
  const first = await chat(request, api, { message: "How much does the Pro plan cost?", user_id: "customer-42" });
  expect(first.handoff).toBe(false);
  expect(first.reply).toContain("$149");
  const cid = first.conversation_id;
  const handoff = await chat(request, api, {
    message: "Can I talk to a human?",
    user_id: "customer-42",
    conversation_id: cid,
  });
  expect(handoff.handoff).toBe(true);
  expect(handoff.reply).toMatch(/team/i);

  // A later conversation stays with the bot; the handed-off one is still listed first.
  const other = await chat(request, api, { message: "Do you ship to Canada?", user_id: "customer-7" });
  expect(other.handoff).toBe(false);

  await page.goto("/conversations");
  const rows = page.getByTestId("conversation-row");
  await expect(rows).toHaveCount(2);
  await expect(rows.first()).toHaveAttribute("data-conversation-id", cid);
  await expect(rows.first()).toHaveAttribute("data-status", "handoff_requested");
  await expect(rows.first()).toContainText("Waiting for team");
  await expect(rows.nth(1)).toHaveAttribute("data-conversation-id", other.conversation_id);
  await expect(page.getByTestId("nav-count-conversations")).toHaveText("1");
  await expect(page.getByText("1 waiting for your team")).toBeVisible();
  await screenshot(page, "inbox-list");

  // Filters live in the URL.
  await page.getByLabel("Status").selectOption("bot");
  await expect(page).toHaveURL(/status=bot/);
  await expect(rows).toHaveCount(1);
  await expect(rows.first()).toHaveAttribute("data-conversation-id", other.conversation_id);
  await page.getByRole("link", { name: "Clear filters" }).click();
  await expect(rows).toHaveCount(2);

  // The transcript: customer, bot (with the knowledge it used), the handoff message.
  await rows.first().click();
  await expect(page).toHaveURL(new RegExp(`/conversations/${cid}$`));
  const transcript = page.getByTestId("transcript");
  await expect(transcript.getByTestId("message")).toHaveCount(4);
  await expect(transcript.locator('[data-role="user"]').first()).toContainText("How much does the Pro plan cost?");
  await expect(transcript.getByLabel("Knowledge used").first()).toContainText("Plans and shipping");

  // A team member replies: Shift+Enter for a new line, Enter to send.
  const reply = page.getByLabel("Reply as a team member");
  await reply.fill("Hi, this is the team here.");
  await reply.press("Shift+Enter");
  await reply.pressSequentially("Pro is $149 a month. Would you like a demo?");
  await reply.press("Enter");
  const agent = transcript.locator('[data-role="agent"]');
  await expect(agent).toHaveCount(1);
  await expect(agent).toContainText("Hi, this is the team here.\nPro is $149 a month. Would you like a demo?");
  await expect(agent).toContainText("Waiting for the app to fetch it");
  await expect(reply).toHaveValue("");
  await expect(page.getByText("Team member active").first()).toBeVisible();
  await expect(page.getByTestId("nav-count-conversations")).toHaveCount(0); // nobody is waiting now

  // The API client gets the reply with its next message (handoff still on), and the bot stays silent.
  const next = await chat(request, api, {
    message: "Yes please, and is there a discount?",
    user_id: "customer-42",
    conversation_id: cid,
  });
  expect(next.handoff).toBe(true);
  expect(next.reply).toBe("Hi, this is the team here.\nPro is $149 a month. Would you like a demo?");
  const again = await chat(request, api, { message: "Hello?", user_id: "customer-42", conversation_id: cid });
  expect(again).toMatchObject({ handoff: true, reply: "" }); // nothing new from the team, and no bot reply

  // ...and through the messages endpoint.
  const polled = await messagesOf(request, api, cid);
  expect(polled.handoff).toBe(true);
  expect(polled.messages.filter((m) => m.role === "agent").map((m) => m.content)).toEqual([
    "Hi, this is the team here.\nPro is $149 a month. Would you like a demo?",
  ]);
  expect(polled.messages.filter((m) => m.role === "assistant")).toHaveLength(2); // the answer and the handoff message, nothing since

  // The customer's new messages appear in the open transcript without a reload.
  await expect(transcript.locator('[data-role="user"]').filter({ hasText: "is there a discount?" })).toBeVisible();
  await expect(transcript.locator('[data-role="user"]').filter({ hasText: "Hello?" })).toBeVisible();
  await expect(agent).toContainText("Delivered to the app");
  await expect(page.getByTestId("nav-count-conversations")).toHaveText("1"); // the customer wrote last: waiting again
  await screenshot(page, "conversation-team-reply");

  // Return to the bot: it answers the next message, once.
  await page.getByRole("button", { name: "Return to bot" }).click();
  await expect(page.locator('span[data-status="bot"]')).toBeVisible();
  const back = await chat(request, api, {
    message: "How much is the Starter plan?",
    user_id: "customer-42",
    conversation_id: cid,
  });
  expect(back.handoff).toBe(false);
  expect(back.reply).toContain("$19");
  const after = await messagesOf(request, api, cid);
  expect(after.handoff).toBe(false);
  expect(after.messages.slice(-2).map((m) => m.role)).toEqual(["user", "assistant"]);
  await expect(transcript.locator('[data-role="assistant"]').last()).toContainText("$19");

  // Resolve.
  await page.getByRole("button", { name: "Resolve" }).click();
  await expect(page.locator('span[data-status="resolved"]')).toBeVisible();
});

test("the inbox and a transcript at phone width in dark mode", async ({ browser, request }) => {
  test.setTimeout(180_000);
  const ctx = await browser.newContext({ viewport: { width: 390, height: 844 }, colorScheme: "dark" });
  const page = await ctx.newPage();
  const { api } = await setUp(page, "phone");
  const first = await chat(request, api, { message: "What does the Pro plan cost?", user_id: "phone-user" });
  await chat(request, api, { message: "I'd like to speak to a person please", conversation_id: first.conversation_id });
  await page.goto("/conversations");
  await expect(page.getByTestId("conversation-row")).toHaveCount(1);
  await screenshot(page, "inbox-list-mobile-dark");
  await page.getByTestId("conversation-row").first().click();
  await page.getByLabel("Reply as a team member").fill("Hello from the team! How can I help?");
  await page.getByRole("button", { name: "Send reply" }).click();
  await expect(page.getByTestId("transcript").locator('[data-role="agent"]')).toHaveCount(1);
  await screenshot(page, "conversation-mobile-dark");
  await page.getByRole("button", { name: "Open menu" }).click();
  await expect(page.getByRole("link", { name: /Conversations/ })).toBeVisible();
  await ctx.close();
});

/** Turns lead capture on in the bot's settings (off by default) and saves it. */
async function enableLeadCapture(page: Page, botId: string) {
  await page.goto(`/bots/${botId}?tab=settings`);
  const toggle = page.getByRole("switch", { name: "Capture leads" });
  await expect(toggle).not.toBeChecked();
  await toggle.check();
  await page.getByRole("button", { name: "Save lead capture" }).click();
  await expect(page.getByText("Lead capture saved.").first()).toBeVisible();
  await expect(toggle).toBeChecked();
}

test("a lead captured in a conversation is on the Leads page and in the CSV", async ({ page, request }) => {
  test.setTimeout(180_000);
  const { botId, api } = await setUp(page, "leads");
  await enableLeadCapture(page, botId);

  const res = await chat(request, api, {
    message: "I'm Ada Lovelace, ada@example.com, what does Pro cost?",
    user_id: "ada",
  });
  expect(res.reply).toContain("$149");

  await page.goto("/leads");
  const row = page.getByTestId("lead-row").filter({ hasText: "ada@example.com" });
  await expect(row).toHaveCount(1);
  await expect(row).toContainText("Ada Lovelace");
  await expect(row).toContainText("Website chat");
  await screenshot(page, "leads");

  await page.getByLabel("Search", { exact: true }).fill("lovelace"); // not the "Search leads" form around it
  await expect(page).toHaveURL(/q=lovelace/);
  await expect(page.getByTestId("lead-row")).toHaveCount(1);

  const [download] = await Promise.all([page.waitForEvent("download"), page.getByTestId("export-csv").click()]);
  expect(download.suggestedFilename()).toMatch(/^leads-\d{4}-\d{2}-\d{2}\.csv$/);
  const csv = fs.readFileSync((await download.path())!, "utf8");
  expect(csv.split("\r\n")[0]).toBe(
    "\uFEFFname,email,phone,company,bot,integration,conversations,latest_conversation_id,created_at",
  );
  expect(csv).toContain(`Ada Lovelace,ada@example.com,,,Support bot,Website chat,1,${res.conversation_id},`);

  // The conversation is one click away, with the lead beside the transcript.
  await row.getByRole("link", { name: /Open/ }).click();
  await expect(page).toHaveURL(new RegExp(`/conversations/${res.conversation_id}$`));
  await expect(page.getByTestId("lead-card")).toContainText("ada@example.com");
  await screenshot(page, "conversation-with-lead");

  // Signed out, the export is not served.
  const anonymous = await request.get("/leads/export", { maxRedirects: 0 });
  expect(anonymous.status()).not.toBe(200);
});

test("webhooks: add with a secret, refuse a loopback URL, send a test event, see the delivery log", async ({
  page,
  context,
}) => {
  test.setTimeout(120_000);
  await context.grantPermissions(["clipboard-read", "clipboard-write"]);
  await signUp(page, newAccount("hooks"));
  await page.goto("/settings/webhooks");
  await expect(page.getByText("No webhooks yet")).toBeVisible();

  // A receiver on this machine: refused (webhooks only go to public addresses unless WEBHOOKS_ALLOW_PRIVATE=1).
  const receiver = createServer((_req, res) => res.end("ok"));
  await new Promise<void>((resolve) => receiver.listen(0, "127.0.0.1", resolve));
  const local = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hooks`;
  await page.getByRole("button", { name: "Add webhook" }).first().click();
  await page.getByLabel("Endpoint URL").fill(local);
  await page.getByRole("dialog").getByRole("button", { name: "Add webhook" }).click();
  await expect(page.getByRole("alert").filter({ hasText: "loopback address" })).toBeVisible();
  receiver.close();

  await page.getByLabel("Endpoint URL").fill("https://hooks.example.com/parley");
  await page.getByRole("checkbox", { name: /message\.created/ }).uncheck();
  await page.getByRole("dialog").getByRole("button", { name: "Add webhook" }).click();
  const secret = (await page.getByTestId("webhook-secret").textContent())!.trim();
  expect(secret).toMatch(/^whsec_[0-9A-Za-z]{32}$/);
  await page.getByRole("button", { name: "Copy secret" }).click();
  expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(secret);
  await page.getByRole("button", { name: "Done" }).click();

  const hook = page.getByTestId("webhook");
  await expect(hook).toContainText("https://hooks.example.com/parley");
  await expect(hook).toContainText("lead.created");
  await expect(hook).not.toContainText("message.created");
  await expect(page.getByText(secret)).toHaveCount(0); // not on the page until asked for

  await hook.getByRole("button", { name: "Send test event" }).click();
  const delivery = page.getByTestId("delivery").first();
  await expect(delivery).toContainText("webhook.test");
  // hooks.example.com does not answer here: the attempt is logged with its error and retried later.
  await expect(delivery).toContainText(/next try|Delivered/, { timeout: 30_000 });
  await hook.getByRole("button", { name: "Show secret" }).click();
  await expect(hook.getByTestId("webhook-secret")).toHaveText(secret);
  await hook.getByRole("button", { name: "Hide secret" }).click();
  await screenshot(page, "webhooks-settings");

  // Rotate: a new secret; disable; delete. (A background refresh can close an open menu: open until the item shows.)
  const menu = async (item: string) => {
    await expect(async () => {
      if (!(await page.getByRole("menuitem", { name: item }).isVisible()))
        await hook.getByRole("button", { name: "More actions" }).click();
      await expect(page.getByRole("menuitem", { name: item })).toBeVisible({ timeout: 2000 });
      // The menu animates in; choose the item without waiting for the animation to settle.
      await page.getByRole("menuitem", { name: item }).dispatchEvent("click", undefined, { timeout: 2000 });
    }).toPass({ timeout: 30_000 });
  };
  await menu("Rotate secret");
  await page.getByRole("dialog").getByRole("button", { name: "Rotate secret" }).click();
  const rotated = (await hook.getByTestId("webhook-secret").textContent())!.trim();
  expect(rotated).toMatch(/^whsec_/);
  expect(rotated).not.toBe(secret);
  await menu("Disable");
  await expect(hook).toContainText("Disabled");
  await expect(hook.getByRole("button", { name: "Send test event" })).toBeDisabled();
  await menu("Delete");
  await page.getByRole("dialog").getByRole("button", { name: "Delete webhook" }).click();
  await expect(page.getByText("No webhooks yet")).toBeVisible();
});
