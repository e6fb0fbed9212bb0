import { expect, test } from "@playwright/test";
import { newAccount, screenshot, signIn, signOut, signUp } from "./helpers";

test("a visitor signs up, signs out, fails with a wrong password, and signs in", async ({ page }) => {
  await page.goto("/");
  await expect(page).toHaveURL(/\/sign-in$/);
  await screenshot(page, "sign-in");

  const me = newAccount("owner");
  await page.goto("/sign-up");
  await screenshot(page, "sign-up");
  await signUp(page, me);
  await expect(page.getByRole("heading", { name: "Integrations", exact: true })).toBeVisible();
  await expect(page.getByText(me.workspace).first()).toBeVisible();
  await screenshot(page, "dashboard-empty");

  await signOut(page);
  await signIn(page, me.email, "not my password at all");
  await expect(page.getByRole("alert").filter({ hasText: "Wrong email or password." })).toBeVisible();
  await expect(page.getByLabel("Email")).toHaveValue(me.email); // what was typed stays

  await signIn(page, me.email, me.password);
  await expect(page).toHaveURL(/\/integrations$/);
});

test("sign-up shows clear errors and keeps what was typed", async ({ page }) => {
  const taken = newAccount("taken");
  await signUp(page, taken);
  await signOut(page);

  await page.goto("/sign-up");
  await page.getByLabel("Your name").fill("Second Person");
  await page.getByLabel("Work email").fill(taken.email);
  await page.getByLabel("Password").fill("short");
  await page.getByRole("button", { name: "Create account" }).click();
  await expect(page.getByText("Use at least 10 characters.")).toBeVisible();
  await expect(page.getByLabel("Your name")).toHaveValue("Second Person");

  await page.getByLabel("Password").fill("a much better passphrase");
  await page.getByRole("button", { name: "Create account" }).click();
  await expect(page.getByText("An account with this email already exists. Sign in instead.")).toBeVisible();
  await expect(page.getByLabel("Work email")).toHaveValue(taken.email);
});

test("a signed-out visit to a dashboard page lands on sign-in", async ({ page }) => {
  for (const path of ["/integrations", "/bots", "/conversations", "/leads", "/settings"]) {
    await page.goto(path);
    await expect(page).toHaveURL(/\/sign-in/);
  }
});

test("a second user sees only their own workspace", async ({ browser }) => {
  const a = newAccount("alpha");
  const b = newAccount("beta");
  const pageA = await (await browser.newContext()).newPage();
  await signUp(pageA, a);
  const pageB = await (await browser.newContext()).newPage();
  await signUp(pageB, b);
  await pageB.goto("/settings");
  await expect(pageB.getByText(b.workspace).first()).toBeVisible();
  await expect(pageB.getByText(a.workspace)).toHaveCount(0);
  await expect(pageB.getByText(a.email)).toHaveCount(0);
});

test("the dashboard works at phone width and in dark mode", async ({ browser }) => {
  const ctx = await browser.newContext({ viewport: { width: 390, height: 844 }, colorScheme: "dark" });
  const page = await ctx.newPage();
  await signUp(page, newAccount("mobile"));
  await screenshot(page, "dashboard-mobile-dark");
  await page.getByRole("button", { name: "Open menu" }).click();
  await page.getByRole("link", { name: "Settings" }).click();
  await expect(page).toHaveURL(/\/settings$/);
  await expect(page.getByRole("heading", { name: "Settings", exact: true })).toBeVisible();
  await screenshot(page, "settings-mobile-dark");
});

test("signing out ends the session on the server: a copy of the cookie no longer works (issue 13, finding 4)", async ({
  page,
  browser,
}) => {
  const me = newAccount("revoked");
  await signUp(page, me);
  const copied = await page.context().cookies();
  await signOut(page);

  const thief = await browser.newContext();
  await thief.addCookies(copied);
  const other = await thief.newPage();
  await other.goto("/integrations");
  await expect(other).toHaveURL(/\/sign-in/);
  await thief.close();
});

test("sign out everywhere ends every session of the account", async ({ page, browser }) => {
  const me = newAccount("everywhere");
  await signUp(page, me);
  const second = await browser.newContext();
  const laptop = await second.newPage();
  await signIn(laptop, me.email, me.password);
  await expect(laptop).toHaveURL(/\/integrations$/);

  await page.getByRole("button", { name: "Account menu" }).click();
  await page.getByRole("menuitem", { name: "Sign out everywhere" }).click();
  await expect(page).toHaveURL(/\/sign-in/);
  await laptop.goto("/integrations");
  await expect(laptop).toHaveURL(/\/sign-in/);
  await second.close();
});
