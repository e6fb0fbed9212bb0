import { expect, test, type Page } from "@playwright/test";
import { newAccount, screenshot, signOut, signUp } from "./helpers";

/** Bots → New bot: a bot with just a name (the built-in engine answers with its fallback without knowledge). */
async function createBot(page: Page, name: string) {
  await page.goto("/bots");
  await page
    .getByRole("button", { name: /New bot|Create/ })
    .first()
    .click();
  await page.getByLabel("Name").fill(name);
  await page.getByRole("button", { name: "Create bot" }).click();
  await expect(page).toHaveURL(/\/bots\/bot_/);
}

/** Integrations → Add integration → Custom API; the endpoint and the key shown once. */
async function createIntegration(page: Page, name: string) {
  await page.goto("/integrations/new/custom-api");
  await page.getByLabel("Name").fill(name);
  await page.getByRole("button", { name: "Create integration" }).click();
  await expect(page).toHaveURL(/\/integrations\/int_/);
  const apiKey = (await page.getByTestId("api-key").textContent())!.trim();
  const endpoint = (await page.getByTestId("endpoint").textContent())!.replace(/^POST\s*/, "").trim();
  return { apiKey, endpoint };
}

test("an owner invites a member by link; the member joins, works, but cannot manage integrations; usage and audit show it all", async ({
  page,
  browser,
}) => {
  test.setTimeout(180_000);
  const owner = newAccount("owner");
  const teammate = newAccount("teammate");
  await signUp(page, owner);

  // Traffic through the API, counted on the usage page.
  await createBot(page, "Support bot");
  const { apiKey, endpoint } = await createIntegration(page, "Website chat");
  for (const message of ["Hello", "What are your opening hours?", "Thanks!"]) {
    const res = await page.request.post(endpoint, { headers: { "x-api-key": apiKey }, data: { message } });
    expect(res.status()).toBe(200);
  }
  await page.goto("/settings/usage");
  await expect(page.getByTestId("usage-used")).toHaveText("3");
  await expect(page.getByText("of 1,000 messages")).toBeVisible();
  await expect(page.getByRole("progressbar", { name: "Messages used this month" })).toHaveAttribute(
    "aria-valuenow",
    "3",
  );
  await expect(page.getByTestId("usage-chart")).toBeVisible();
  await expect(page.getByRole("row", { name: /Website chat\s+3\s+3/ })).toBeVisible();
  await expect(page.getByText("<1% used")).toBeVisible();
  await screenshot(page, "settings-usage");
  await page.emulateMedia({ colorScheme: "dark" });
  await screenshot(page, "settings-usage-dark");
  await page.emulateMedia({ colorScheme: "light" });

  // Invite by link (no SMTP on the test server).
  await page.goto("/settings/members");
  await page.getByLabel("Email address").fill(teammate.email);
  await page.getByLabel("Role").selectOption("member");
  await page.getByRole("button", { name: "Create invite link" }).click();
  const inviteUrl = (await page.getByTestId("invite-url").textContent())!.trim();
  expect(inviteUrl).toMatch(/\/invite\/[A-Za-z0-9_-]{43}$/);
  await expect(page.getByRole("row", { name: new RegExp(teammate.email) })).toBeVisible(); // pending
  await screenshot(page, "settings-members-invite");

  // The teammate opens the link in their own browser and signs up with the invited address.
  const theirs = await (await browser.newContext()).newPage();
  await theirs.goto(inviteUrl);
  await expect(theirs.getByText(`Join ${owner.workspace}`)).toBeVisible();
  await expect(theirs.getByText(/create an account or sign in with/i)).toBeVisible();
  await screenshot(theirs, "invite-accept");
  await theirs.getByRole("link", { name: "Create an account" }).click();
  await expect(theirs.getByLabel("Work email")).toHaveValue(teammate.email);
  await expect(theirs.getByLabel("Work email")).toHaveAttribute("readonly", "");
  await expect(theirs.getByLabel("Company or workspace name")).toHaveCount(0); // no workspace of their own
  await theirs.getByLabel("Your name").fill(teammate.name);
  await theirs.getByLabel("Password").fill(teammate.password);
  await theirs.getByRole("button", { name: "Create account and join" }).click();
  await expect(theirs).toHaveURL(/\/integrations$/);

  // A member sees the workspace but cannot add integrations, not even by going to the page.
  await expect(theirs.getByRole("button", { name: /Switch workspace/ })).toContainText(owner.workspace);
  await expect(theirs.getByRole("link", { name: "Website chat" })).toBeVisible();
  await expect(theirs.getByRole("link", { name: "Add integration" })).toHaveCount(0);
  await theirs.goto("/integrations/new/custom-api");
  await expect(theirs).toHaveURL(/\/integrations$/);
  // …but works the inbox: a customer asks for a person through the API, and the member answers.
  const asked = await page.request.post(endpoint, {
    headers: { "x-api-key": apiKey },
    data: { message: "Can I talk to a human?", user_id: "customer-7" },
  });
  const { conversation_id: cid, handoff } = await asked.json();
  expect(handoff).toBe(true);
  await theirs.goto("/conversations");
  await expect(theirs.getByRole("heading", { name: "Conversations", exact: true })).toBeVisible();
  await theirs.getByTestId("conversation-row").first().click();
  await theirs.getByLabel("Reply as a team member").fill("Hi, I'm on the team. How can I help?");
  await theirs.getByRole("button", { name: "Send reply" }).click();
  await expect(theirs.getByTestId("transcript").locator('[data-role="agent"]')).toContainText("Hi, I'm on the team.");
  const delivered = await page.request.post(endpoint, {
    headers: { "x-api-key": apiKey },
    data: { message: "Great", conversation_id: cid },
  });
  expect(await delivered.json()).toMatchObject({ handoff: true, reply: "Hi, I'm on the team. How can I help?" });
  // The usage page counted bot replies only: the handoff message, not the team's or the customer's words to the team.
  await page.goto("/settings/usage");
  await expect(page.getByTestId("usage-used")).toHaveText("4");
  await theirs.goto("/settings/members");
  await expect(theirs.getByText("Invite a teammate")).toHaveCount(0);
  await expect(theirs.getByRole("link", { name: "Audit log" })).toHaveCount(0);
  await theirs.goto("/settings/audit");
  await expect(theirs).toHaveURL(/\/settings$/);
  const csvForMember = await theirs.request.get("/settings/audit/export", { maxRedirects: 0 });
  expect(csvForMember.status()).toBe(403);

  // The owner sees them as a member and makes them a viewer.
  await page.goto("/settings/members");
  const row = page.getByRole("row", { name: new RegExp(teammate.email) });
  await expect(row.getByLabel(`Role of ${teammate.name}`)).toHaveValue("member");
  await row.getByLabel(`Role of ${teammate.name}`).selectOption("viewer");
  await expect(page.getByText("Role changed to Viewer.")).toBeVisible();
  await screenshot(page, "settings-members");

  // The audit log says who did what; the CSV has the same.
  await page.goto("/settings/audit");
  const entries = page.getByTestId("audit-entries");
  await expect(entries.getByText("member.role_changed")).toBeVisible();
  await expect(entries.getByText("member.joined")).toBeVisible();
  await expect(entries.getByText("member.invited")).toBeVisible();
  await expect(entries.getByText("integration.created")).toBeVisible();
  await screenshot(page, "settings-audit");
  await page.getByRole("link", { name: "Members and invites" }).click();
  await expect(page).toHaveURL(/kind=member/);
  await expect(entries.getByText("integration.created")).toHaveCount(0);
  await expect(entries.getByText("member.joined")).toBeVisible();
  const csv = await page.request.get("/settings/audit/export");
  expect(csv.status()).toBe(200);
  const text = await csv.text();
  expect(text).toContain("member.joined");
  expect(text).toContain(`Role: Member → Viewer`);

  // Removed: the teammate loses access on their very next request.
  await page.goto("/settings/members");
  await page.getByRole("button", { name: `Remove ${teammate.name}` }).click();
  await page.getByRole("button", { name: "Remove member" }).click();
  await expect(page.getByText("Member removed.")).toBeVisible();
  await theirs.goto("/integrations");
  await expect(theirs).toHaveURL(/\/invite$/);
  await expect(theirs.getByText("You are not in a workspace")).toBeVisible();
  await screenshot(theirs, "no-workspace");

  // Plan: the owner switches; the header follows.
  await page.goto("/settings/plan");
  await screenshot(page, "settings-plan");
  await page.getByRole("button", { name: "Switch to Core" }).click();
  await expect(page.getByText("You are on the Core plan now.")).toBeVisible();
  await expect(page.getByRole("button", { name: /Switch workspace/ })).toContainText("Core");

  await page.goto("/settings");
  await screenshot(page, "settings-general");
});

