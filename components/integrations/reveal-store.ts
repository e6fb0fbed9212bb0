"use client";

/**
 * Holds a just-created API key in this tab's memory only, between the action that made it and the
 * setup page that shows it once. Never a URL, a cookie or storage: a reload forgets it for good.
 */
const pending = new Map<string, string>();

export function stashRevealedKey(integrationId: string, apiKey: string): void {
  pending.set(integrationId, apiKey);
}

export function peekRevealedKey(integrationId: string): string | undefined {
  return pending.get(integrationId);
}

export function forgetRevealedKey(integrationId: string): void {
  pending.delete(integrationId);
}
