import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { queryRows, type DbHandle } from "@/db";
import { createUserWithWorkspace } from "@/db/queries/accounts";
import { createBot, updateBot } from "@/db/queries/bots";
import { insertSource } from "@/db/queries/knowledge";
import type { Bot } from "@/db/schema";
import { processNextSource } from "@/lib/knowledge/ingest";
import { answerBuiltin } from "@/lib/engine/builtin";
import {
  ALTERNATIVE_FIX_WEIGHT,
  COMPOUND_WEIGHT,
  FORM_WEIGHT,
  fullTextRetriever,
  HYPERNYM_WEIGHT,
} from "@/lib/knowledge/retrieve";
import { BIKE_SHOP } from "./fixtures/knowledge/bike-shop";
import { openTestDb } from "./db";

/**
 * Retrieval that survives how customers write (issue 17 items 1-3), through the real import and the
 * real retriever: typos corrected against the bot's own vocabulary, correct words left alone, related
 * words from WordNet limited to the bot's vocabulary, the owner's word list, and knowledge in French,
 * German and Spanish indexed and searched in its own language.
 */

let h: DbHandle;
let workspaceId: string;

beforeAll(async () => {
  process.env.PARLEY_LOG = "silent";
  h = await openTestDb();
  const made = await createUserWithWorkspace(h.db, {
    email: "lang@example.com",
    name: "L",
    passwordHash: "x",
    workspaceName: "Languages",
  });
  workspaceId = made!.workspace.id;
});
afterAll(async () => {
  await h.close();
});

async function botWith(name: string, docs: { title: string; text: string }[]): Promise<Bot> {
  const bot = await createBot(h.db, { workspaceId, name, actorUserId: null });
  for (const doc of docs)
    await insertSource(h.db, { workspaceId, botId: bot.id, kind: "text", title: doc.title, input: doc.text });
  while (await processNextSource(h.db)) {}
  return bot;
}

const ask = (bot: Bot, query: string, k = 3) => fullTextRetriever.retrieve(h.db, { botId: bot.id, query, k });

describe("typos", () => {
  it("corrects a misspelt question against the bot's vocabulary: “wat r ur openng hrs” finds the opening hours", async () => {
    const bot = await botWith("Typos", BIKE_SHOP);
    const { passages, analysis } = await ask(bot, "wat r ur openng hrs");
    expect(analysis.language).toBe("en");
    expect(analysis.corrected).toMatch(/\bopening\b/);
    expect(passages[0]?.title).toBe("Opening hours and location");

    const more = await ask(bot, "Is a helmt includd?");
    expect(more.analysis.corrected).toBe("Is a helmet included?");
    expect(more.passages[0]?.heading).toMatch(/Helmets/);
  });

  it("never corrects a correct word the knowledge lacks into a different word it has", async () => {
    const bot = await botWith("Rare words", [
      {
        title: "Courses",
        text: "# Cycling courses\n\nWe run cycling courses for beginners every Saturday morning in the park.",
      },
    ]);
    // "recycling" is two edits from "cycling" and shares most of its trigrams, but it is an English word.
    const rare = await ask(bot, "Do you accept recycling?");
    expect(rare.analysis.corrected).toBe("Do you accept recycling?");
    expect(rare.passages).toEqual([]);
    // A real typo of the same word is corrected.
    const typo = await ask(bot, "When are the cyclng courses?");
    expect(typo.analysis.corrected).toBe("When are the cycling courses?");
    // Also one that WordNet's inflection rules would take for a word ("cycleing" as cycle + ing).
    expect((await ask(bot, "When are the cycleing courses?")).analysis.corrected).toBe("When are the cycling courses?");
    expect(typo.passages[0]?.heading).toMatch(/Cycling courses/);
  });

  it("reads three typed letters as the four-letter word they leave one out of, but never an acronym", async () => {
    const bot = await botWith("Short slips", [
      { title: "Plans", text: "# Plans\n\nThe Free plan includes 100 responses a month. Paid plans start at $19." },
      { title: "Developers", text: "# SDKs\n\nOfficial SDKs exist for JavaScript and Python." },
    ]);
    const short = await ask(bot, "how many responses on the fre plan");
    expect(short.analysis.corrected).toBe("how many responses on the free plan");
    // "SDK" typed in capitals among lower-case words is an acronym, though "sdks" is one letter away.
    expect((await ask(bot, "Is there a Python SDK?")).analysis.corrected).toBe("Is there a Python SDK?");
  });
});

