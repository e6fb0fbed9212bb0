import { Switch } from "@/components/switch";
import { Input } from "@/components/ui/input";

type ToggleProps = {
  id: string;
  name: string;
  label: string;
  description?: React.ReactNode;
  /** Uncontrolled, like the other fields: React resets a form after its action, back to these defaults. */
  defaultChecked: boolean;
  disabled?: boolean;
};

/** The switch that turns a whole feature on or off, with what it does beside it. */
export function SwitchRow({ id, name, label, description, defaultChecked, disabled }: ToggleProps) {
  return (
    <div className="bg-muted/40 flex items-start justify-between gap-4 rounded-lg border p-3">
      <div className="grid gap-1">
        <label htmlFor={id} className="text-sm leading-none font-medium">
          {label}
        </label>
        {description && (
          <p id={`${id}-hint`} className="text-muted-foreground text-xs leading-relaxed">
            {description}
          </p>
        )}
      </div>
      <Switch
        id={id}
        name={name}
        defaultChecked={defaultChecked}
        disabled={disabled}
        aria-describedby={description ? `${id}-hint` : undefined}
        className="mt-0.5"
      />
    </div>
  );
}

/** A checkbox with its label and an optional hint below it. */
export function CheckboxRow({ id, name, label, description, defaultChecked, disabled }: ToggleProps) {
  return (
    <div className="flex items-start gap-3">
      <input
        id={id}
        type="checkbox"
        name={name}
        defaultChecked={defaultChecked}
        disabled={disabled}
        aria-describedby={description ? `${id}-hint` : undefined}
        className="accent-primary mt-0.5 size-4 shrink-0 disabled:cursor-not-allowed"
      />
      <div className="grid gap-1">
        <label htmlFor={id} className="text-sm leading-snug font-medium">
          {label}
        </label>
        {description && (
          <p id={`${id}-hint`} className="text-muted-foreground text-xs leading-relaxed">
            {description}
          </p>
        )}
      </div>
    </div>
  );
}

/** Field errors of a group of inputs (a fieldset has no FormField of its own). */
export function GroupErrors({ id, errors }: { id: string; errors?: string[] }) {
  return errors?.map((e) => (
    <p key={e} id={id} className="text-destructive text-xs font-medium" role="alert">
      {e}
    </p>
  ));
}

/** A whole number inside a sentence ("Ask after [3] messages"); empty means never. */
export function CountField({
  id,
  name,
  label,
  before,
  after,
  max,
  defaultValue,
  hint,
  errors,
  disabled,
}: {
  id: string;
  name: string;
  /** The whole sentence, for screen readers. */
  label: string;
  before: string;
  after: string;
  max: number;
  defaultValue: string | number;
  hint: string;
  errors?: string[];
  disabled?: boolean;
}) {
  return (
    <div className="grid gap-1">
      {/* Inline, so the sentence wraps word by word around the box on a narrow screen. */}
      <p className="text-sm leading-7">
        <label htmlFor={id}>{before}</label>{" "}
        <Input
          id={id}
          name={name}
          type="number"
          inputMode="numeric"
          min={1}
          max={max}
          step={1}
          placeholder="Never"
          className="mx-1 inline-flex h-8 w-24 align-middle"
          defaultValue={defaultValue}
          aria-label={label}
          aria-invalid={!!errors?.length}
          aria-describedby={errors?.length ? `${id}-error` : `${id}-hint`}
          disabled={disabled}
        />{" "}
        {after}
      </p>
      {errors?.length ? (
        <GroupErrors id={`${id}-error`} errors={errors} />
      ) : (
        <p id={`${id}-hint`} className="text-muted-foreground text-xs">
          {hint}
        </p>
      )}
    </div>
  );
}
