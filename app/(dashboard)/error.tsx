"use client";

import { useEffect, useRef } from "react";
import { forgetFailedLoads } from "@/components/lazy/defer";
import { Button } from "@/components/ui/button";
import { Card, CardContent, CardDescription, CardFooter, CardHeader, CardTitle } from "@/components/ui/card";

/**
 * What a dashboard page shows in place of its content when a part of it fails: a client component
 * throws, or a lazily loaded part's code cannot be fetched (offline, or a deploy replaced the chunks).
 * The dashboard's frame (navigation, header) stays, since this sits below its layout. "Try again"
 * fetches and renders the page again; "Reload the page" loads it afresh, with the current deploy's code.
 */
export default function DashboardError({ error, retry }: { error: unknown; reset: () => void; retry: () => void }) {
  const heading = useRef<HTMLHeadingElement>(null);
  useEffect(() => {
    console.error(error);
    forgetFailedLoads(); // a part whose code could not be fetched fetches it again at the next render
    heading.current?.focus(); // a screen reader says at once what happened
  }, [error]);
  const digest = error instanceof Error && "digest" in error && typeof error.digest === "string" ? error.digest : null;

  return (
    <Card className="mx-auto w-full max-w-xl" data-testid="dashboard-error">
      <CardHeader>
        <CardTitle>
          <h1 ref={heading} tabIndex={-1} className="text-lg outline-none">
            This part of the page could not be shown
          </h1>
        </CardTitle>
        <CardDescription>
          Something went wrong while showing it: perhaps the connection dropped, or Parley was updated since the page
          was loaded. Try again, or reload the page. Nothing you saved is lost.
        </CardDescription>
      </CardHeader>
      {digest && (
        <CardContent>
          <p className="text-muted-foreground text-xs">
            If it keeps happening, tell support this code:{" "}
            <code className="bg-muted rounded px-1.5 py-0.5 font-mono break-all" data-testid="error-digest">
              {digest}
            </code>
          </p>
        </CardContent>
      )}
      <CardFooter className="flex flex-col gap-2 sm:flex-row">
        <Button className="w-full sm:w-auto" onClick={() => retry()}>
          Try again
        </Button>
        <Button variant="outline" className="w-full sm:w-auto" onClick={() => window.location.reload()}>
          Reload the page
        </Button>
      </CardFooter>
    </Card>
  );
}