describe("slips", () => {
  it("fixes two swapped letters, and marks a lower-case non-word it cannot fix as a slip (names are not)", async () => {
    const bot = await botWith("Slips", [
      {
        title: "Developers",
        text: "# SDKs\n\nOfficial client libraries exist for JavaScript and Python. Our cleaning staff use Botox-free products.",
      },
    ]);
    // "pyhton" is two edits from "python" and shares too few trigrams for the similarity search.
    const swapped = await ask(bot, "do u have a pyhton shedual");
    expect(swapped.analysis.corrected).toBe("do u have a python shedual");
    expect(swapped.passages[0]?.heading).toMatch(/SDKs/);
    // "shedual" is no English word nor one slip from one: a slip, not a subject.
    expect(swapped.analysis.unrecognised).toEqual(["shedual"]);
    // "libary" is three edits from the page's "libraries", but one letter short of the English word "library",
    // which the engine meets in the page's form.
    const short = await ask(bot, "do u have a python libary");
    expect(short.analysis.corrected).toBe("do u have a python library");
    expect(short.analysis.unrecognised ?? []).toEqual([]);
    // A correct word the knowledge lacks, and a capitalised name, are not slips.
    const names = await ask(bot, "Are you HIPAA compliant or do you sell scooters?");
    expect(names.analysis.unrecognised ?? []).toEqual([]);
  });

  it("reads a word written in one where the knowledge writes two, and two where it writes one, as the knowledge's", async () => {
    const bot = await botWith("Joined and split", [
      { title: "Workshop", text: "# Tune-ups\n\nA full tune-up costs €49 and takes two days." },
      {
        title: "Kurse",
        text: "# Kurse\n\nDer Einsteigerkurs kostet 129 € für sechs Termine. Die 10er-Karte gilt 6 Monate.",
      },
      { title: "Shop", text: "# Shop\n\nWe sell city bikes and a tune kit for guitars." },
    ]);
    const split = await ask(bot, "whats the price of a tuneup");
    expect(split.analysis.corrected).toBe("whats the price of a tune-up");
    expect(split.passages[0]?.heading).toMatch(/Tune-ups/);
    const joined = await ask(bot, "was kostet der einsteiger kurs");
    expect(joined.analysis.corrected).toBe("was kostet der einsteigerkurs");
    expect(joined.passages[0]?.title).toBe("Kurse");
    // A German number in a compound, in words where the page writes digits.
    expect((await ask(bot, "wie lange gilt die zehnerkarte")).analysis.corrected).toBe("wie lange gilt die 10er-karte");
    // Words the knowledge writes apart stay apart.
    expect((await ask(bot, "do you sell city bikes")).analysis.corrected).toBe("do you sell city bikes");
  });

  it("reads a question's first word one letter short of a question word as that word, before what follows one", async () => {
    const bot = await botWith("Question words", [{ title: "Prices", text: "# Prices\n\nA tune-up costs €49." }]);
    // "wats" is an English word (temples), but at the start of a question, before "the", it is "what's".
    expect((await ask(bot, "wats the price of a tune-up")).analysis.corrected).toBe("what's the price of a tune-up");
    // "hats" one letter short of "whats", before no word that follows a question word: a subject.
    expect((await ask(bot, "hats for sale?")).analysis.corrected).toBe("hats for sale?");
  });

  it("reads a correct word the knowledge lacks that is a little word with two letters swapped as that word", async () => {
    const bot = await botWith("Swapped little words", [
      { title: "Whitening", text: "# Whitening\n\nHome whitening takes two to three weeks." },
    ]);
    // "dose" is an English word, but "does" with two letters swapped, and the knowledge never says "dose".
    const swapped = await ask(bot, "how long dose whitening take");
    expect(swapped.analysis.corrected).toBe("how long does whitening take");
    // Where the knowledge uses the word, it is the word.
    const dosing = await botWith("Dosing", [
      { title: "Fluoride", text: "# Fluoride\n\nOne dose of fluoride varnish protects for three months." },
    ]);
    expect((await ask(dosing, "how big is a dose of fluoride")).analysis.corrected).toBe(
      "how big is a dose of fluoride",
    );
  });
});

