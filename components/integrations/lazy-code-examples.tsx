"use client";

import * as React from "react";
import type * as Examples from "@/components/integrations/code-examples";
import { deferred, lazyPart, preload, usePreloadWhenIdle } from "@/components/lazy/defer";
import { Skeleton } from "@/components/ui/skeleton";

/**
 * The code examples (code-examples.tsx, with the Radix tabs) without their code in the integration
 * page's first-load JavaScript. They are rendered in full on the server, the cURL tab open, so the
 * page's HTML has them to read and copy; their code is fetched once the browser is idle, or earlier
 * when the pointer or focus reaches them, and they come alive when it is there. Shown by a client-side
 * navigation before their code is there (right after creating an integration), their place is kept by
 * a skeleton of the cURL tab's height. Same component, same props.
 */
const examples = deferred<typeof Examples>(() => import("@/components/integrations/code-examples"));

const LazyCodeExamples = lazyPart(examples, "CodeExamples");

export function CodeExamples(props: React.ComponentProps<typeof Examples.CodeExamples>) {
  usePreloadWhenIdle(examples);
  const fetchCode = () => preload(examples);
  return (
    <div className="min-w-0" onPointerEnter={fetchCode} onFocus={fetchCode} onTouchStart={fetchCode}>
      <LazyCodeExamples {...props} fallback={<Skeleton className="h-[12.25rem]" />} />
    </div>
  );
}
