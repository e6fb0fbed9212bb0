/** The demo bot's knowledge base: a made-up business, so a newcomer's first question gets a good answer. */
export const DEMO_KNOWLEDGE: { title: string; text: string }[] = [
  {
    title: "Plans and pricing",
    text: `# Plans and pricing

Acme offers four plans: Starter, Core, Pro and Scale. Every plan includes the Acme dashboard, email support and unlimited team members.

## Starter
Starter costs $19 per month and includes 1,000 messages a month. It is made for small shops trying Acme for the first time.

## Core
Core costs $49 per month and includes 5,000 messages a month, lead capture and priority email support.

## Pro
Pro costs $149 per month and includes 25,000 messages a month, human handoff to your team inbox, webhooks and phone support.

## Scale
Scale costs $499 per month and includes 100,000 messages a month, a dedicated success manager and a 99.9% uptime SLA.

## Billing
Plans are billed monthly; annual billing saves 20%. You can upgrade, downgrade or cancel at any time from Settings, and changes apply immediately.`,
  },
  {
    title: "Shipping and delivery",
    text: `# Shipping and delivery

Acme ships hardware starter kits to the United States, Canada, the United Kingdom and the European Union.
Orders placed before 2pm Eastern time on a business day ship the same day.
Standard delivery takes 3 to 5 business days and is free on orders over $50; otherwise it costs $6.
Express delivery takes 1 to 2 business days and costs $18.
Every order gets a tracking link by email as soon as it leaves our warehouse.`,
  },
  {
    title: "Returns and refunds",
    text: `# Returns and refunds

You can return any unused item within 30 days of delivery for a full refund.
To start a return, email returns@acme.example with your order number; we send a prepaid return label within one business day.
Refunds go back to the original payment method within 5 business days of the return arriving.
Subscriptions can be cancelled at any time; we refund the unused part of an annual plan.`,
  },
  {
    title: "Support and opening hours",
    text: `# Support and opening hours

Our support team is available Monday to Friday from 8am to 8pm Eastern time, and on Saturdays from 10am to 4pm.
You can reach us by email at support@acme.example or by phone at +1 555 0100 on the Pro and Scale plans.
We answer emails within four business hours on average.
Our office is at 100 Main Street, Springfield.`,
  },
];