test("settings pages at phone width in dark mode", async ({ browser }) => {
  const ctx = await browser.newContext({ viewport: { width: 390, height: 844 }, colorScheme: "dark" });
  const page = await ctx.newPage();
  await signUp(page, newAccount("phone"));
  for (const [path, name] of [
    ["/settings", "settings-general-mobile-dark"],
    ["/settings/plan", "settings-plan-mobile-dark"],
    ["/settings/usage", "settings-usage-mobile-dark"],
    ["/settings/members", "settings-members-mobile-dark"],
    ["/settings/audit", "settings-audit-mobile-dark"],
  ] as const) {
    await page.goto(path);
    await expect(page.getByRole("heading", { name: "Settings", exact: true })).toBeVisible();
    expect(
      await page.evaluate(() => document.documentElement.scrollWidth),
      `${path} fits the phone's width`,
    ).toBeLessThanOrEqual(390);
    await screenshot(page, name);
  }
  // The invite form at phone width, with the one-time link shown.
  await page.goto("/settings/members");
  await page.getByLabel("Email address").fill("someone@example.com");
  await page.getByRole("button", { name: "Create invite link" }).click();
  await expect(page.getByTestId("invite-url")).toBeVisible();
  expect(
    await page.evaluate(() => document.documentElement.scrollWidth),
    "the invite link fits the phone's width",
  ).toBeLessThanOrEqual(390);
  await screenshot(page, "settings-members-invite-mobile-dark");
});

