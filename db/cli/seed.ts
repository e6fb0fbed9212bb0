import { seedDemo, describeSeed } from "../seed";
import { publicBaseUrl } from "@/lib/config";
import { openForCli } from "./open";

const asJson = process.argv.includes("--json");
const reset = process.argv.includes("--reset"); // a new random password for the demo account, printed once
const handle = await openForCli();
const origin = publicBaseUrl();
const result = await seedDemo(handle.db, { baseUrl: origin, resetPassword: reset });
await handle.close();

const { created, ...fields } = result;
if (!asJson) {
  const what = Object.entries(created)
    .filter(([, v]) => v)
    .map(([k]) => k);
  console.log(what.length ? `Demo data created (${what.join(", ")}).` : "Demo data already present; nothing changed.");
  console.log(describeSeed(result, `${origin}/sign-in`));
}
// The last line is one JSON object for scripts: apiKey is null when the integration already existed,
// password null when the account already existed (unless --reset).
if (asJson)
  console.log(
    JSON.stringify({
      email: fields.email,
      password: fields.password,
      workspaceId: fields.workspaceId,
      botId: fields.botId,
      integrationId: fields.integrationId,
      apiKey: fields.apiKey,
      endpoint: fields.endpoint,
    }),
  );
