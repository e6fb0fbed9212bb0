import type { BotProfile, Passage } from "./types";

/** A made-up business for the engine tests: Brightleaf Coffee Co. */
export const bot: BotProfile = {
  name: "Leafy",
  instructions: "You are Leafy, the friendly assistant of Brightleaf Coffee Co.",
  welcomeMessage: "Hi! I'm Leafy from Brightleaf Coffee. How can I help you today?",
  fallbackMessage: "Sorry, I don't have information about that. You can reach our team at hello@brightleaf.example.",
};

const pricing = `# Pricing plans

Brightleaf offers four coffee subscription plans:

- **Starter**: $9.99/month, one 250 g bag a month
- **Core**: $19/month, two bags a month and free shipping
- **Pro**: $99/month, ten bags a month for offices, e.g. small teams of up to 15 people
- **Scale**: custom pricing for companies with more than 50 people

All plans are billed monthly and can be paused at any time. Annual billing saves 15% on every plan.`;

const hours = `## Café opening hours

Our café at 12 Harbour Street, Portland is open Monday to Friday from 7am to 6pm.
On Saturdays we open at 8am and close at 4pm. We are closed on Sundays and public holidays.`;

const refunds = `## Refund policy

If you are not happy with your coffee, we will make it right. Refunds are available within 30 days of delivery for unopened bags.
To request a refund, email support@brightleaf.example with your order number. Refunds are issued to the original payment method within 5 business days.
Opened bags cannot be refunded, but we are happy to send a different roast instead.`;

const shipping = `## Shipping

We ship to the United States and Canada. Orders placed before 2pm ship the same day.
Standard delivery takes 3 to 5 business days and costs $4.95; it is free on the Core plan and above.
Express delivery (1 to 2 business days) costs $12. You will receive a tracking link by email as soon as your parcel leaves our roastery.`;

const about = `# About Brightleaf Coffee Co.

Brightleaf Coffee Co. Inc. was founded in 2015 by two baristas in Portland, Oregon. We roast every bean in small batches and buy directly from farms in Colombia, Ethiopia and Guatemala.`;

/** The whole knowledge base as retrieved passages, best first. */
export const knowledge: Passage[] = [
  { chunkId: 11, sourceId: "src_pricing", title: "Pricing", heading: "Pricing plans", content: pricing, score: 0.5 },
  { chunkId: 21, sourceId: "src_hours", title: "Visit us", heading: "Café opening hours", content: hours, score: 0.4 },
  {
    chunkId: 31,
    sourceId: "src_refunds",
    title: "Refund policy",
    heading: "Refund policy",
    content: refunds,
    score: 0.3,
  },
  { chunkId: 41, sourceId: "src_shipping", title: "Shipping", heading: "Shipping", content: shipping, score: 0.2 },
  {
    chunkId: 51,
    sourceId: "src_about",
    title: "About us",
    heading: "About Brightleaf Coffee Co.",
    content: about,
    score: 0.1,
  },
];

/** Every passage with an equal score, so a test shows the engine finds the answer without help from retrieval's order. */
export const unrankedKnowledge: Passage[] = knowledge.map((passage) => ({ ...passage, score: 0.1 }));
