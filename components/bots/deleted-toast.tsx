"use client";

import { useRouter } from "next/navigation";
import { useEffect } from "react";
import { toast } from "@/components/lazy/toast";

/** Says which bot was just deleted (the delete action redirects here with ?deleted=name), then tidies the URL. */
export function DeletedToast({ name }: { name: string }) {
  const router = useRouter();
  useEffect(() => {
    toast.success(`“${name}” deleted.`);
    router.replace("/bots");
  }, [name, router]);
  return null;
}