describe("slips of the fingers", () => {
  it("fixes a short word with one key's neighbour hit, which shares too few trigrams for the similarity search", async () => {
    const bot = await botWith("Neighbour keys", [
      { title: "Rooms", text: "# Rooms\n\nEvery room has a reading lamp and a desk." },
    ]);
    const slip = await ask(bot, "is there a reading lqmp in the rooms");
    expect(slip.analysis.corrected).toBe("is there a reading lamp in the rooms");
    expect(slip.passages[0]?.heading).toBe("Rooms");
    // A slip that makes another word, which the knowledge does not use: one key's neighbour from one it does.
    const tours = await botWith("Real-word slips", [
      { title: "Tours", text: "# Tours\n\nThe tour cost is €20 per person, and the boat leaves at ten." },
    ]);
    expect((await ask(tours, "what is the tour coat per person")).analysis.corrected).toBe(
      "what is the tour cost per person",
    );
    // Two slips from it ("cart"), or none the knowledge uses: the word stays.
    expect((await ask(tours, "is there a cart per person")).analysis.corrected).toBe("is there a cart per person");
    // What is searched for is the question, not the greeting, the announcement of it or the thanks around it.
    const polite = await ask(bot, "Hello! Short question: is there a desk in the rooms? Thanks a lot!");
    expect(polite.analysis.corrected).toBe("is there a desk in the rooms?");
  });

  it("searches the other words as near a typo beside its fix: the passage with the question's other words decides", async () => {
    const bot = await botWith("Tied fixes", [
      { title: "Breaks", text: "# Breaks\n\nThe office takes a short pause at noon, and the phones ring through." },
      { title: "The house", text: "# The house\n\nA night in the old house costs €90 for two guests." },
    ]);
    // "hause" is one edit from "house" and from "pause": whichever is the fix, the other is searched beside it.
    const question = "how much is a night in the old hause";
    const tied = await ask(bot, question);
    const fix = /\b(house|pause)\b/.exec(tied.analysis.corrected)?.[1];
    const other = fix === "house" ? "pause" : "house";
    expect(fix).toBeDefined();
    expect(tied.analysis.related).toContainEqual({ word: other, for: fix, weight: ALTERNATIVE_FIX_WEIGHT });
    expect(tied.passages[0]?.heading).toBe("The house");
    const reply = answerBuiltin({
      bot: { name: "Ed", instructions: "", welcomeMessage: "", fallbackMessage: "" },
      message: question,
      history: [],
      passages: tied.passages,
      analysis: tied.analysis,
    }).reply;
    expect(reply).toContain("€90 for two guests");
  });

  it("reads a non-word one slip from a word of the language as that word, and knows names in lower case", async () => {
    const bot = await botWith("Dictionary slips", [
      { title: "Shop", text: "# Shop\n\nWe sell carpets and rugs, and deliver across Europe." },
    ]);
    // A question about something the knowledge lacks, misspelt: a subject it lacks, not a slip to look past.
    const absent = await ask(bot, "do you offer massgaes");
    expect(absent.analysis.corrected).toBe("do you offer massages");
    expect(absent.analysis.unrecognised ?? []).toEqual([]);
    // One slip from the language's word beats a word of the knowledge two edits away.
    expect((await ask(bot, "how big is your largest carpey")).analysis.corrected).toBe(
      "how big is your largest carpet",
    );
    // A name keeps its capital.
    expect((await ask(bot, "Do you deliver to Itlay?")).analysis.corrected).toBe("Do you deliver to Italy?");
    // Typed in lower case, a word the dictionary writes only with a capital is still a name, for the engine.
    expect((await ask(bot, "do you deliver to norway")).analysis.names).toEqual(["norway"]);
    expect((await ask(bot, "do you deliver carpets")).analysis.names).toBeUndefined();
  });

  it("reads a letter typed twice as once before any other word, and leaves a clipped word alone", async () => {
    const bot = await botWith("Doubled and clipped", [
      {
        title: "Maison",
        text: "# La maison\n\nUn bâtiment ancien, une maison ancienne. Des vélos sont disponibles à l'accueil.",
      },
    ]);
    expect((await ask(bot, "le bâtiment est ancienn ?")).analysis.corrected).toBe("le bâtiment est ancien ?");
    // "dispo" is the start of the knowledge's "disponibles", as people clip words in chat, not a slip of "dispos".
    expect((await ask(bot, "des velos dispo a l'accueil ?")).analysis.corrected).toMatch(/\bdispo\b/);
  });
});

