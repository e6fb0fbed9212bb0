import { sql, type SQL } from "drizzle-orm";
import { queryRows, type Db } from "../index";
import { authCacheMs } from "./api-auth-cache";

/**
 * The SQL of knowledge retrieval: what the bot's vocabulary says about a question's words, and the
 * one full-text ranking. The domain rules (which words to correct, which related words to add and at
 * what weight) live in lib/knowledge/retrieve.ts.
 */

/**
 * How many chunks retrieval ranks at most, whatever the size of the knowledge: the chunks holding the
 * question's most telling terms, taken whole while they fit (so a small knowledge base is ranked in
 * full), sampled once they do not.
 */
export const CANDIDATE_BUDGET = 300;
/** Chunks holding every word of the question that the knowledge knows: ranked too, up to this many. */
export const ALL_TERMS_CANDIDATES = 150;
/** How early a term's match saturates: its score in a chunk is rank / (rank + RANK_SATURATION) (see rankedChunksSql). */
export const RANK_SATURATION = 0.15;

/** Text to parse into search terms: `config` is a text search configuration, `own` marks the question's own words. */
export type SearchText = { text: string; config: string; weight: number; own: boolean };

/** One question to rank the bot's chunks for. */
export type RankRequest = { botId: string; k: number; texts: SearchText[] };

export type RankedChunk = {
  id: number;
  source_id: string;
  title: string;
  heading: string;
  content: string;
  score: number;
};

/**
 * The ranking, for any number of questions in one statement (qi: the question's 1-based position; a
 * lone question is a batch of one). Each stemmed term counts on its own, weighted by its weight times
 * how rare it is in the bot's knowledge (IDF, as in BM25, from knowledge_terms); a term's match in a
 * chunk is ts_rank_cd over title/heading (weight A) and content (B), saturated so one word repeated
 * cannot drown the others, and early (rank / (rank + RANK_SATURATION), 0.15): that a chunk says a
 * rare word counts more than where it says it, so a rare word said once in a long section outweighs a
 * common one in a short section's heading. Measured on the tune half against 0.3: 0.2 and 0.1 gained 2 and 4 and lost
 * none, 0.05 lost two; below 0.15 a verb as light as "take" in one body outweighs the subject of a
 * follow-up in a tiny knowledge base's heading. A term the bot's knowledge
 * does not hold drops out at the knowledge_terms join, so related words only ever reach the knowledge's
 * own vocabulary.
 *
 * The cost does not grow with the knowledge: per question, only a bounded set of candidates is
 * ranked: the chunks of the terms that weigh most, taken in that order until CANDIDATE_BUDGET (the
 * term that crosses it sampled), plus up to ALL_TERMS_CANDIDATES chunks holding all of the question's
 * own words. While the matches fit the budget (any knowledge base of a few thousand chunks for a
 * specific question) the ranking is exact.
 */
