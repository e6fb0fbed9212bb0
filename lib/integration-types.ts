import { CodeIcon, MessageCircleIcon, type LucideIcon } from "lucide-react";

/** Integration types offered in "Add integration". Only types that work are listed; add new ones here. */
export const INTEGRATION_TYPES: {
  id: "custom_api" | "widget";
  name: string;
  description: string;
  icon: LucideIcon;
  href: string;
}[] = [
  {
    id: "custom_api",
    name: "Custom API",
    description:
      "Call one HTTPS endpoint from your backend with a user's message and get the bot's reply back. Works with any language: cURL, JavaScript, Python and more.",
    icon: CodeIcon,
    href: "/integrations/new/custom-api",
  },
  {
    id: "widget",
    name: "Website widget",
    description:
      "A chat bubble on your website: paste one line of HTML. Visitors chat with your bot, and your team can step in from the inbox.",
    icon: MessageCircleIcon,
    href: "/integrations/new/website-widget",
  },
];

export const INTEGRATION_TYPE_LABELS: Record<string, string> = { custom_api: "Custom API", widget: "Website widget" };
