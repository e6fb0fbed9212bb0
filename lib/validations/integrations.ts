import { z } from "zod";

export const integrationNameSchema = z
  .string({ error: "Give the integration a name." })
  .trim()
  .min(1, "Give the integration a name.")
  .max(100, "Use at most 100 characters.");

export const createIntegrationSchema = z.object({
  name: integrationNameSchema,
  botId: z.string({ error: "Choose the bot that answers." }).min(1, "Choose the bot that answers."),
});

export const rollKeySchema = z.object({
  grace: z.enum(["none", "1h", "24h", "7d"], { error: "Choose how long the current key keeps working." }),
});