export function rankedChunksSql(questions: RankRequest[]): SQL {
  // sql.param: one array parameter each (a bare array would become a list of parameters). Booleans go as
  // 0/1: postgres.js sends a boolean array typed as a single boolean.
  const param = <T>(values: T[]) => sql.param(values);
  const texts = questions.flatMap((q, i) => q.texts.map((t) => ({ ...t, qi: i + 1 })));
  return sql`with reqs as (
            select * from unnest(${param(questions.map((q) => q.botId))}::text[], ${param(questions.map((q) => q.k))}::int[])
              with ordinality as r(bot_id, k, qi)
          ),
          texts as (
            select * from unnest(
              ${param(texts.map((t) => t.qi))}::int[], ${param(texts.map((t) => t.config))}::text[],
              ${param(texts.map((t) => t.text))}::text[], ${param(texts.map((t) => t.weight))}::float8[],
              ${param(texts.map((t) => (t.own ? 1 : 0)))}::int[]
            ) as t(qi, config, body, weight, own)
          ),
          input as (
            select t.qi, l.lexeme, max(t.weight) as weight, bool_or(t.own = 1) as own
            from texts t
            cross join lateral unnest(tsvector_to_array(to_tsvector(t.config::regconfig, t.body))) as l(lexeme)
            group by t.qi, l.lexeme
          ),
          q as (
            select i.qi, r.bot_id, i.lexeme, i.own, quote_literal(i.lexeme)::tsquery as tq, t.df,
                   i.weight * ln(1 + (s.chunks - t.df + 0.5) / (t.df + 0.5)) as w
            from input i
            join reqs r on r.qi = i.qi
            join knowledge_bot_stats s on s.bot_id = r.bot_id
            -- One index lookup per term (a join could read the bot's whole vocabulary).
            cross join lateral (select df from knowledge_terms where bot_id = r.bot_id and lexeme = i.lexeme) t
          ),
          ordered as (
            select q.*, coalesce(sum(q.df) over (partition by q.qi order by q.w desc, q.lexeme
                                                 rows between unbounded preceding and 1 preceding), 0) as before
            from q
          ),
          -- Per question: the terms whose every chunk fits the budget (one OR scan), the one term that crosses it
          -- (sampled), and all of the question's own words once some of the terms did not fit whole.
          plan as (
            select r.qi, r.bot_id, r.k,
                   (select string_agg(quote_literal(o.lexeme), ' | ')::tsquery from ordered o
                     where o.qi = r.qi and o.before + o.df <= ${CANDIDATE_BUDGET}) as whole,
                   (select o.tq from ordered o
                     where o.qi = r.qi and o.before < ${CANDIDATE_BUDGET} and o.before + o.df > ${CANDIDATE_BUDGET}) as partial,
                   (select ${CANDIDATE_BUDGET} - o.before from ordered o
                     where o.qi = r.qi and o.before < ${CANDIDATE_BUDGET} and o.before + o.df > ${CANDIDATE_BUDGET}) as partial_limit,
                   (select string_agg(quote_literal(q.lexeme), ' & ')::tsquery from q where q.qi = r.qi and q.own
                     having count(*) > 1 and exists (
                       select 1 from ordered o where o.qi = r.qi and o.before + o.df > ${CANDIDATE_BUDGET})) as all_own
            from reqs r
          ),
          candidates as (
            select p.qi, m.id
            from plan p
            cross join lateral (
              select c.id from knowledge_chunks c where c.bot_id = p.bot_id and c.tsv @@ p.whole
              union
              (select c.id from knowledge_chunks c where c.bot_id = p.bot_id and c.tsv @@ p.partial limit p.partial_limit)
              union
              (select c.id from knowledge_chunks c where c.bot_id = p.bot_id and c.tsv @@ p.all_own limit ${ALL_TERMS_CANDIDATES})
            ) m
          ),
          scored as (
            select cd.qi, c.id, sum(q.w * (r.rank / (r.rank + ${sql.raw(String(RANK_SATURATION))}))) as score
            from candidates cd
            join knowledge_chunks c on c.id = cd.id
            join q on q.qi = cd.qi and c.tsv @@ q.tq
            cross join lateral (select ts_rank_cd(c.tsv, q.tq, 1) as rank) r
            group by cd.qi, c.id
          ),
          ranked as (
            select s.qi, s.id, s.score, row_number() over (partition by s.qi order by s.score desc, s.id) as rn from scored s
          )
          select rk.qi, c.id, c.source_id, c.title, c.heading, c.content, rk.score::float8 as score
          from ranked rk
          join reqs r on r.qi = rk.qi
          join knowledge_chunks c on c.id = rk.id
          where rk.rn <= r.k
          order by rk.qi, rk.score desc, c.id`;
}

/** Ranks the chunks for each question (see rankedChunksSql); the result is in the questions' order. */
export async function rankChunks(db: Db, questions: RankRequest[]): Promise<RankedChunk[][]> {
  if (!questions.length) return [];
  const rows = await queryRows<RankedChunk & { qi: number }>(db, rankedChunksSql(questions));
  const byQuestion = questions.map((): RankedChunk[] => []);
  for (const row of rows)
    byQuestion[Number(row.qi) - 1]?.push({ ...row, id: Number(row.id), score: Number(row.score) });
  return byQuestion;
}

/** The shortest rest of a compound before the question's word, and how many compounds one word brings at most. */
const COMPOUND_MIN = 4;
const MAX_COMPOUNDS = 3;

/**
 * A vocabulary word close to a question word: how many edits away, and how trigram-similar (0..1); `alternatives`:
 * the next vocabulary words as few edits away, most similar first ("pause" beside "house" for "hause").
 */
export type VocabularyFix = { word: string; edits: number; similarity: number; alternatives?: string[] };
/** At most this many vocabulary words as close as the fix are kept beside it. */
const FIX_ALTERNATIVES = 2;

