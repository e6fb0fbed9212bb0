"use client";

import { useState } from "react";
import { Loader2Icon } from "lucide-react";
import { FormField } from "@/components/form-field";
import { Button } from "@/components/ui/button";
import { DialogClose, DialogFooter } from "@/components/lazy/dialog";
import { Input } from "@/components/ui/input";

/**
 * The end of a dialog that deletes something by name: "Type NAME to confirm", Cancel, and the destructive
 * button, which stays disabled until the name is typed. The typed value is posted as `confirm`.
 */
export function ConfirmByName({
  id,
  name,
  errors,
  pending,
  children,
}: {
  id: string;
  name: string;
  errors?: string[];
  pending: boolean;
  /** The destructive button's label ("Delete bot"). */
  children: React.ReactNode;
}) {
  const [typed, setTyped] = useState("");
  return (
    <>
      <FormField
        id={id}
        label={
          <span>
            Type <strong>{name}</strong> to confirm
          </span>
        }
        errors={errors}
      >
        <Input id={id} name="confirm" autoComplete="off" value={typed} onChange={(e) => setTyped(e.target.value)} />
      </FormField>
      <DialogFooter>
        <DialogClose asChild>
          <Button type="button" variant="outline">
            Cancel
          </Button>
        </DialogClose>
        <Button type="submit" variant="destructive" disabled={pending || typed.trim() !== name}>
          {pending && <Loader2Icon className="animate-spin" />} {children}
        </Button>
      </DialogFooter>
    </>
  );
}
