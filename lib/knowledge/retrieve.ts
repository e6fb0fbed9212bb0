import { sql } from "drizzle-orm";
import { queryRows, type Db } from "@/db";
import type { Passage } from "@/lib/engine/types";

export type RetrievalQuery = {
  botId: string;
  /** The question. */
  query: string;
  /** Earlier turns that give a follow-up its subject ("How much does it cost?" after "Tell me about Pro"). */
  context?: string;
  k?: number;
};

/** Finds the knowledge passages that best answer a question. Full-text today; a vector or hybrid retriever fits the same shape. */
export interface Retriever {
  retrieve(db: Db, query: RetrievalQuery): Promise<Passage[]>;
}

/** Words customers use for the same thing a help page names differently ("address" → "location", "money back" → "refund"). */
const SYNONYMS: string[][] = [
  ["price", "prices", "pricing", "cost", "costs", "fee", "fees", "charge", "charges", "rate", "rates", "how much", "expensive", "cheap"],
  ["ship", "shipping", "shipped", "delivery", "deliver", "delivered", "postage", "courier", "dispatch", "arrive", "arrives"],
  ["refund", "refunds", "refunded", "money back", "reimburse", "reimbursement"],
  ["return", "returns", "returned", "send back", "send it back", "exchange"],
  ["hours", "open", "opening", "opens", "closed", "closing", "schedule"],
  ["address", "location", "located", "directions", "find you", "find us", "street", "where are you", "where is your"],
  ["contact", "email", "e-mail", "phone", "call", "reach", "get in touch"],
  ["warranty", "guarantee", "guaranteed"],
  ["cancel", "cancellation", "cancelled", "canceled", "unsubscribe", "terminate"],
  ["job", "jobs", "career", "careers", "hiring", "vacancy", "vacancies", "work for you", "join the team", "looking for"],
  ["rent", "rental", "rentals", "renting", "lease", "borrow"],
  ["instalment", "instalments", "installment", "installments", "financing", "finance", "pay later", "spread the cost", "monthly payments"],
  ["puncture", "punctured", "flat tyre", "flat tire"],
  ["tyre", "tyres", "tire", "tires"],
  ["electric", "e-bike", "e-bikes", "ebike", "ebikes", "battery", "charge"],
  ["discount", "discounts", "coupon", "promo", "deal", "sale", "savings"],
  ["pay", "payment", "payments", "paid", "card", "checkout"],
  ["assemble", "assembly", "assembled", "set up", "put together"],
  ["member", "members", "membership", "subscription", "subscribe", "club"],
  ["buy", "bought", "purchase", "purchased", "order", "orders", "ordered"],
  ["support", "help desk", "customer service", "assistance"],
  ["founded", "founder", "founders", "started", "history", "established"],
  ["size", "sizes", "sizing", "fit", "height", "tall"],
  ["login", "log in", "sign in", "password", "account"],
];

const TRIGGERS = SYNONYMS.map((group) => ({
  group,
  pattern: new RegExp(`\\b(?:${group.map((w) => w.replace(/[.*+?^${}()|[\]\\-]/g, "\\$&").replace(/ /g, "\\s+")).join("|")})\\b`, "i"),
}));

/** The other words of every synonym group the question touches; searched at reduced weight beside the question's own words. */
export function expandQuery(query: string): string {
  const extra = new Set<string>();
  for (const { group, pattern } of TRIGGERS) if (pattern.test(query)) for (const word of group) extra.add(word);
  return [...extra].join(" ");
}

/** Weight of a synonym's match relative to the question's own words. */
const SYNONYM_WEIGHT = 0.5;
/** Weight of the earlier turns' words: they steer a follow-up without outranking the question. */
const CONTEXT_WEIGHT = 0.5;

/**
 * How many chunks retrieval ranks at most, whatever the size of the knowledge: the chunks holding the
 * question's most telling terms, taken whole while they fit (so a small knowledge base is ranked in
 * full), sampled once they do not.
 */
export const CANDIDATE_BUDGET = 300;
/** Chunks holding every word of the question that the knowledge knows: ranked too, up to this many. */
export const ALL_TERMS_CANDIDATES = 150;

