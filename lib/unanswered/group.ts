import { guessLanguage } from "@/lib/engine/builtin";
import { contentTerms, foldAccents, tokens } from "@/lib/engine/text";

/**
 * Which unanswered questions are one topic. Near-duplicates are told by their normalised terms (stems without
 * stopwords, the built-in engine's own reading of a question: "Do you sell gift cards?" and "gift card for my
 * brother?" share gift and card), and, when an embedding model is configured, also by meaning (cosine
 * similarity of their vectors). A question joins the topic it is most like, else starts one.
 */

/** The likeness (0..1) from which two questions are one topic. */
export const SAME_TOPIC = 0.5;
/** Cosine similarity of two questions' vectors from which they are one topic (normalised vectors). */
export const SAME_TOPIC_SIMILARITY = 0.8;

/** A question as grouping reads it: its terms, sorted, and its vector when a model made one. */
export type QuestionSignature = { terms: string[]; embedding?: number[] | null };

/** The normalised terms of a question, sorted; its folded words when it has no content words ("hello??"). */
export function questionTerms(text: string): string[] {
  const language = guessLanguage(text);
  const terms = contentTerms(text, language, { parts: false });
  const chosen = terms.length ? terms : tokens(text).map(foldAccents);
  return [...new Set(chosen)].sort();
}

/** How alike two questions are (0..1); at least `SAME_TOPIC` means one topic. */
export function likeness(a: QuestionSignature, b: QuestionSignature): number {
  let score = termLikeness(a.terms, b.terms);
  if (a.embedding?.length && b.embedding?.length && a.embedding.length === b.embedding.length) {
    const cosine = dot(a.embedding, b.embedding);
    // A meaning match counts as a term match of the same strength relative to its threshold.
    if (cosine >= SAME_TOPIC_SIMILARITY) score = Math.max(score, SAME_TOPIC + (cosine - SAME_TOPIC_SIMILARITY));
  }
  return score;
}

/**
 * Likeness by terms: the same terms are one topic (even a single one: "refunds?" and "refund"); otherwise it
 * takes two shared terms, and is the mean of their share of all the terms (Jaccard) and of the shorter
 * question's terms (overlap), so a question with a few words more ("a gift card for my brother?") stays
 * with the short one ("gift cards?") while two long questions with two words in common do not meet.
 */
function termLikeness(a: string[], b: string[]): number {
  if (!a.length || !b.length) return 0;
  const small = a.length <= b.length ? a : b;
  const large = new Set(small === a ? b : a);
  let shared = 0;
  for (const term of small) if (large.has(term)) shared++;
  const jaccard = shared / (a.length + b.length - shared);
  if (jaccard === 1) return 1;
  if (shared < 2) return 0;
  return (jaccard + shared / small.length) / 2;
}

function dot(a: number[], b: number[]): number {
  let sum = 0;
  for (let i = 0; i < a.length; i++) sum += a[i]! * b[i]!;
  return sum;
}

/** A topic as grouping sees it: its id and its questions' signatures. */
export type TopicMembers = { id: string; members: QuestionSignature[] };

/**
 * The topic each new question joins, in order (oldest first): the topic with the question most like it (at
 * least SAME_TOPIC; ties go to the topic with more such questions), or a new one, which later questions may
 * join. `newTopicId` names a new topic. Returns the topic id of each question.
 */
export function assignTopics(
  questions: QuestionSignature[],
  topics: TopicMembers[],
  newTopicId: () => string,
): string[] {
  const pool = topics.map((t) => ({ id: t.id, members: [...t.members] }));
  return questions.map((question) => {
    let best: { topic: (typeof pool)[number]; score: number; matches: number } | null = null;
    for (const topic of pool) {
      let score = 0;
      let matches = 0;
      for (const member of topic.members) {
        const like = likeness(question, member);
        if (like >= SAME_TOPIC) matches++;
        score = Math.max(score, like);
      }
      if (score < SAME_TOPIC) continue;
      if (!best || score > best.score || (score === best.score && matches > best.matches))
        best = { topic, score, matches };
    }
    const topic = best?.topic ?? { id: newTopicId(), members: [] };
    if (!best) pool.push(topic);
    topic.members.push(question);
    return topic.id;
  });
}

/**
 * The question that names a topic: the wording asked most often (compared without case and punctuation),
 * the first asked of those on a tie.
 */
export function topicLabel(questions: { text: string; askedAt: Date }[]): string {
  const byWording = new Map<string, { text: string; count: number; first: number }>();
  for (const q of questions) {
    const key = tokens(q.text).join(" ");
    const at = q.askedAt.getTime();
    const seen = byWording.get(key);
    if (!seen) byWording.set(key, { text: q.text, count: 1, first: at });
    else {
      seen.count++;
      if (at < seen.first) Object.assign(seen, { text: q.text, first: at });
    }
  }
  let best: { text: string; count: number; first: number } | undefined;
  for (const w of byWording.values())
    if (!best || w.count > best.count || (w.count === best.count && w.first < best.first)) best = w;
  return best?.text.trim() ?? "";
}
