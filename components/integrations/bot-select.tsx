import Link from "next/link";
import { NativeSelect } from "@/components/ui/native-select";

/** The bot that answers an integration (the form's `botId`), or where to create one first. */
export function BotSelect({
  bots,
  defaultValue,
  invalid,
  disabled,
}: {
  bots: { id: string; name: string }[];
  defaultValue?: string;
  invalid: boolean;
  disabled?: boolean;
}) {
  if (!bots.length)
    return (
      <p className="text-muted-foreground rounded-md border border-dashed p-3 text-sm">
        You have no bots yet.{" "}
        <Link href="/bots" className="text-primary font-medium underline-offset-4 hover:underline">
          Create a bot
        </Link>{" "}
        first, then come back to connect it.
      </p>
    );
  return (
    <NativeSelect
      id="botId"
      name="botId"
      defaultValue={defaultValue || bots[0]!.id}
      aria-invalid={invalid}
      disabled={disabled}
    >
      {bots.map((b) => (
        <option key={b.id} value={b.id}>
          {b.name}
        </option>
      ))}
    </NativeSelect>
  );
}