test("an existing user accepts an invite by signing in, then switches between their workspaces", async ({
  page,
  browser,
}) => {
  const owner = newAccount("host");
  const guest = newAccount("guest");
  await signUp(page, owner);
  const theirs = await (await browser.newContext()).newPage();
  await signUp(theirs, guest); // has a workspace of their own
  await signOut(theirs);

  await page.goto("/settings/members");
  await page.getByLabel("Email address").fill(guest.email);
  await page.getByLabel("Role").selectOption("admin");
  await page.getByRole("button", { name: "Create invite link" }).click();
  const inviteUrl = (await page.getByTestId("invite-url").textContent())!.trim();

  // Signed out: "I already have an account" → sign in (email filled in) → back to the invite → join.
  await theirs.goto(inviteUrl);
  await theirs.getByRole("link", { name: "I already have an account" }).click();
  await expect(theirs.getByLabel("Email")).toHaveValue(guest.email);
  await theirs.getByLabel("Password").fill(guest.password);
  await theirs.getByRole("button", { name: "Sign in" }).click();
  await expect(theirs).toHaveURL(/\/invite\/[A-Za-z0-9_-]{43}$/);
  await theirs.getByRole("button", { name: `Join ${owner.workspace}` }).click();
  await expect(theirs).toHaveURL(/\/integrations$/);
  const switcher = theirs.getByRole("button", { name: /Switch workspace/ });
  await expect(switcher).toContainText(owner.workspace);
  await expect(theirs.getByRole("link", { name: "Add integration" }).first()).toBeVisible(); // an admin may
  await theirs.goto(inviteUrl);
  await expect(theirs.getByText("This invitation was already used")).toBeVisible();

  // Switch back to their own workspace, staying on the same settings page.
  await theirs.goto("/settings/members");
  await theirs.getByRole("button", { name: /Switch workspace/ }).click();
  await expect(theirs.getByRole("menuitem", { name: new RegExp(owner.workspace) })).toBeVisible();
  await screenshot(theirs, "workspace-switcher");
  await theirs.getByRole("menuitem", { name: new RegExp(guest.workspace) }).click();
  await expect(theirs.getByRole("button", { name: /Switch workspace/ })).toContainText(guest.workspace);
  await expect(theirs).toHaveURL(/\/settings\/members$/);
  await expect(theirs.getByText(`1 person has access to ${guest.workspace}.`)).toBeVisible();

  // A third one, created from the switcher.
  await theirs.getByRole("button", { name: /Switch workspace/ }).click();
  await theirs.getByRole("menuitem", { name: "Create workspace" }).click();
  await theirs.getByLabel("Workspace name").fill("Side Project");
  await theirs.getByRole("button", { name: "Create workspace" }).click();
  await expect(theirs.getByRole("button", { name: /Switch workspace/ })).toContainText("Side Project");
});
