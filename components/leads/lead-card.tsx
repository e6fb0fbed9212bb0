import Link from "next/link";
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from "@/components/ui/card";
import { formatRelative } from "@/lib/format";

type LeadSummary = {
  id: string;
  name: string | null;
  email: string | null;
  phone: string | null;
  company: string | null;
  createdAt: Date;
  conversationCount: number;
};

/** The contact details captured in a conversation, beside its transcript. */
export function LeadCard({ lead }: { lead: LeadSummary }) {
  const rows: [string, React.ReactNode][] = [
    ["Name", lead.name],
    [
      "Email",
      lead.email && (
        <a href={`mailto:${lead.email}`} className="text-primary break-all underline-offset-4 hover:underline">
          {lead.email}
        </a>
      ),
    ],
    [
      "Phone",
      lead.phone && (
        <a href={`tel:${lead.phone}`} className="text-primary underline-offset-4 hover:underline">
          {lead.phone}
        </a>
      ),
    ],
    ["Company", lead.company],
  ];
  const query = lead.email ?? lead.phone ?? lead.name ?? "";
  return (
    <Card data-testid="lead-card">
      <CardHeader>
        <CardTitle>Lead</CardTitle>
        <CardDescription>
          Captured {formatRelative(lead.createdAt)}
          {lead.conversationCount > 1 ? ` · ${lead.conversationCount} conversations` : ""}
        </CardDescription>
      </CardHeader>
      <CardContent className="grid gap-3">
        <dl className="grid grid-cols-[5rem_minmax(0,1fr)] gap-y-2 text-sm">
          {rows.map(([label, value]) => (
            <div key={label} className="contents">
              <dt className="text-muted-foreground">{label}</dt>
              <dd className={value ? "" : "text-muted-foreground"}>{value || "—"}</dd>
            </div>
          ))}
        </dl>
        <Link
          href={`/leads?q=${encodeURIComponent(query)}`}
          className="text-primary text-sm font-medium underline-offset-4 hover:underline"
        >
          View in Leads
        </Link>
      </CardContent>
    </Card>
  );
}