/** What the bot and its vocabulary say about a question's words (one statement). */
export type QuestionVocabulary = {
  /** The bot's language setting ("auto" or ISO 639-1), its owner's word list; undefined when the bot does not exist. */
  bot: { language: string; customerWords: string } | undefined;
  /** The languages of the bot's knowledge, most chunks first. */
  languages: { language: string; chunks: number }[];
  /** Per question word not in the vocabulary: the closest vocabulary word (from four letters on), if one is close enough. */
  unknown: Map<string, VocabularyFix | null>;
  /**
   * Per question word not in the vocabulary, where the knowledge writes compounds (German, Dutch, Scandinavian): the
   * vocabulary's compounds whose last part it is ("regenschirme" for "schirm"), most common first; none otherwise.
   */
  compounds: Map<string, string[]>;
  /**
   * The question words not in the vocabulary (from four letters on) that start a word of it: clipped as people clip
   * words in chat ("appart" for appartement), not mistyped.
   */
  clipped: Set<string>;
  /** The candidate related words that the vocabulary holds (English stopwords left out). */
  present: Set<string>;
  /** The question's words (and their corrections) that are English stopwords: no related words are looked up for them. */
  englishStopwords: Set<string>;
};

/** Accented letters and their bare ones, for translate(). */
const ACCENTED = "áàâäãåéèêëíìîïóòôöõúùûüçñß";
const UNACCENTED = "aaaaaaeeeeiiiiooooouuuucns";

/**
 * What the vocabulary says of one word; `fix`, `compounds` and `clipped` are undefined until they are looked for
 * (question words only).
 */
type WordFacts = {
  known: boolean;
  englishStopword: boolean;
  fix?: VocabularyFix | null;
  compounds?: string[];
  clipped?: boolean;
};

type BotVocabulary = {
  expires: number;
  bot: QuestionVocabulary["bot"];
  languages: QuestionVocabulary["languages"];
  words: Map<string, WordFacts>;
};

// On globalThis, as the auth cache (api-auth-cache.ts): a knowledge change made through a server action must clear
// what the Chat API route's bundle remembers.
const VOCABULARY_KEY = Symbol.for("parley.vocabularyCache");
const vg = globalThis as typeof globalThis & {
  [VOCABULARY_KEY]?: { bots: Map<string, BotVocabulary>; words: number; changes: number };
};
const remembered = (vg[VOCABULARY_KEY] ??= { bots: new Map(), words: 0, changes: 0 });
/** Words remembered over all bots at most: past it, the memory starts over (a flood of made-up words costs no more). */
const MAX_REMEMBERED_WORDS = 200_000;

/**
 * Forgets what the vocabulary cache holds for a bot (or every bot): called once a change to its knowledge or its
 * settings has committed, so this instance's next question sees it. Other instances see it within the cache's time
 * (PARLEY_AUTH_CACHE_MS, as the Chat API's cached integrations and bots).
 */
export function forgetVocabulary(botId?: string): void {
  remembered.changes++;
  if (!botId) {
    remembered.bots.clear();
    remembered.words = 0;
    return;
  }
  remembered.words -= remembered.bots.get(botId)?.words.size ?? 0;
  remembered.bots.delete(botId);
}

/**
 * What the bot and its vocabulary say about a question's words (`words`: whether the vocabulary holds each, and for
 * those it lacks the closest word it holds) and about candidate related words (`candidates`: whether it holds them).
 * Remembered per bot and word for PARLEY_AUTH_CACHE_MS: a question asks the database only about words not asked
 * about since, so most replies send no statement for it at all.
 */
export async function readQuestionVocabulary(
  db: Db,
  {
    botId,
    words,
    candidates,
    compounding = [],
  }: {
    botId: string;
    words: string[];
    candidates: string[];
    /** Languages that write compounds: for a bot whose knowledge is in one, unknown words' compounds are looked up. */
    compounding?: readonly string[];
  },
): Promise<QuestionVocabulary> {
  const ttl = authCacheMs();
  const held = remembered.bots.get(botId);
  let entry = ttl > 0 && held && held.expires > Date.now() ? held : undefined;
  if (!entry) {
    // One load per bot at a time: the replies in flight when the bot's entry expires wait for it, then ask only
    // about the words it did not cover.
    const loading = ttl > 0 ? loads.get(botId) : undefined;
    if (loading) entry = await loading;
    else {
      const load = loadVocabulary(db, botId, wantedWords(undefined, words, candidates), ttl, compounding);
      if (ttl > 0) {
        loads.set(botId, load);
        load.finally(() => loads.delete(botId)).catch(() => {}); // its callers see a failure
      }
      entry = await load;
    }
  }
  const wanted = wantedWords(entry, words, candidates);
  if (wanted.size) {
    const found = await lookUpWords(db, { botId, words: wanted, withBot: false, compounding });
    remember(entry, found.words);
  }
  const facts = (word: string) => entry.words.get(word)!;
  return {
    bot: entry.bot,
    languages: entry.languages,
    unknown: new Map(
      words.filter((w) => w.length >= 2 && !facts(w).known).map((w) => [w, facts(w).fix ?? null] as const),
    ),
    compounds: new Map(words.flatMap((w) => (facts(w).compounds?.length ? [[w, facts(w).compounds!] as const] : []))),
    clipped: new Set(words.filter((w) => facts(w).clipped)),
    present: new Set(candidates.filter((w) => facts(w).known && !facts(w).englishStopword)),
    englishStopwords: new Set(words.filter((w) => facts(w).englishStopword)),
  };
}

