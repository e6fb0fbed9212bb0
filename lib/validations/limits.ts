/**
 * Limits the forms show to people as well as enforce on the server. No zod here: client components
 * import this file, and zod stays on the server (the schemas in bots.ts and webhooks.ts use these).
 */

/** Longest pasted text accepted in one go (server actions take at most 1 MB); longer documents go in as files. */
export const MAX_PASTED_CHARS = 200_000;
export const MAX_TEST_MESSAGE_CHARS = 8000;

/** The most webhooks one workspace may have. */
export const MAX_WEBHOOKS = 10;
