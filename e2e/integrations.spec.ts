import { expect, test, type APIRequestContext } from "@playwright/test";
import { createBotWithText, createCustomApiIntegration } from "./flows";
import { newAccount, screenshot, signUp } from "./helpers";

const KNOWLEDGE = `# Plans
The Pro plan costs $149 per month and includes 25,000 messages.
The Starter plan costs $19 per month.

# Shipping
We ship to Canada and the United States within 3 to 5 business days.`;

async function ask(
  request: APIRequestContext,
  endpoint: string,
  apiKey: string,
  message = "How much does the Pro plan cost?",
) {
  return request.post(endpoint, {
    headers: { "x-api-key": apiKey, "content-type": "application/json" },
    data: { message, user_id: "e2e-user" },
  });
}

test("a user sets up a Custom API integration and manages its key, allowed IPs and lifecycle", async ({
  page,
  context,
  request,
}) => {
  test.setTimeout(180_000);
  await context.grantPermissions(["clipboard-read", "clipboard-write"]);
  await signUp(page, newAccount("integrator"));

  await page.goto("/integrations");
  await screenshot(page, "integrations-empty");
  await createBotWithText(page, { name: "Support bot", title: "Plans and shipping", text: KNOWLEDGE });

  await page.goto("/integrations/new");
  await screenshot(page, "integration-types");
  const { endpoint, apiKey, integrationId } = await createCustomApiIntegration(page, { name: "Website chat" });
  expect(apiKey).toMatch(/^sk-parley_[0-9A-Za-z]{38}$/);
  await expect(page.getByText("Copy this key now: it cannot be recovered.")).toBeVisible();
  await expect(page.getByTestId("example-curl")).toContainText(apiKey);
  await screenshot(page, "integration-setup");

  // Copy with the button and read it back from the clipboard.
  await page.getByRole("button", { name: "Copy key" }).click();
  const copied = await page.evaluate(() => navigator.clipboard.readText());
  expect(copied).toBe(apiKey);

  // Reloading never shows the key again; the examples use a placeholder.
  await page.reload();
  await expect(page.getByTestId("endpoint")).toBeVisible();
  await expect(page.getByTestId("api-key")).toHaveCount(0);
  await expect(page.getByText(apiKey)).toHaveCount(0);
  await expect(page.getByTestId("example-curl")).toContainText("YOUR_API_KEY");
  await screenshot(page, "integration-setup-after-reload");

  // The copied key works.
  const first = await ask(request, endpoint, copied);
  expect(first.status()).toBe(200);
  const body = await first.json();
  expect(body.reply).toContain("$149");
  expect(body.conversation_id).toMatch(/^conv_/);

  // An allowlist that excludes this client: 403. Cleared: 200 again.
  await page.getByRole("button", { name: "Add address" }).click();
  await page.getByLabel("Allowed IP 1").fill("203.0.113.7");
  await page.getByRole("button", { name: "Save allowed IPs" }).click();
  await expect(page.getByText("Only these addresses can call the API now.")).toBeVisible();
  await expect(page.getByLabel("Allowed IP 1")).toHaveValue("203.0.113.7/32"); // canonical form after saving
  await screenshot(page, "integration-allowed-ips");
  const denied = await ask(request, endpoint, copied);
  expect(denied.status()).toBe(403);
  expect((await denied.json()).error.code).toBe("ip_not_allowed");

  // A bad entry gets its own message and keeps what was typed.
  await page.getByRole("button", { name: "Add address" }).click();
  await page.getByLabel("Allowed IP 2").fill("10.0.0.1/8");
  await page.getByRole("button", { name: "Save allowed IPs" }).click();
  await expect(page.getByText("10.0.0.1/8 has host bits set; did you mean 10.0.0.0/8?")).toBeVisible();
  await expect(page.getByLabel("Allowed IP 2")).toHaveValue("10.0.0.1/8");

  await page.getByRole("button", { name: "Remove 10.0.0.1/8" }).click();
  await page.getByRole("button", { name: "Remove 203.0.113.7/32" }).click();
  await page.getByRole("button", { name: "Save allowed IPs" }).click();
  await expect(page.getByText("Every address can call the API now.")).toBeVisible();
  expect((await ask(request, endpoint, copied)).status()).toBe(200);

  // Roll the key with a grace period: both keys work.
  await page.getByRole("button", { name: "Roll key" }).click();
  await page.getByLabel("The current key").selectOption("24h");
  await page.getByRole("dialog").getByRole("button", { name: "Roll key" }).click();
  const rolled = (await page.getByRole("dialog").getByTestId("api-key").textContent())!.trim();
  expect(rolled).not.toBe(apiKey);
  await screenshot(page, "integration-roll-key");
  await page.getByRole("button", { name: "I have copied the key" }).click();
  await expect(page.getByTestId("key-list")).toContainText(/Stops working in/);
  expect((await ask(request, endpoint, apiKey)).status()).toBe(200);
  expect((await ask(request, endpoint, rolled)).status()).toBe(200);

  // Recreate: the old endpoint answers 404, the new key works at the new endpoint.
  await page.getByRole("button", { name: "Recreate" }).click();
  await expect(page.getByRole("dialog")).toContainText("stop working immediately");
  await page.getByRole("button", { name: "Recreate integration" }).click();
  await expect(page).not.toHaveURL(new RegExp(integrationId));
  const newKey = (await page.getByTestId("api-key").textContent())!.trim();
  const newEndpoint = (await page.getByTestId("endpoint").textContent())!.replace(/^POST\s*/, "").trim();
  expect(newEndpoint).not.toBe(endpoint);
  const gone = await ask(request, endpoint, rolled);
  expect(gone.status()).toBe(404);
  expect((await gone.json()).error.code).toBe("integration_not_found");
  expect((await ask(request, newEndpoint, newKey)).status()).toBe(200);

  // Delete: confirm by typing the name; the endpoint answers 404 at once.
  await page.getByRole("button", { name: "Delete" }).click();
  await page.getByLabel(/Type Website chat to confirm/).fill("Website chat");
  await screenshot(page, "integration-delete");
  await page.getByRole("button", { name: "Delete integration" }).click();
  await expect(page).toHaveURL(/\/integrations\?deleted=/);
  await expect(page.getByRole("status").filter({ hasText: "“Website chat” was deleted." })).toBeVisible();
  expect((await ask(request, newEndpoint, newKey)).status()).toBe(404);
  await expect(page.getByText("No integrations yet")).toBeVisible();
});
