import { expect, test, type Page } from "@playwright/test";
import { createBotWithText, createCustomApiIntegration } from "./flows";
import { expectNoViolations, newAccount, signUp } from "./helpers";

/** Issue 18 item 12: axe (WCAG 2.1 A and AA) on every page and main dialog, light and dark, desktop and 390 px; and keyboard only. */

const MODES = [
  { name: "light desktop", colorScheme: "light", viewport: { width: 1280, height: 800 } },
  { name: "dark desktop", colorScheme: "dark", viewport: { width: 1280, height: 800 } },
  { name: "light 390 px", colorScheme: "light", viewport: { width: 390, height: 844 } },
  { name: "dark 390 px", colorScheme: "dark", viewport: { width: 390, height: 844 } },
] as const;

test("no WCAG 2.1 A/AA violation on any page or main dialog, in light and dark, at desktop and 390 px", async ({
  page,
}) => {
  test.setTimeout(420_000);
  const account = newAccount("axe");
  await signUp(page, account);
  const botId = await createBotWithText(page, { name: "Axe bot", title: "Plans", text: "Pro costs $149 a month." });
  const { integrationId } = await createCustomApiIntegration(page, { name: "Axe app", bot: "Axe bot" });
  const pages = [
    "/integrations",
    "/integrations/new",
    "/integrations/new/custom-api",
    `/integrations/${integrationId}`,
    "/bots",
    `/bots/${botId}`,
    `/bots/${botId}?tab=settings`,
    "/conversations",
    "/leads",
    "/analytics",
    "/settings",
    "/settings/members",
    "/settings/plan",
    "/settings/usage",
    "/settings/webhooks",
    "/settings/audit",
  ];
  for (const mode of MODES) {
    await page.setViewportSize(mode.viewport);
    await page.emulateMedia({ colorScheme: mode.colorScheme });
    for (const path of pages) {
      await page.goto(path);
      await expectNoViolations(page, `${path} (${mode.name})`);
    }

    await page.goto(`/integrations/${integrationId}`);
    await page.getByRole("button", { name: "Roll key" }).click();
    await expectNoViolations(page, `Roll key dialog (${mode.name})`);
    await page.getByRole("dialog").getByRole("button", { name: "Roll key" }).click();
    await expect(page.getByRole("dialog").getByTestId("api-key")).toBeVisible();
    await expectNoViolations(page, `New key dialog (${mode.name})`);
    await page.getByRole("button", { name: "I have copied the key" }).click();
    await page.getByRole("button", { name: "Recreate" }).click();
    await expect(page.getByRole("dialog")).toBeVisible();
    await expectNoViolations(page, `Recreate dialog (${mode.name})`);
    await page.keyboard.press("Escape");
    await page.getByRole("button", { name: "Delete" }).click();
    await expect(page.getByRole("dialog")).toBeVisible();
    await expectNoViolations(page, `Delete dialog (${mode.name})`);
    await page.keyboard.press("Escape");

    await page.goto("/bots");
    await page
      .getByRole("button", { name: /New bot|Create/ })
      .first()
      .click();
    await expect(page.getByRole("dialog")).toBeVisible();
    await expectNoViolations(page, `New bot dialog (${mode.name})`);
    await page.keyboard.press("Escape");
  }

  // Signed out: the sign-in and sign-up pages, and a form-level error.
  await page.context().clearCookies();
  for (const mode of MODES) {
    await page.setViewportSize(mode.viewport);
    await page.emulateMedia({ colorScheme: mode.colorScheme });
    await page.goto("/sign-up");
    await expectNoViolations(page, `sign-up (${mode.name})`);
    await page.goto("/sign-in");
    await page.getByLabel("Email").fill(account.email);
    await page.getByLabel("Password").fill("not the password");
    await page.getByRole("button", { name: "Sign in" }).click();
    await expect(page.getByText("Wrong email or password.")).toBeVisible();
    await expectNoViolations(page, `sign-in with an error (${mode.name})`);
  }
});

/** Presses Tab until the focused element is the one named `name` (at most 60 presses): a keyboard user's way there. */
async function tabTo(page: Page, name: string | RegExp) {
  for (let i = 0; i < 60; i++) {
    await page.keyboard.press("Tab");
    const focused = page.locator(":focus");
    const label = (await focused.getAttribute("aria-label")) ?? (await focused.innerText().catch(() => ""));
    if (typeof name === "string" ? label.trim() === name : name.test(label)) return;
  }
  throw new Error(`Tab never reached ${name}`);
}

test("by keyboard only: skip to content, create an integration, copy its key, roll it", async ({ page, context }) => {
  test.setTimeout(120_000);
  await context.grantPermissions(["clipboard-read", "clipboard-write"]);
  await signUp(page, newAccount("keys"));
  await createBotWithText(page, { name: "Keyboard bot", title: "Hours", text: "We are open 9 to 5." });
  await page.goto("/integrations");

  // The first Tab offers the skip link; it lands in the content.
  await page.keyboard.press("Tab");
  await expect(page.getByRole("link", { name: "Skip to content" })).toBeFocused();
  await page.keyboard.press("Enter");
  await tabTo(page, /Add integration/);
  await page.keyboard.press("Enter");
  await expect(page).toHaveURL(/\/integrations\/new$/);
  await tabTo(page, /Custom API/);
  await page.keyboard.press("Enter");
  await expect(page).toHaveURL(/custom-api$/);
  await expect(page.getByLabel("Name")).toBeFocused();
  await page.keyboard.type("Keyboard app");
  await page.keyboard.press("Enter");
  await expect(page).toHaveURL(/\/integrations\/int_/);

  // The one-time key has the focus (a screen reader announces it); copy it from there.
  await expect(page.getByRole("heading", { name: "Your API key" })).toBeFocused();
  await tabTo(page, "Copy key");
  await page.keyboard.press("Enter");
  const apiKey = (await page.getByTestId("api-key").textContent())!.trim();
  expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(apiKey);

  // Roll it: the dialog opens on Enter, its form submits on Enter, the new key can be copied and the dialog closed.
  await tabTo(page, "Roll key");
  await page.keyboard.press("Enter");
  const dialog = page.getByRole("dialog");
  await expect(dialog).toBeVisible();
  await tabTo(page, "Roll key");
  await page.keyboard.press("Enter");
  await expect(dialog.getByRole("heading", { name: "Your new API key" })).toBeFocused();
  await tabTo(page, "Copy key");
  await page.keyboard.press("Enter");
  const rolled = (await dialog.getByTestId("api-key").textContent())!.trim();
  expect(rolled).not.toBe(apiKey);
  expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(rolled);
  await page.keyboard.press("Escape"); // copied: closes without asking
  await expect(dialog).toHaveCount(0);
  await expect(page.getByTestId("key-list")).toContainText(/Stops working in/);
});
