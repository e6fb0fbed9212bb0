// The two language packages ship JavaScript only; these are the parts Parley uses.

declare module "snowball-stemmers" {
  /** A Snowball stemmer for an algorithm name such as "english", "french", "german" or "spanish". */
  export function newStemmer(algorithm: string): { stem(word: string): string };
  export function algorithms(): string[];
}

declare module "stopword" {
  /** Stopword lists keyed by ISO 639-3 code. */
  export const eng: string[];
  export const fra: string[];
  export const deu: string[];
  export const spa: string[];
  export const ita: string[];
  export const por: string[];
  export const nld: string[];
  export const swe: string[];
  export const dan: string[];
  export const nob: string[];
  export const fin: string[];
  export const rus: string[];
  export const tur: string[];
  export const hun: string[];
  export const ron: string[];
  export const cat: string[];
  export function removeStopwords(tokens: string[], stopwords?: string[]): string[];
}
