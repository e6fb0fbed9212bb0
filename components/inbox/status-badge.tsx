import { BotIcon, CheckIcon, HeadsetIcon, HourglassIcon } from "lucide-react";
import { Badge } from "@/components/ui/badge";
import type { Conversation } from "@/db/schema";
import { STATUS_LABELS } from "@/lib/validations/inbox";

const STYLE = {
  handoff_requested: { variant: "warning", icon: HourglassIcon },
  human_active: { variant: "default", icon: HeadsetIcon },
  bot: { variant: "secondary", icon: BotIcon },
  resolved: { variant: "success", icon: CheckIcon },
} as const;

/** Who has the conversation: waiting for the team, a team member, the bot, or resolved. */
export function ConversationStatusBadge({ status }: { status: Conversation["status"] }) {
  const { variant, icon: Icon } = STYLE[status];
  return (
    <Badge variant={variant} data-status={status}>
      <Icon /> {STATUS_LABELS[status]}
    </Badge>
  );
}
