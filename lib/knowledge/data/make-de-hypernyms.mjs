// Regenerates de-hypernyms.json from OpenThesaurus's MyThes file (Debian package mythes-de):
//   apt-get install mythes-de && node lib/knowledge/data/make-de-hypernyms.mjs
// For each noun of the thesaurus, the one-word nouns its meanings name as their "Oberbegriff" (hypernym).
import fs from "node:fs";

const source = process.argv[2] ?? "/usr/share/mythes/th_de_DE_v2.dat";
const lines = fs.readFileSync(source, "utf8").split("\n");
const noun = /^\p{Lu}\p{Ll}+$/u;
const plain = (entry) => entry.replace(/\s*\([^)]*\)/g, "").trim();
const hypernyms = new Map();
for (let i = 1; i < lines.length;) {
  const [head, count] = lines[i].split("|");
  const n = Number(count);
  if (!head || !Number.isInteger(n) || head.startsWith("-") || !/^\p{Ll}+$/u.test(head)) {
    i++;
    continue;
  }
  for (const line of lines.slice(i + 1, i + 1 + n)) {
    const entries = line.split("|").slice(1);
    const words = entries.filter((e) => !e.includes("(Oberbegriff)") && !e.includes("(Unterbegriff)")).map(plain);
    // A meaning of the noun itself, not of a phrase it appears in.
    if (!words.some((w) => w.toLowerCase() === head && noun.test(w))) continue;
    for (const e of entries.filter((e) => e.includes("(Oberbegriff)")).map(plain))
      if (noun.test(e) && e.toLowerCase() !== head) {
        if (!hypernyms.has(head)) hypernyms.set(head, new Set());
        hypernyms.get(head).add(e);
      }
  }
  i += n + 1;
}
const out = Object.fromEntries([...hypernyms].sort(([a], [b]) => (a < b ? -1 : 1)).map(([k, v]) => [k, [...v].sort()]));
fs.writeFileSync(new URL("./de-hypernyms.json", import.meta.url), `${JSON.stringify(out)}\n`);
console.log(`${hypernyms.size} nouns`);
