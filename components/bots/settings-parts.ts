/**
 * The client code of the bot page's Settings tab, as one module: components/bots/lazy-settings.tsx
 * fetches it when the tab is about to be opened, not with the page.
 */
export { BotSettingsForm } from "./bot-settings-form";
export { DeleteBot } from "./delete-bot-dialog";
export { HandoffForm } from "./handoff-form";
export { LeadCaptureForm } from "./lead-capture-form";
