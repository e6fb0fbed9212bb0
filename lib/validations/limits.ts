/**
 * Limits the forms show to people as well as enforce on the server. No zod here: client components
 * import this file, and zod stays on the server (the schemas in bots.ts and webhooks.ts use these).
 */

/** Longest pasted text accepted in one go (server actions take at most 1 MB); longer documents go in as files. */
export const MAX_PASTED_CHARS = 200_000;
/** The longest message, in characters (code points), a user may send: the Chat API, the test chat, a team reply. */
export const MAX_MESSAGE_CHARS = 8000;

/** The most webhooks one workspace may have. */
export const MAX_WEBHOOKS = 10;

/** Conversations per page of the Chat API's list (GET /chat/custom/:id/conversations): the default and the most. */
export const CONVERSATIONS_PAGE = { default: 20, max: 100 } as const;

/** Retention (Settings → General): whole days a conversation is kept after its last message; empty keeps them. */
export const RETENTION_DAYS = { min: 1, max: 3650 } as const;

/** A curated answer (a Q&A entry of a bot's knowledge): its question, its answer, and the other phrasings kept with it. */
export const MAX_QA_QUESTION_CHARS = 300;
export const MAX_QA_ANSWER_CHARS = 4000;
export const MAX_QA_VARIANTS = 30;

/** The longest comment, in characters, an end user may send with a rating of a reply. */
export const MAX_FEEDBACK_COMMENT_CHARS = 2000;

/** Limits per end user on an integration (empty: none): requests a minute and messages a month. */
export const END_USER_LIMITS = {
  requestsPerMinute: { min: 1, max: 10_000 },
  messagesPerMonth: { min: 1, max: 10_000_000 },
} as const;
