import { sql, type SQL } from "drizzle-orm";
import { queryRows, type Db } from "@/db";
import type { Passage } from "@/lib/engine/types";
import { grouped } from "@/lib/grouped";

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
 * little anyway. Questions for a bot known to have no more chunks than the budget (most bots) go
 * through groupedRetrievalSql instead, which ranks every match (the same result) and answers the
 * questions that arrive while one search is in flight in one statement.
 */
export const fullTextRetriever: Retriever = {
  async retrieve(db, query) {
    const known = knowledgeSizes.get(query.botId);
    const small = known !== undefined && known.at > Date.now() - SIZE_TTL_MS && known.chunks <= CANDIDATE_BUDGET;
    if (small) return retrieveGrouped(db, query);
    const rows = await queryRows<PassageRow>(db, retrievalSql(query));
    noteSize(query.botId, rows);
    return rows.map(toPassage);
  },
};

type PassageRow = { id: number; source_id: string; title: string; heading: string; content: string; score: number; n: number };

const toPassage = (r: PassageRow): Passage => ({
  chunkId: Number(r.id),
  sourceId: r.source_id,
  title: r.title,
  heading: r.heading,
  content: r.content,
  score: Number(r.score),
});

function noteSize(botId: string, rows: PassageRow[]) {
  if (!rows[0]) return;
  if (knowledgeSizes.size >= 10_000) knowledgeSizes.clear();
  knowledgeSizes.set(botId, { chunks: Number(rows[0].n), at: Date.now() });
}

/**
 * Questions for small bots (the common case) are answered at once when no search is in flight;
 * those that arrive while one is go together as the next statement (groupedRetrievalSql), which
 * is planned once for all of them.
 */
const searches = grouped<Db, RetrievalQuery, Passage[]>({
  max: 64,
  async run(db, questions) {
    const rows = await queryRows<PassageRow & { qi: number }>(db, groupedRetrievalSql(questions));
    const byQuestion = questions.map((): PassageRow[] => []);
    for (const row of rows) byQuestion[Number(row.qi) - 1]?.push(row);
    return questions.map((q, i) => {
      noteSize(q.botId, byQuestion[i]!);
      return { value: byQuestion[i]!.map(toPassage) };
    });
  },
});

/** Grouped search statements made and questions they answered (for tests and the benchmark). */
export const searchStats = searches.stats;

function retrieveGrouped(db: Db, query: RetrievalQuery): Promise<Passage[]> {
  return searches.call(db, query);
}

/**
 * How many chunks each bot had at its last search (every search returns it), to send a small bot's
 * questions to the grouped statement. Only a choice of plan: both statements rank a small knowledge
 * base the same, and a stale size costs time, never a wrong answer.
 */
const knowledgeSizes = new Map<string, { chunks: number; at: number }>();
const SIZE_TTL_MS = 60_000;

/** The bounded statement, for a bot above the budget or not searched lately (exported for tests and EXPLAIN ANALYZE). */
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
 * The same ranking over every matching chunk, for bots whose whole knowledge fits the candidate
 * budget, for several questions at once (qi: the question's 1-based position): no budget to plan,
 * and one plan for the lot. Most bots are small, so this is the Chat API's usual search.
 */
export function groupedRetrievalSql(questions: RetrievalQuery[]): SQL {
  // sql.param: one array parameter each (a bare array would become a list of parameters).
  const col = <T>(f: (q: RetrievalQuery) => T) => sql.param(questions.map(f));
  return sql`with reqs as (
            select * from unnest(
              ${col((q) => q.botId)}::text[], ${col((q) => q.query)}::text[], ${col((q) => expandQuery(q.query))}::text[],
              ${col((q) => q.context ?? "")}::text[], ${col((q) => q.k ?? 5)}::int[]
            ) with ordinality as r(bot_id, query, synonyms, context, k, qi)
          ),
          input as (
            select r.qi, r.bot_id, t.lexeme, max(t.weight) as weight
            from reqs r
            cross join lateral (
              select unnest(tsvector_to_array(to_tsvector('english', r.query))) as lexeme, 1.0::float8 as weight
              union all
              select unnest(tsvector_to_array(to_tsvector('english', r.synonyms))), ${SYNONYM_WEIGHT}::float8
              union all
              select unnest(tsvector_to_array(to_tsvector('english', r.context))), ${CONTEXT_WEIGHT}::float8
            ) t
            group by r.qi, r.bot_id, t.lexeme
          ),
          q as (
            select i.qi, i.bot_id, quote_literal(i.lexeme)::tsquery as tq,
                   i.weight * ln(1 + (s.chunks - t.df + 0.5) / (t.df + 0.5)) as w
            from input i
            join knowledge_bot_stats s on s.bot_id = i.bot_id
            cross join lateral (select df from knowledge_terms where bot_id = i.bot_id and lexeme = i.lexeme) t
          ),
          scored as (
            select q.qi, c.id, sum(q.w * (r.rank / (r.rank + 0.3))) as score
            from q
            -- Per term, the bot's chunks holding it, from the (bot_id, tsv) index.
            cross join lateral (select c.id, c.tsv from knowledge_chunks c where c.bot_id = q.bot_id and c.tsv @@ q.tq) c
            cross join lateral (select ts_rank_cd(c.tsv, q.tq, 1) as rank) r
            group by q.qi, c.id
          ),
          ranked as (
            select s.qi, s.id, s.score, row_number() over (partition by s.qi order by s.score desc, s.id) as rn from scored s
          )
          select rk.qi, c.id, c.source_id, c.title, c.heading, c.content, rk.score::float8 as score, st.chunks as n
          from ranked rk
          join reqs r on r.qi = rk.qi
          join knowledge_chunks c on c.id = rk.id
          join knowledge_bot_stats st on st.bot_id = r.bot_id
          where rk.rn <= r.k
          order by rk.qi, rk.score desc, c.id`;
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