const loads = new Map<string, Promise<BotVocabulary>>();

/** The words an entry cannot answer yet → whether their closest vocabulary word is wanted too (question words). */
function wantedWords(entry: BotVocabulary | undefined, words: string[], candidates: string[]): Map<string, boolean> {
  const wanted = new Map<string, boolean>();
  const needs = (word: string, fix: boolean) => {
    const facts = entry?.words.get(word);
    if (!facts || (fix && !facts.known && facts.fix === undefined))
      wanted.set(word, fix || (wanted.get(word) ?? false));
  };
  for (const word of words) needs(word, true);
  for (const word of candidates) needs(word, false);
  return wanted;
}

/** A bot's settings, its knowledge's languages and the given words, read afresh, remembered for `ttl` ms. */
async function loadVocabulary(
  db: Db,
  botId: string,
  wanted: Map<string, boolean>,
  ttl: number,
  compounding: readonly string[],
): Promise<BotVocabulary> {
  const changes = remembered.changes;
  const found = await lookUpWords(db, { botId, words: wanted, withBot: true, compounding });
  const entry: BotVocabulary = {
    expires: Date.now() + ttl,
    bot: found.bot,
    languages: found.languages,
    words: new Map(),
  };
  // Not remembered when the knowledge changed while it was read: what was read may predate the change.
  if (ttl > 0 && remembered.changes === changes) {
    remembered.words -= remembered.bots.get(botId)?.words.size ?? 0; // an expired entry
    remembered.bots.set(botId, entry);
  }
  remember(entry, found.words);
  return entry;
}

function remember(entry: BotVocabulary, words: Map<string, WordFacts>): void {
  if (remembered.words + words.size > MAX_REMEMBERED_WORDS) {
    remembered.bots.clear();
    remembered.words = 0;
  }
  for (const [word, facts] of words) {
    if (!entry.words.has(word)) remembered.words++;
    entry.words.set(word, facts);
  }
}

/**
 * One statement: for each word, whether the bot's vocabulary (knowledge_words, kept exact by the trigger of
 * migration 0006) holds it and whether it is an English stopword; for a word it lacks whose closest word is wanted
 * (of four letters or more; of three, only a four-letter word it leaves a letter out of), the closest vocabulary
 * word: trigram-similar (pg_trgm's `%`, through the trigram index) and at most one edit away up to five letters,
 * two beyond (fuzzystrmatch's levenshtein), fewest edits first, then most similar, then most common in the
 * knowledge; and when the knowledge is in a `compounding` language, the compounds of the vocabulary that end in it.
 * With `withBot`, also the bot's settings that retrieval reads and the languages of its knowledge.
 */