/**
 * PostgreSQL full-text search (the same on PGlite and Postgres). Each stemmed term of the question
 * counts on its own (a passage need not contain every word), weighted by how rare it is in this
 * bot's knowledge (IDF, as in BM25): "assemble" decides a question more than "bike" in a bike shop.
 * A term's match in a passage is ts_rank_cd over title/heading (weight A) and content (B),
 * saturated so one word repeated cannot drown the others. Synonyms and, for a follow-up, the
 * earlier turns' words join at half weight.
 *
 * The cost does not grow with the knowledge: document frequencies come from knowledge_terms (kept
 * by a trigger, migration 0003) rather than from counting matches, and only a bounded set of
 * candidates is ranked: the chunks of the terms that weigh most, taken in that order until
 * CANDIDATE_BUDGET, plus up to ALL_TERMS_CANDIDATES chunks holding all of the question's own words.
 * While the matches fit the budget (any knowledge base of a few thousand chunks for a specific
 * question) the ranking is exact; beyond it, a very common term is sampled, and such a term weighs
 * little anyway.
 */
export const fullTextRetriever: Retriever = {
  async retrieve(db, { botId, query, context, k = 5 }) {
    const rows = await queryRows<{
      id: number;
      source_id: string;
      title: string;
      heading: string;
      content: string;
      score: number;
    }>(
      db,
      sql`with input as (
            select lexeme, max(weight) as weight, bool_or(own) as own from (
              select unnest(tsvector_to_array(to_tsvector('english', ${query}))) as lexeme, 1.0::float8 as weight, true as own
              union all
              select unnest(tsvector_to_array(to_tsvector('english', ${expandQuery(query)}))), ${SYNONYM_WEIGHT}::float8, false
              union all
              select unnest(tsvector_to_array(to_tsvector('english', ${context ?? ""}))), ${CONTEXT_WEIGHT}::float8, false
            ) terms
            group by lexeme
          ),
          total as (select coalesce((select chunks from knowledge_bot_stats where bot_id = ${botId}), 0)::float8 as n),
          q as (
            select i.lexeme, i.own, quote_literal(i.lexeme)::tsquery as tq, t.df,
                   i.weight * ln(1 + (total.n - t.df + 0.5) / (t.df + 0.5)) as w
            from input i
            join knowledge_terms t on t.bot_id = ${botId} and t.lexeme = i.lexeme
            cross join total
          ),
          ordered as (
            select q.*, coalesce(sum(q.df) over (order by q.w desc, q.lexeme rows between unbounded preceding and 1 preceding), 0) as before
            from q
          ),
          all_terms as (
            select string_agg(quote_literal(lexeme), ' & ')::tsquery as tq from q where own having count(*) > 1
          ),
          candidates as (
            select x.id
            from ordered o
            cross join lateral (
              select c.id from knowledge_chunks c
              where c.bot_id = ${botId} and c.tsv @@ o.tq
              limit greatest(0, ${CANDIDATE_BUDGET} - o.before)
            ) x
            where o.before < ${CANDIDATE_BUDGET}
            union
            (select c.id from knowledge_chunks c, all_terms a
             where c.bot_id = ${botId} and c.tsv @@ a.tq
             limit ${ALL_TERMS_CANDIDATES})
          ),
          scored as (
            select c.id, sum(q.w * (r.rank / (r.rank + 0.3))) as score
            from candidates
            join knowledge_chunks c on c.id = candidates.id
            join q on c.tsv @@ q.tq
            cross join lateral (select ts_rank_cd(c.tsv, q.tq, 1) as rank) r
            group by c.id
            order by score desc, c.id
            limit ${k}
          )
          select c.id, c.source_id, c.title, c.heading, c.content, s.score::float8 as score
          from scored s join knowledge_chunks c on c.id = s.id
          order by s.score desc, c.id`,
    );
    return rows.map((r) => ({
      chunkId: Number(r.id),
      sourceId: r.source_id,
      title: r.title,
      heading: r.heading,
      content: r.content,
      score: Number(r.score),
    }));
  },
};
