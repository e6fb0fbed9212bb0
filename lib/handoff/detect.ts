// What people type when they want a person: "can I talk to a human?", "agent please", "real person",
// "get me a representative", "talk to support", "I want to speak to someone".
const ASK_FOR_PERSON = [
  /\b(?:talk|speak|chat|connect|transfer|put)\s+(?:me\s+)?(?:to|with|through to)\s+(?:a|an|the|some|your)?\s*(?:real\s+|live\s+|actual\s+)?(?:human|person|agent|someone|somebody|representative|rep|operator|support|staff|team|manager|customer service|sales)\b/i,
  /\b(?:human|real person|live person|live agent|actual person|representative|operator|customer service|live support)\b(?:\s+please)?/i,
  /^\s*(?:agent|human|operator|representative|support)\s*(?:please|pls|now)?\s*[.!?]*\s*$/i,
  /\b(?:get|need|want)\s+(?:me\s+)?(?:a|an|to talk to a|to speak to a|to speak with a)?\s*(?:human|person|agent|someone|somebody|representative)\b/i,
];

const NEGATED = /\b(?:don'?t|do not|no need|not)\s+(?:\w+\s+){0,3}(?:human|person|agent|someone|representative)\b/i;
// "Are you a human?" asks about the bot; it is not a request.
const ASKS_ABOUT_BOT = /\b(?:are|r) (?:you|u) (?:a |an )?(?:real |actual )?(?:human|person|bot|robot|ai)\b/i;

/** The user asks, in natural words, to be put through to a person. */
export function asksForPerson(message: string): boolean {
  const text = message.slice(0, 500);
  if (NEGATED.test(text) || ASKS_ABOUT_BOT.test(text)) return false;
  return ASK_FOR_PERSON.some((p) => p.test(text));
}

const YES =
  /^\s*(?:yes|yeah|yep|yup|sure|ok|okay|please|yes please|please do|go ahead|do it|connect me|that would be great|sounds good|y)\b[\s!.,]*(?:please|thanks|thank you)?[\s!.]*$/i;
const NO = /^\s*(?:no|nope|nah|no thanks|no thank you|not now|not yet|maybe later|i'?m good|it'?s fine|n)\b/i;

/** The answer to "Would you like me to connect you with our team?": yes, no, or something else. */
export function answerToOffer(message: string): "yes" | "no" | "other" {
  if (YES.test(message)) return "yes";
  if (NO.test(message)) return "no";
  return asksForPerson(message) ? "yes" : "other";
}
