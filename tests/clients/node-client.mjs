// API.md's JavaScript example with only its type annotations removed, run with plain `node`.
// Needs ENDPOINT and API_KEY in the environment; prints each JSON response on its own line.
const ENDPOINT = process.env.ENDPOINT;
const API_KEY = process.env.API_KEY;

async function chat(message, conversationId) {
  const res = await fetch(ENDPOINT, {
    method: "POST",
    headers: { "Content-Type": "application/json", "x-api-key": API_KEY },
    body: JSON.stringify({ message, conversation_id: conversationId }),
  });
  if (!res.ok) throw new Error(`error: ${res.status}`);
  return res.json();
}

const first = await chat("Tell me about the Pro plan");
console.log(JSON.stringify(first));
const second = await chat("How much does it cost?", first.conversation_id);
console.log(JSON.stringify(second));
