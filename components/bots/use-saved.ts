import { useEffect } from "react";
import { toast } from "@/components/lazy/toast";
import type { FormState } from "@/lib/validations/form";

/** Toast and clear the form once an add succeeds; errors stay inline next to their fields. */
export function useSaved(state: FormState, form: React.RefObject<HTMLFormElement | null>) {
  useEffect(() => {
    if (state.status === "saved" && state.message) {
      toast.success(state.message);
      form.current?.reset();
    }
  }, [state, form]);
}
