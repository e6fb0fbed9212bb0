import { CopyButton } from "@/components/copy-button";
import { IntegrationSetupPage } from "@/components/integrations/integration-setup-page";
import { DisableWidgetButton, IdentityVerification } from "@/components/integrations/widget-controls";
import { WidgetForm } from "@/components/integrations/widget-form";
import { Badge } from "@/components/ui/badge";
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from "@/components/ui/card";
import type { IntegrationSummary } from "@/db/queries/integrations";
import { DEFAULT_WIDGET } from "@/db/schema";
import { widgetSnippet } from "@/lib/widget/snippet";

/** The setup page of a website widget: the snippet, its settings with a live preview, identity verification. */
export function WidgetSetupPage({
  integration,
  bots,
  origin,
  manage,
}: {
  integration: IntegrationSummary;
  bots: { id: string; name: string }[];
  origin: string;
  manage: boolean;
}) {
  const snippet = widgetSnippet(origin, integration.id);
  const disabled = integration.disabledAt !== null;
  return (
    <IntegrationSetupPage
      integration={integration}
      type="Website widget"
      status={disabled ? <Badge variant="destructive">Disabled</Badge> : <Badge variant="outline">Active</Badge>}
      manage={manage}
      endpoint={`${origin}/widget.js`}
    >
      <Card>
        <CardHeader>
          <CardTitle>Add it to your website</CardTitle>
          <CardDescription>
            Paste this line just before &lt;/body&gt; on every page that should show the chat. It loads after your page
            has, so it never slows it down.
          </CardDescription>
        </CardHeader>
        <CardContent className="grid gap-3">
          <pre
            data-testid="widget-snippet"
            className="bg-muted/60 overflow-x-auto rounded-lg border p-3 font-mono text-xs leading-relaxed whitespace-pre-wrap break-all"
          >
            {snippet}
          </pre>
          <div>
            <CopyButton value={snippet} label="Copy snippet" successMessage="Snippet copied" />
          </div>
          {integration.allowedOrigins.length > 0 && (
            <p className="text-muted-foreground text-sm">
              Works on: {integration.allowedOrigins.map((o) => o).join(", ")}.
            </p>
          )}
        </CardContent>
      </Card>

      <Card>
        <CardHeader>
          <CardTitle>Settings</CardTitle>
          <CardDescription>Changes show on your website at the next page load.</CardDescription>
        </CardHeader>
        <CardContent>
          <WidgetForm
            bots={bots}
            canEdit={manage}
            initial={{
              integrationId: integration.id,
              name: integration.name,
              botId: integration.botId,
              origins: integration.allowedOrigins,
              widget: integration.widget ?? DEFAULT_WIDGET,
              returnSources: integration.returnSources,
            }}
          />
        </CardContent>
      </Card>

      <Card>
        <CardHeader>
          <CardTitle>Identity verification</CardTitle>
          <CardDescription>
            For signed-in users: your server signs the user&apos;s id (hex HMAC-SHA256 under this secret), and the page
            sets window.parleySettings = {"{"} userId, userHash {"}"} before the snippet. Verified users keep their
            conversation on every device; a wrong signature is refused.{" "}
            {integration.identityVerification ? "On." : "Off."}
          </CardDescription>
        </CardHeader>
        <CardContent className="grid gap-3">
          <pre className="bg-muted/60 overflow-x-auto rounded-lg border p-3 font-mono text-xs">{`// Node.js, on your server
const userHash = crypto.createHmac("sha256", process.env.PARLEY_IDENTITY_SECRET)
  .update(user.id).digest("hex");`}</pre>
          {manage && <IdentityVerification integrationId={integration.id} enabled={integration.identityVerification} />}
        </CardContent>
      </Card>

      {manage && (
        <Card>
          <CardHeader>
            <CardTitle>Availability</CardTitle>
            <CardDescription>
              {disabled
                ? "Disabled: the bubble on your website says chat is unavailable. Nothing is lost."
                : "Disable the widget to pause chat on your website; the bubble then says chat is unavailable."}
            </CardDescription>
          </CardHeader>
          <CardContent>
            <DisableWidgetButton integrationId={integration.id} disabled={disabled} />
          </CardContent>
        </Card>
      )}
    </IntegrationSetupPage>
  );
}