async function lookUpWords(
  db: Db,
  {
    botId,
    words,
    withBot,
    compounding,
  }: { botId: string; words: Map<string, boolean>; withBot: boolean; compounding: readonly string[] },
): Promise<Pick<QuestionVocabulary, "bot" | "languages"> & { words: Map<string, WordFacts> }> {
  const fixFor = [...words].filter(([, fix]) => fix).map(([word]) => word);
  const [row] = await queryRows<{ bot: unknown; languages: unknown; words: unknown }>(
    db,
    sql`select
          case when ${withBot} then
            (select json_build_object('language', b.language, 'customerWords', b.customer_words) from bots b where b.id = ${botId})
          end as bot,
          case when ${withBot} then
            (select coalesce(json_agg(json_build_object('language', l.language, 'chunks', l.chunks) order by l.chunks desc, l.language), '[]')
               from knowledge_languages l where l.bot_id = ${botId})
          end as languages,
          (select coalesce(json_agg(json_build_array(w.word, w.known, to_tsvector('english', w.word) = ''::tsvector,
                                                     w.want_fix and not w.known, f.fix, f.edits, f.sim, c.compounds,
                                                     p.clipped, f.alternatives)), '[]')
             from (
               -- Looked up word by word through the primary key (offset 0 keeps the planner from merging it
               -- into the lateral search below): by trigrams, an equality search is many times slower.
               select u.word, u.word = any(${sql.param(fixFor)}::text[]) as want_fix,
                      exists (select 1 from knowledge_words k where k.bot_id = ${botId} and k.word = u.word) as known
               from unnest(${sql.param([...words.keys()])}::text[]) as u(word)
               offset 0
             ) w
             -- The closest word, and the next ones as few edits away (one search: the best few, then split).
             left join lateral (
               select (array_agg(c.word order by c.n))[1] as fix, min(c.edits) as edits,
                      (array_agg(c.sim order by c.n))[1] as sim,
                      coalesce(json_agg(c.word order by c.n) filter (where c.n > 1 and c.edits = c.least_edits), '[]')
                        as alternatives
               from (
                 select c.*, row_number() over (order by c.edits, c.sim desc, c.df desc, c.word) as n,
                        min(c.edits) over () as least_edits
                 from (
                   select v.word, levenshtein(v.word, w.word) as edits, similarity(v.word, w.word)::float8 as sim, v.df
                   from knowledge_words v
                   where w.want_fix and not w.known
                     -- Three typed letters: only a word of four they leave one out of ("tme" for "time").
                     and (length(w.word) >= 4 or (length(w.word) = 3 and length(v.word) = 4))
                     and v.bot_id = ${botId} and v.word % w.word and v.word ~ '^[[:alpha:]]+$'
                     and levenshtein(v.word, w.word) <= case when length(w.word) <= 5 then 1 else 2 end
                   order by levenshtein(v.word, w.word), similarity(v.word, w.word) desc, v.df desc, v.word
                   limit ${1 + FIX_ALTERNATIVES}
                 ) c
               ) c
             ) f on true
             -- Where the knowledge writes compounds: those ending in the word, give or take an inflection ("schirm" →
             -- "regenschirme"), with at least COMPOUND_MIN letters before it (through the trigram index).
             left join lateral (
               select json_agg(v.word order by v.df desc, v.word) as compounds
               from (
                 select v.word, v.df from knowledge_words v
                 where w.want_fix and not w.known and length(w.word) >= ${COMPOUND_MIN}
                   and exists (select 1 from knowledge_languages l
                               where l.bot_id = ${botId} and l.language = any(${sql.param([...compounding])}::text[]))
                   and v.bot_id = ${botId}
                   and v.word ~ ('^.{${sql.raw(String(COMPOUND_MIN))},}'
                                 || regexp_replace(w.word, '(e|en|n|s|es|er|ern|nen)$', '')
                                 || '(e|en|n|s|es|er|ern|nen)?$')
                 order by v.df desc, v.word
                 limit ${MAX_COMPOUNDS}
               ) v
             ) c on true
             -- "appart" for appartement: the start of a vocabulary word, accents aside (among the words with the same
             -- first letter, a range of the primary key).
             left join lateral (
               select true as clipped from knowledge_words v
               where w.want_fix and not w.known and length(w.word) >= 4 and w.word ~ '^[a-z]+$'
                 and v.bot_id = ${botId} and v.word >= left(w.word, 1) and v.word < chr(ascii(w.word) + 1)
                 and translate(v.word, ${ACCENTED}, ${UNACCENTED}) like w.word || '%' and v.word <> w.word
               limit 1
             ) p on true) as words`,
  );
  const parse = <T>(v: unknown): T => (typeof v === "string" ? JSON.parse(v) : v) as T;
  const found = new Map<string, WordFacts>();
  for (const [word, known, englishStopword, looked, fix, edits, sim, compounds, clipped, alternatives] of parse<
    [
      string,
      boolean,
      boolean,
      boolean,
      string | null,
      number | null,
      number | null,
      string[] | null,
      boolean | null,
      string[] | null,
    ][]
  >(row?.words ?? "[]"))
    found.set(word, {
      known,
      englishStopword,
      ...(looked
        ? {
            fix: fix
              ? {
                  word: fix,
                  edits: Number(edits),
                  similarity: Number(sim),
                  ...(alternatives?.length ? { alternatives } : {}),
                }
              : null,
            compounds: compounds ?? [],
            clipped: clipped === true,
          }
        : {}),
    });
  return {
    bot: parse<QuestionVocabulary["bot"] | null>(row?.bot) ?? undefined,
    languages: parse<QuestionVocabulary["languages"]>(row?.languages ?? "[]").map((l) => ({
      language: l.language,
      chunks: Number(l.chunks),
    })),
    words: found,
  };
}
