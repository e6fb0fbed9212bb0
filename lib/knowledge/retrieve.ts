import { sql, type SQL } from "drizzle-orm";
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
 * little anyway. A bot known to have no more chunks than the budget gets a shorter statement that
 * ranks every match (the same result, planned and run faster: most bots are small).
 */
export const fullTextRetriever: Retriever = {
  async retrieve(db, query) {
    const known = knowledgeSizes.get(query.botId);
    const small = known !== undefined && known.at > Date.now() - SIZE_TTL_MS && known.chunks <= CANDIDATE_BUDGET;
    const rows = await queryRows<{
      id: number;
      source_id: string;
      title: string;
      heading: string;
      content: string;
      score: number;
      n: number;
    }>(db, small ? smallRetrievalSql(query) : retrievalSql(query));
    if (rows[0]) {
      if (knowledgeSizes.size >= 10_000) knowledgeSizes.clear();
      knowledgeSizes.set(query.botId, { chunks: Number(rows[0].n), at: Date.now() });
    }
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

/**
 * How many chunks each bot had at its last search, to pick the shorter statement for a small
 * knowledge base. Only a choice of plan: both statements rank a small knowledge base the same, and
 * a stale size costs time, never a wrong answer.
 */
const knowledgeSizes = new Map<string, { chunks: number; at: number }>();
const SIZE_TTL_MS = 60_000;

/** The retriever's one statement (exported for EXPLAIN ANALYZE while tuning). */
export function retrievalSql({ botId, query, context, k = 5 }: RetrievalQuery): SQL {
  return sql`with ${termsSql(botId, query, context)}
          ordered as (
            select q.*, coalesce(sum(q.df) over (order by q.w desc, q.lexeme rows between unbounded preceding and 1 preceding), 0) as before
            from q
          ),
          -- Terms whose every chunk fits the budget (one OR scan), and the one term that crosses it (sampled).
          plan as (
            select (select string_agg(quote_literal(lexeme), ' | ')::tsquery from ordered where before + df <= ${CANDIDATE_BUDGET}) as whole,
                   (select tq from ordered where before < ${CANDIDATE_BUDGET} and before + df > ${CANDIDATE_BUDGET}) as partial,
                   (select ${CANDIDATE_BUDGET} - before from ordered where before < ${CANDIDATE_BUDGET} and before + df > ${CANDIDATE_BUDGET}) as partial_limit,
                   -- All of the question's own words, once some of the terms did not fit whole.
                   (select string_agg(quote_literal(lexeme), ' & ')::tsquery from q where own
                     having count(*) > 1 and exists (select 1 from ordered where before + df > ${CANDIDATE_BUDGET})) as all_own
          ),
          candidates as (
            select c.id from knowledge_chunks c where c.bot_id = ${botId} and c.tsv @@ (select whole from plan)
            union
            (select c.id from knowledge_chunks c where c.bot_id = ${botId} and c.tsv @@ (select partial from plan) limit (select partial_limit from plan))
            union
            (select c.id from knowledge_chunks c where c.bot_id = ${botId} and c.tsv @@ (select all_own from plan) limit ${ALL_TERMS_CANDIDATES})
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
          select c.id, c.source_id, c.title, c.heading, c.content, s.score::float8 as score, (select n from total) as n
          from scored s join knowledge_chunks c on c.id = s.id
          order by s.score desc, c.id`;
}

/**
 * The same ranking over every matching chunk, for a bot whose whole knowledge fits the candidate
 * budget: no budget to plan, so a shorter statement for the common small knowledge base.
 */
export function smallRetrievalSql({ botId, query, context, k = 5 }: RetrievalQuery): SQL {
  return sql`with ${termsSql(botId, query, context)}
          scored as (
            select c.id, sum(q.w * (r.rank / (r.rank + 0.3))) as score
            from knowledge_chunks c
            join q on c.tsv @@ q.tq
            cross join lateral (select ts_rank_cd(c.tsv, q.tq, 1) as rank) r
            where c.bot_id = ${botId}
            group by c.id
            order by score desc, c.id
            limit ${k}
          )
          select c.id, c.source_id, c.title, c.heading, c.content, s.score::float8 as score, (select n from total) as n
          from scored s join knowledge_chunks c on c.id = s.id
          order by s.score desc, c.id`;
}

/** The question's terms with their weights (w: the query weight times the IDF from knowledge_terms); CTEs input, total, q. */
function termsSql(botId: string, query: string, context: string | undefined): SQL {
  return sql`input as (
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
            cross join total
            -- One index lookup per term (a join could read the bot's whole vocabulary).
            cross join lateral (select df from knowledge_terms where bot_id = ${botId} and lexeme = i.lexeme) t
          ),`;
}
