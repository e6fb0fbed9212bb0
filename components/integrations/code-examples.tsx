"use client";

import { CopyButton } from "@/components/copy-button";
import { Tabs, TabsContent, TabsList, TabsTrigger } from "@/components/ui/tabs";

export const KEY_PLACEHOLDER = "YOUR_API_KEY";

/**
 * The clients of the API contract, filled in with this endpoint (and the key while it is shown). Each
 * runs as pasted: the JavaScript one as an .mjs file under Node 18+, the TypeScript one under tsx or
 * Deno, the Python one with requests (e2e/first-hour.spec.ts runs them against a live server).
 */
export function codeExamples(endpoint: string, apiKey: string = KEY_PLACEHOLDER) {
  const placeholder = apiKey === KEY_PLACEHOLDER;
  const jsKey = (ts: boolean) => (placeholder ? `process.env.PARLEY_API_KEY${ts ? ' ?? ""' : ""}` : `"${apiKey}"`);
  const js = (ts: boolean) => `const ENDPOINT = "${endpoint}";
const API_KEY = ${jsKey(ts)};

async function chat(message${ts ? ": string" : ""}, conversationId${ts ? "?: string" : ""}) {
  const res = await fetch(ENDPOINT, {
    method: "POST",
    headers: { "Content-Type": "application/json", "x-api-key": API_KEY },
    body: JSON.stringify({ message, conversation_id: conversationId }),
  });
  if (!res.ok) throw new Error(\`Parley answered \${res.status}: \${await res.text()}\`);
  return ${ts ? "(await res.json()) as { reply: string; conversation_id: string }" : "res.json()"};
}

const first = await chat("Hello!");
const next = await chat("What plans do you offer?", first.conversation_id);
console.log(next.reply);`;
  return {
    curl: `curl -X POST "${endpoint}" \\
  -H 'Content-Type: application/json' \\
  -H "x-api-key: ${apiKey}" \\
  -d '{"message":"Hello!","user_id":"user_123"}'`,
    javascript: js(false),
    typescript: js(true),
    python: `import ${placeholder ? "os, " : ""}requests

ENDPOINT = "${endpoint}"
API_KEY = ${placeholder ? 'os.environ["PARLEY_API_KEY"]' : `"${apiKey}"`}

def chat(message, conversation_id=None):
    res = requests.post(ENDPOINT,
        headers={'Content-Type': 'application/json', 'x-api-key': API_KEY},
        json={'message': message, 'conversation_id': conversation_id}, timeout=30)
    res.raise_for_status()
    return res.json()

first = chat("Hello!")
print(chat("What plans do you offer?", first["conversation_id"])["reply"])`,
  };
}

export function CodeExamples({ endpoint, apiKey }: { endpoint: string; apiKey?: string }) {
  const examples = codeExamples(endpoint, apiKey);
  const tabs = [
    { id: "curl", label: "cURL", code: examples.curl, file: "" },
    {
      id: "javascript",
      label: "JavaScript",
      code: examples.javascript,
      file: "Save as chat.mjs, run with node chat.mjs",
    },
    {
      id: "typescript",
      label: "TypeScript",
      code: examples.typescript,
      file: "Save as chat.mts, run with npx tsx chat.mts",
    },
    { id: "python", label: "Python", code: examples.python, file: "Needs requests (pip install requests)" },
  ];
  return (
    <Tabs defaultValue="curl" className="min-w-0">
      <TabsList className="max-w-full justify-start overflow-x-auto">
        {tabs.map((t) => (
          <TabsTrigger key={t.id} value={t.id}>
            {t.label}
          </TabsTrigger>
        ))}
      </TabsList>
      {tabs.map((t) => (
        <TabsContent
          key={t.id}
          value={t.id}
          className="focus-visible:ring-ring/50 grid min-w-0 gap-2 rounded-lg focus-visible:ring-[3px]"
        >
          <div className="flex min-h-8 items-center justify-between gap-2">
            <p className="text-muted-foreground text-xs">{t.file}</p>
            <CopyButton value={t.code} label={`Copy ${t.label}`} successMessage={`${t.label} example copied`} />
          </div>
          <pre
            className="bg-muted/60 focus-visible:ring-ring/50 overflow-x-auto rounded-lg border p-4 font-mono text-xs leading-relaxed outline-none focus-visible:ring-[3px]"
            data-testid={`example-${t.id}`}
            tabIndex={0}
            aria-label={`${t.label} example`}
          >
            <code>{t.code}</code>
          </pre>
        </TabsContent>
      ))}
    </Tabs>
  );
}
