import { expect, type Page } from "@playwright/test";

/** Creates a bot through the Bots page and gives it a pasted text; waits until the text is searchable. */
export async function createBotWithText(
  page: Page,
  { name, title, text }: { name: string; title: string; text: string },
) {
  await page.goto("/bots");
  await page
    .getByRole("button", { name: /New bot|Create/ })
    .first()
    .click();
  await page.getByLabel("Name").fill(name);
  await page.getByRole("button", { name: "Create bot" }).click();
  await expect(page).toHaveURL(/\/bots\/bot_/);
  await page.getByLabel("Title", { exact: true }).fill(title);
  await page.getByLabel("Text", { exact: true }).fill(text);
  await page.getByRole("button", { name: "Add text" }).click();
  await expect(page.getByText(title).first()).toBeVisible();
  await expect(page.getByText("Ready").first()).toBeVisible({ timeout: 30_000 });
  return page.url().split("/bots/")[1]!.split(/[/?#]/)[0]!;
}

/** Integrations → Add integration → Custom API → Create; returns the id, endpoint and the key shown once. */
export async function createCustomApiIntegration(page: Page, { name, bot }: { name: string; bot?: string }) {
  await page.goto("/integrations");
  await page.getByRole("link", { name: "Add integration" }).first().click();
  await page.getByRole("link", { name: /Custom API/ }).click();
  await page.getByLabel("Name").fill(name);
  if (bot) await page.getByLabel("Bot").selectOption({ label: bot });
  await page.getByRole("button", { name: "Create integration" }).click();
  await expect(page).toHaveURL(/\/integrations\/int_/);
  const apiKey = (await page.getByTestId("api-key").textContent())!.trim();
  const endpoint = (await page.getByTestId("endpoint").textContent())!.replace(/^POST\s*/, "").trim();
  const integrationId = endpoint.split("/").pop()!;
  return { integrationId, endpoint, apiKey };
}
