import AxeBuilder from "@axe-core/playwright";
import { expect, type Page } from "@playwright/test";
import fs from "node:fs";
import { randomBytes } from "node:crypto";

export const SCREENS_DIR = "test-results/screens";

/** A unique account for one test. */
export function newAccount(label = "user") {
  const id = randomBytes(4).toString("hex");
  return {
    name: `${label[0]!.toUpperCase()}${label.slice(1)} Tester`,
    email: `${label}-${id}@example.com`,
    password: `a fine passphrase ${id}`,
    workspace: `${label} ${id} Co`,
  };
}

export async function signUp(page: Page, account: ReturnType<typeof newAccount>) {
  await page.goto("/sign-up");
  await page.getByLabel("Your name").fill(account.name);
  await page.getByLabel("Work email").fill(account.email);
  await page.getByLabel("Password").fill(account.password);
  await page.getByLabel("Company or workspace name").fill(account.workspace);
  await page.getByRole("button", { name: "Create account" }).click();
  await expect(page).toHaveURL(/\/integrations$/);
}

export async function signIn(page: Page, email: string, password: string) {
  await page.goto("/sign-in");
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill(password);
  await page.getByRole("button", { name: "Sign in" }).click();
}

export async function signOut(page: Page) {
  await page.getByRole("button", { name: "Account menu" }).click();
  await page.getByRole("menuitem", { name: "Sign out", exact: true }).click();
  await expect(page).toHaveURL(/\/sign-in$/);
}

/** Saves a full-page screenshot of what a person sees, for looking at after the run. */
export async function screenshot(page: Page, name: string) {
  fs.mkdirSync(SCREENS_DIR, { recursive: true });
  await page.screenshot({ path: `${SCREENS_DIR}/${name}.png`, fullPage: true });
}

/** No WCAG 2.1 A or AA violation that axe finds on the page as it is now; `what` names it in the failure. */
export async function expectNoViolations(page: Page, what: string) {
  // A dialog that is still fading in has its text at part opacity: axe would measure the contrast mid-animation
  // (seen once in CI on the New bot dialog). Wait for finite animations to end; spinners loop forever.
  await page.waitForFunction(() =>
    document
      .getAnimations()
      .every((a) => a.playState !== "running" || a.effect?.getComputedTiming().iterations === Infinity),
  );
  const { violations } = await new AxeBuilder({ page })
    .withTags(["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"])
    .analyze();
  const found = violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(" ")).join(", ")}`);
  expect(found, `${what}: ${found.join("; ")}`).toEqual([]);
}