describe("related words", () => {
  const FAMILY = [
    {
      title: "Families",
      text: "# Families\n\nChildren under twelve ride free when they come with an adult. We lend child seats and small helmets.",
    },
    { title: "Parking", text: "# Parking\n\nCars can park in the garage behind the shop for five euros a day." },
  ];

  it("finds “children” for “kids”, from WordNet, at reduced weight", async () => {
    const bot = await botWith("Kids", FAMILY);
    const { passages, analysis } = await ask(bot, "Can my kids ride for free?");
    expect(passages[0]?.title).toBe("Families");
    const children = analysis.related.find((r) => r.word === "children");
    expect(children).toMatchObject({ for: "kids" });
    expect(children!.weight).toBeLessThan(1);
  });

  it("reads a word used as a verb as a verb: no subject, and only its verb senses' related words", async () => {
    const bot = await botWith("Verbs", FAMILY);
    // "store" as a noun is a shop; "Can I store…" keeps something.
    const stored = await ask(bot, "Can I store my bike in the shop?");
    expect(stored.analysis.subject).toContainEqual({ word: "store", weight: 0 });
    expect(stored.analysis.related.filter((r) => r.for === "store")).toEqual([]);
    const noun = await ask(bot, "Is there a bike store near the garage?");
    expect(noun.analysis.related).toContainEqual({ word: "shop", for: "store", weight: expect.any(Number) });
  });

  it("finds the countries a page names for “Which countries…?”, from WordNet's instances of the kind", async () => {
    const bot = await botWith("Kinds", [
      {
        title: "Parcels",
        text: "# Parcels\n\nWe send parcels to Norway, Sweden and Denmark. Parcels are packed in recycled boxes.",
      },
      { title: "Boxes", text: "# Boxes\n\nGift boxes cost three euros and can be collected in the shop." },
    ]);
    const { passages, analysis } = await ask(bot, "Which countries can you reach?");
    expect(passages[0]?.title).toBe("Parcels");
    expect(analysis.related).toContainEqual({ word: "norway", for: "countries", weight: expect.any(Number) });
    // Only the names the knowledge uses, and none for a question that asks for no kind.
    expect(analysis.related.map((r) => r.word)).not.toContain("france");
    expect((await ask(bot, "Can you reach me?")).analysis.related.map((r) => r.word)).not.toContain("norway");
  });

  it("only adds related words that the bot's own knowledge holds", async () => {
    const bot = await botWith("Kids only", FAMILY);
    const { analysis } = await ask(bot, "Can my kids ride for free?");
    expect(analysis.related.length).toBeGreaterThan(0);
    const words = await queryRows<{ word: string }>(
      h.db,
      sql`select word from knowledge_words where bot_id = ${bot.id}`,
    );
    const vocabulary = new Set(words.map((w) => w.word));
    // WordNet's synonyms of "kid" also include youngster, minor, nipper…: none of them is in this knowledge.
    expect(analysis.related.filter((r) => !vocabulary.has(r.word))).toEqual([]);
    expect(analysis.related.map((r) => r.word)).not.toContain("youngster");
  });

  it("uses the owner's “Words your customers use”, and an empty list changes nothing", async () => {
    const bot = await botWith("Owner words", BIKE_SHOP);
    const before = await ask(bot, "What's your address?");
    expect(before.passages).toEqual([]);
    await updateBot(h.db, {
      workspaceId,
      botId: bot.id,
      actorUserId: null,
      settings: { customerWords: "address, postal address = location\nmoney back = refund" },
    });
    const after = await ask(bot, "What's your address?");
    expect(after.passages[0]?.title).toBe("Opening hours and location");
    expect(after.analysis.related).toContainEqual({ word: "location", for: "address", weight: expect.any(Number) });
    // Emptied again, the list adds nothing.
    await updateBot(h.db, { workspaceId, botId: bot.id, actorUserId: null, settings: { customerWords: "" } });
    expect((await ask(bot, "What's your address?")).passages).toEqual([]);
  });
});

