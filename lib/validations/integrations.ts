import { z } from "zod";
import { GRACE_PERIODS, type GracePeriod } from "@/db/queries/integrations";
import { END_USER_LIMITS } from "@/lib/validations/limits";

export const integrationNameSchema = z
  .string({ error: "Give the integration a name." })
  .trim()
  .min(1, "Give the integration a name.")
  .max(100, "Use at most 100 characters.");

export const renameIntegrationSchema = z.object({ name: integrationNameSchema });

export const createIntegrationSchema = z.object({
  name: integrationNameSchema,
  botId: z.string({ error: "Choose the bot that answers." }).min(1, "Choose the bot that answers."),
});

export const rollKeySchema = z.object({
  grace: z.enum(Object.keys(GRACE_PERIODS) as [GracePeriod, ...GracePeriod[]], {
    error: "Choose how long the current key keeps working.",
  }),
});

/** An optional whole number in a range: empty is null (no limit). */
function optionalCount({ min, max }: { min: number; max: number }, what: string) {
  const hint = `Enter ${what} as a whole number from ${min.toLocaleString("en-US")} to ${max.toLocaleString("en-US")}, or leave it empty for no limit.`;
  return z
    .string({ error: hint })
    .trim()
    .transform((v, ctx) => {
      const plain = v.replace(/[,_\s]/g, "");
      if (plain === "") return null;
      const n = /^\d{1,9}$/.test(plain) ? Number(plain) : NaN;
      if (!(n >= min && n <= max)) {
        ctx.addIssue({ code: "custom", message: hint });
        return z.NEVER;
      }
      return n;
    });
}

export const endUserLimitsSchema = z.object({
  requestsPerMinute: optionalCount(END_USER_LIMITS.requestsPerMinute, "requests a minute"),
  messagesPerMonth: optionalCount(END_USER_LIMITS.messagesPerMonth, "messages a month"),
});
