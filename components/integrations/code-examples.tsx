"use client";

import { CopyButton } from "@/components/copy-button";
import { Tabs, TabsContent, TabsList, TabsTrigger } from "@/components/ui/tabs";

export const KEY_PLACEHOLDER = "YOUR_API_KEY";

/** The three clients of the API contract, filled in with this endpoint (and the key while it is shown). */
export function codeExamples(endpoint: string, apiKey: string = KEY_PLACEHOLDER) {
  return {
    curl: `curl -X POST "${endpoint}" \\
  -H 'Content-Type: application/json' \\
  -H "x-api-key: ${apiKey}" \\
  -d '{"message":"Hello!","user_id":"user_123"}'`,
    javascript: `const ENDPOINT = "${endpoint}";
const API_KEY = ${apiKey === KEY_PLACEHOLDER ? "process.env.PARLEY_API_KEY" : `"${apiKey}"`};

async function chat(message: string, conversationId?: string) {
  const res = await fetch(ENDPOINT, {
    method: "POST",
    headers: { "Content-Type": "application/json", "x-api-key": API_KEY },
    body: JSON.stringify({ message, conversation_id: conversationId }),
  });
  if (!res.ok) throw new Error(\`error: \${res.status}\`);
  return res.json() as Promise<{ reply: string; conversation_id: string }>;
}

const first = await chat("Hello!");
const next = await chat("What plans do you offer?", first.conversation_id);`,
    python: `import ${apiKey === KEY_PLACEHOLDER ? "os, " : ""}requests

ENDPOINT = "${endpoint}"
API_KEY = ${apiKey === KEY_PLACEHOLDER ? 'os.environ["PARLEY_API_KEY"]' : `"${apiKey}"`}

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
    { id: "curl", label: "cURL", code: examples.curl },
    { id: "javascript", label: "JavaScript", code: examples.javascript },
    { id: "python", label: "Python", code: examples.python },
  ];
  return (
    <Tabs defaultValue="curl">
      <TabsList>
        {tabs.map((t) => (
          <TabsTrigger key={t.id} value={t.id}>
            {t.label}
          </TabsTrigger>
        ))}
      </TabsList>
      {tabs.map((t) => (
        <TabsContent key={t.id} value={t.id}>
          <div className="relative">
            <pre className="bg-muted/60 overflow-x-auto rounded-lg border p-4 pr-24 font-mono text-xs leading-relaxed" data-testid={`example-${t.id}`}>
              <code>{t.code}</code>
            </pre>
            <CopyButton value={t.code} label="Copy" className="absolute top-2 right-2" successMessage={`${t.label} example copied`} />
          </div>
        </TabsContent>
      ))}
    </Tabs>
  );
}