describe("languages", () => {
  const FRENCH = {
    title: "Informations pratiques",
    text: `# Horaires d'ouverture

Le magasin est ouvert du mardi au samedi, de neuf heures à dix-huit heures. Nous sommes fermés le dimanche et le lundi.

# Livraison

Nous livrons les vélos dans toute la France en trois à cinq jours ouvrables. La livraison est gratuite dès cent euros d'achat.`,
  };
  const GERMAN = {
    title: "Werkstatt",
    text: `# Reparaturen

Unsere Werkstatt repariert Fahrräder aller Marken. Eine Inspektion kostet neunundvierzig Euro und dauert zwei Werktage.

# Garantie

Auf alle Reparaturen geben wir sechs Monate Garantie auf Teile und Arbeit.`,
  };
  const SPANISH = {
    title: "Alquiler",
    text: `# Alquiler de bicicletas

Alquilamos bicicletas de ciudad por quince euros al día. Los cascos y los candados están incluidos en el precio.

# Devoluciones

Puede devolver una bicicleta nueva en un plazo de treinta días si no la ha usado.`,
  };

  it("indexes each source in its own language and finds it with a question in that language", async () => {
    const bot = await botWith("Multilingual", [FRENCH, GERMAN, SPANISH]);
    const langs = await queryRows<{ title: string; language: string; ts_config: string }>(
      h.db,
      sql`select distinct title, language, ts_config::text as ts_config from knowledge_chunks where bot_id = ${bot.id} order by title`,
    );
    expect(langs).toEqual([
      { title: "Alquiler", language: "es", ts_config: "spanish" },
      { title: "Informations pratiques", language: "fr", ts_config: "french" },
      { title: "Werkstatt", language: "de", ts_config: "german" },
    ]);

    const fr = await ask(bot, "Quels sont vos horaires le samedi ?");
    expect(fr.analysis.language).toBe("fr");
    expect(fr.passages[0]?.heading).toMatch(/Horaires/);
    // Parsed with the French stemmer: "France" meets "France", "livrez" the page's "livrons".
    const frStem = await ask(bot, "Est-ce que vous livrez partout en France ?");
    expect(frStem.passages[0]?.heading).toMatch(/Livraison/);

    const de = await ask(bot, "Wie lange dauert eine Inspektion in der Werkstatt?");
    expect(de.analysis.language).toBe("de");
    expect(de.passages[0]?.heading).toMatch(/Reparaturen/);

    const es = await ask(bot, "¿Cuánto cuesta alquilar una bicicleta de ciudad?");
    expect(es.analysis.language).toBe("es");
    expect(es.passages[0]?.heading).toMatch(/Alquiler de bicicletas/);
  });

  it("reads German typed without umlauts the way the language writes it then (ue for ü)", async () => {
    const bot = await botWith("German umlauts", [GERMAN]);
    // "Gebuehr" is no word, "gebühr" is; "ueber" is "über". Neither is "corrected" to a word of the knowledge.
    const { analysis } = await ask(bot, "Gibt es eine Gebuehr ueber die Inspektion hinaus?");
    expect(analysis.corrected).toBe("Gibt es eine Gebühr über die Inspektion hinaus?");
  });

  it("reads a German word typed in lower case, from a writer who capitalises nouns, as how the question is put", async () => {
    const bot = await botWith("German subject", [GERMAN]);
    // "buchen" (to book) is no word of the knowledge; "Inspektion" is capitalised, so "buchen" is a verb here.
    const put = await ask(bot, "Kann ich bei euch eine Inspektion buchen?");
    expect(put.analysis.language).toBe("de");
    expect(put.analysis.subject).toContainEqual({ word: "buchen", weight: 0 });
    // "Leihräder" (hire bikes), capitalised and unknown, stays what the question is about.
    const about = await ask(bot, "Habt ihr auch Leihräder für die Werkstatt?");
    expect(about.analysis.subject ?? []).not.toContainEqual(expect.objectContaining({ word: "leihräder" }));
    // From one who types all in lower case, the dictionary tells: it writes "überprüfen" only without a capital,
    // "Inspektion" only with one, and "buchen" both ways (Buchen, beeches), so that one stays undecided.
    const lower = await ask(bot, "könnt ihr bei der inspektion die bremsen überprüfen");
    expect(lower.analysis.subject).toEqual([{ word: "überprüfen", weight: 0 }]);
    expect((await ask(bot, "kann ich bei euch eine inspektion buchen")).analysis.subject ?? []).toEqual([]);
  });

  it("reads a word written by ear or without its accent as the word that sounds the same", async () => {
    const bot = await botWith("Spanish by ear", [
      SPANISH,
      {
        title: "Horario",
        text: "# Desayunos\n\nServimos huevos rotos y tostadas hasta las doce. Todos los postres son hechos en casa.",
      },
    ]);
    // "echo" is a word of the dictionary (a form of echar) the knowledge lacks; "hecho", which sounds the same, is
    // the knowledge's, in another form ("hechos").
    const made = await ask(bot, "¿El flan está echo en casa?");
    expect(made.analysis.corrected).toBe("¿El flan está hecho en casa?");
    expect(made.passages[0]?.heading).toMatch(/Desayunos/);
    // "kascos" and "estan" are no words; their sound-alikes are ("cascos" the knowledge's too, "están" by its accent).
    const helmets = await ask(bot, "los kascos estan incluidos?");
    expect(helmets.analysis.corrected).toBe("los cascos están incluidos?");
    // "abris" without its accent is "abrís"; "uevo", no word, is "huevo".
    expect((await ask(bot, "a que hora abris")).analysis.corrected).toBe("a que hora abrís");
    expect((await ask(bot, "teneis uevo frito")).analysis.corrected).toBe("teneis huevo frito");
    // A correct word whose sound-alike the knowledge does not use either stays as typed.
    expect((await ask(bot, "¿Vendéis vino?")).analysis.corrected).toBe("¿Vendéis vino?");
  });

  it("reads a French elision typed without its apostrophe as the article and the word", async () => {
    const bot = await botWith("French elision", [FRENCH]);
    const typed = await ask(bot, "c koi lhoraire du samedi");
    expect(typed.analysis.corrected).toBe("c koi l'horaire du samedi");
    expect(typed.passages[0]?.heading).toMatch(/Horaires/);
  });

  it("reads a French or Spanish adverb made from an adjective as how the question is put", async () => {
    const bot = await botWith("Adverbs", [FRENCH, SPANISH]);
    const fr = await ask(bot, "Vous livrez vraiment partout en France ?");
    expect(fr.analysis.manner).toEqual(["vraiment"]);
    const es = await ask(bot, "¿Qué incluye exactamente el alquiler de una bicicleta?");
    expect(es.analysis.manner).toEqual(["exactamente"]);
    // A noun with the same ending is what the question is about.
    expect((await ask(bot, "Le paiement se fait comment ?")).analysis.manner ?? []).toEqual([]);
  });

  it("reads a conjugated verb of French or Spanish as how the question is put, not a noun or an infinitive", async () => {
    const bot = await botWith("Verbs", [FRENCH, SPANISH]);
    const fr = await ask(bot, "Est-ce que vous livrez les chambres à air si on dort à Lyon ?");
    expect(fr.analysis.language).toBe("fr");
    expect(fr.analysis.subject).toContainEqual({ word: "dort", weight: 0 });
    expect(fr.analysis.subject ?? []).not.toContainEqual(expect.objectContaining({ word: "chambres" }));
    const es = await ask(bot, "¿Aceptáis reservas para alquilar bicicletas?");
    expect(es.analysis.language).toBe("es");
    expect(es.analysis.subject).toContainEqual({ word: "aceptáis", weight: 0 });
    for (const word of ["reservas", "alquilar", "bicicletas"])
      expect(es.analysis.subject ?? []).not.toContainEqual(expect.objectContaining({ word }));
    // An infinitive after a modal or motion verb is the verb the question is put with.
    const modal = await ask(bot, "¿Puedo alquilar una bicicleta de ciudad?");
    expect(modal.analysis.subject).toContainEqual({ word: "alquilar", weight: 0 });
    const mustPay = await ask(bot, "¿Hay que pagar el casco?");
    expect(mustPay.analysis.subject).toContainEqual({ word: "pagar", weight: 0 });
    const motion = await ask(bot, "On peut venir dîner le samedi ?");
    expect(motion.analysis.subject).toContainEqual({ word: "dîner", weight: 0 });
    // Which of its words the knowledge uses: "bicicleta" and "ciudad", not "alquilar" (it says "alquilamos").
    expect(modal.analysis.known).toEqual(expect.arrayContaining(["bicicleta", "ciudad"]));
    expect(modal.analysis.known).not.toContain("alquilar");
  });

  it("reads a question word with a letter left out after a greeting ('hey wat time…'), not a word of the knowledge", async () => {
    const bot = await botWith("Question word after a greeting", [
      { title: "Hours", text: "# Hours\n\nWe close at 17:00 on Saturdays. If you want a late pick-up, call us." },
    ]);
    const { analysis } = await ask(bot, "hey wat time do u close on saturday");
    expect(analysis.corrected).toBe("hey what time do u close on saturday");
  });

  it("lists English question words that are only adverbs, which say how the question is put", async () => {
    const bot = await botWith("Adverbs", [{ title: "Plans", text: "# Gold plan\n\nTwo lessons a month." }]);
    const { analysis } = await ask(bot, "What do I honestly get with the Gold plan, roughly?");
    expect(analysis.manner?.sort()).toEqual(["honestly", "roughly"]);
    // A word that is also a noun or an adjective is not one ("fast": quick, or to go without food).
    expect((await ask(bot, "How fast is the Gold plan?")).analysis.manner).toBeUndefined();
  });

  it("weighs an English question word as how the question is put even when the knowledge uses it elsewhere", async () => {
    const bot = await botWith("English subject", [
      { title: "Branding", text: "# Branding\n\nUpload your own logo and colours in Settings." },
      { title: "Domains", text: "# Domains\n\nThe Team plan can use a custom domain for its pages." },
    ]);
    // "own" is a word of the knowledge (the branding page), but an adjective: when the passages the engine is given
    // lack it ("a custom domain"), it must not weigh as a subject they miss.
    const { analysis } = await ask(bot, "Can I use my own domain on the Team plan?");
    expect(analysis.subject).toContainEqual({ word: "own", weight: 0 });
    // A noun stays the subject, and function words are not listed.
    expect(analysis.subject ?? []).not.toContainEqual(expect.objectContaining({ word: "domain" }));
    expect(analysis.subject ?? []).not.toContainEqual(expect.objectContaining({ word: "my" }));
  });

  it("meets another form of a question's verb through the language's dictionary, where the stemmer keeps them apart", async () => {
    const HOURS = {
      title: "Horario",
      text: `# Horario\n\nAbrimos de martes a sábado, de diez a ocho. Los lunes cerramos.\n\n# Reservas\n\nReservamos mesas por teléfono.`,
    };
    const bot = await botWith("Verb forms", [SPANISH, HOURS]);
    // "abrís" (you open, plural) and the page's "abrimos": Snowball's Spanish stemmer keeps them apart (abris, abrim).
    const es = await ask(bot, "¿Abrís los sábados?");
    expect(es.analysis.language).toBe("es");
    expect(es.analysis.related).toContainEqual({ word: "abrimos", for: "abrís", weight: FORM_WEIGHT });
    // "sábados" for the page's "sábado" too; only forms that the bot's knowledge holds ("abre" is not there).
    expect(es.analysis.related).toContainEqual({ word: "sábado", for: "sábados", weight: FORM_WEIGHT });
    expect(es.analysis.related.map((r) => r.word).sort()).toEqual(["abrimos", "sábado"]);
    expect(es.passages[0]?.heading).toMatch(/Horario/);
    // A follow-up borrows the earlier turn's words: their forms are looked up too.
    const followUp = await fullTextRetriever.retrieve(h.db, {
      botId: bot.id,
      query: "¿Y los lunes?",
      context: "¿Abrís los sábados?",
      k: 3,
    });
    expect(followUp.analysis.related).toContainEqual({ word: "abrimos", for: "abrís", weight: FORM_WEIGHT });
  });

  it("meets another form of a verb the knowledge uses elsewhere, where the answer says it in that form", async () => {
    const bot = await botWith("Forms of a known word", [
      SPANISH,
      { title: "Horario", text: "# Horario\n\nLos lunes el restaurante está cerrado." },
      { title: "Cocina", text: "# Cocina\n\nLa cocina cierra a las once de la noche." },
    ]);
    // "cierra" is a word of the knowledge (the kitchen), but the day it is closed is said as "cerrado".
    const { analysis, passages } = await ask(bot, "¿Qué día cierra el restaurante?");
    expect(analysis.related).toContainEqual({ word: "cerrado", for: "cierra", weight: FORM_WEIGHT });
    expect(passages[0]?.heading).toMatch(/Horario/);
  });

  it("finds a German compound for its last part, where the knowledge never says the part alone", async () => {
    const SHOP = {
      title: "Sortiment",
      text: `# Schirme

Wir verkaufen Regenschirme und Sonnenschirme aus recyceltem Material, ab 19 Euro.

# Taschen

Unsere Rucksäcke sind wasserdicht und haben ein Laptopfach.`,
    };
    const bot = await botWith("Compounds", [SHOP, GERMAN]);
    // "Schirm" is no word of the knowledge; "Regenschirme" and "Sonnenschirme" are kinds of it.
    const found = await ask(bot, "Habt ihr einen Schirm für mich?");
    expect(found.analysis.language).toBe("de");
    expect(found.analysis.related).toContainEqual({ word: "regenschirme", for: "schirm", weight: COMPOUND_WEIGHT });
    expect(found.passages[0]?.heading).toMatch(/Schirme/);
    // A function word is no part of a compound: "muss" (must) of "Apfelmus".
    const dessert = await botWith("Compounds and function words", [
      { title: "Nachtisch", text: "# Nachtisch\n\nZum Kaiserschmarrn gibt es hausgemachtes Apfelmus." },
      GERMAN,
    ]);
    const modal = await ask(dessert, "Muss ich für den Nachtisch extra zahlen?");
    expect(modal.analysis.related.map((r) => r.word)).not.toContain("apfelmus");
    // Not in a language that writes compounds apart: an English bot's "umbrellas" are no kind of "brella".
    const english = await botWith("No compounds", [
      { title: "Shop", text: "# Shop\n\nWe sell umbrellas and parasols." },
    ]);
    const none = await ask(english, "Do you sell a brella?");
    expect(none.analysis.related.filter((r) => r.weight === COMPOUND_WEIGHT)).toEqual([]);
  });

  it("finds the kind a German noun names ('Tiere' for 'Hund', through 'Haustier'), from OpenThesaurus", async () => {
    const RULES = {
      title: "Hausordnung",
      text: `# Hausordnung

Bitte lass große Taschen an der Garderobe. Tiere dürfen leider nicht in den Laden.

# Parken

Fahrräder kannst du im Hof abstellen.`,
    };
    const bot = await botWith("Kinds", [RULES, GERMAN]);
    const found = await ask(bot, "Darf ich meinen Hund mitbringen?");
    expect(found.analysis.related).toContainEqual({ word: "tiere", for: "hund", weight: HYPERNYM_WEIGHT });
    expect(found.passages[0]?.heading).toBe("Hausordnung");
    // Only the knowledge's words: nothing about parking for a dog.
    expect(found.analysis.related.map((r) => r.word)).not.toContain("hof");
  });

  it("in a follow-up, searches for the earlier subject rather than for the kind of value asked ('¿En qué meses?')", async () => {
    const MENU = {
      title: "Carta",
      text: `# Temporada

Las ostras solo se sirven de octubre a marzo.

# Comedor

En el comedor caben 20 mesas. Tenemos menú del día.

# Terraza

Las mesas de la terraza no se reservan. Tenemos estufas en invierno.

# Horario

Abrimos de martes a domingo, de 13:00 a 16:00.

# Pago

Aceptamos tarjeta y efectivo.

# Alergias

Indícanos tus alergias al reservar.`,
    };
    const bot = await botWith("Follow-up value words", [MENU]);
    const followUp = await fullTextRetriever.retrieve(h.db, {
      botId: bot.id,
      query: "¿En qué meses?",
      context: "¿Tenéis ostras?",
      k: 3,
    });
    expect(followUp.analysis.language).toBe("es");
    // "meses" and "mesas" stem alike ("mes"), and "mesas" is also a dictionary form of "meses" (of the verb "mesar"):
    // neither may outweigh the oysters of the earlier turn. Nor are a function word's forms searched ("tenéis").
    expect(followUp.analysis.related.map((r) => r.word)).not.toContain("mesas");
    expect(followUp.analysis.related.map((r) => r.word)).not.toContain("tenemos");
    expect(followUp.passages[0]?.content).toMatch(/ostras/);
  });

  it("takes a question too short to tell in the bot's language setting, or the knowledge's with “auto”", async () => {
    const bot = await botWith("Short questions", [FRENCH]);
    expect((await ask(bot, "horaires ?")).analysis.language).toBe("fr"); // auto: the knowledge is French
    await updateBot(h.db, { workspaceId, botId: bot.id, actorUserId: null, settings: { language: "de" } });
    expect((await ask(bot, "horaires ?")).analysis.language).toBe("de");
    // Still found: the question is parsed with the knowledge's configuration too.
    expect((await ask(bot, "horaires ?")).passages[0]?.heading).toMatch(/Horaires/);
  });
});
