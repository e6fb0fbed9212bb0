/**
 * The languages a bot can be set to (those PostgreSQL stems: lib/language.ts maps each code to its text
 * search configuration), for questions too short to tell. "auto" takes the knowledge's main language.
 */
export const BOT_LANGUAGES: readonly [code: string, name: string][] = [
  ["ar", "Arabic"],
  ["hy", "Armenian"],
  ["eu", "Basque"],
  ["ca", "Catalan"],
  ["da", "Danish"],
  ["nl", "Dutch"],
  ["en", "English"],
  ["fi", "Finnish"],
  ["fr", "French"],
  ["de", "German"],
  ["el", "Greek"],
  ["hi", "Hindi"],
  ["hu", "Hungarian"],
  ["id", "Indonesian"],
  ["ga", "Irish"],
  ["it", "Italian"],
  ["lt", "Lithuanian"],
  ["ne", "Nepali"],
  ["no", "Norwegian"],
  ["pt", "Portuguese"],
  ["ro", "Romanian"],
  ["ru", "Russian"],
  ["sr", "Serbian"],
  ["es", "Spanish"],
  ["sv", "Swedish"],
  ["ta", "Tamil"],
  ["tr", "Turkish"],
  ["yi", "Yiddish"],
];
