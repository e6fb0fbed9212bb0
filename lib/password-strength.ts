import { ZxcvbnFactory } from "@zxcvbn-ts/core";
import * as common from "@zxcvbn-ts/language-common";
import * as en from "@zxcvbn-ts/language-en";

/** zxcvbn's scale: 3 is "safely unguessable: moderate protection from offline slow-hash scenario". */
export const MIN_PASSWORD_SCORE = 3;

let estimator: ZxcvbnFactory | undefined;

/**
 * zxcvbn-ts (a maintained port of Dropbox's estimator) with its common-password, name and English
 * word lists, keyboard patterns and l33t substitutions. Built on first use: the lists are large.
 */
function zxcvbn(): ZxcvbnFactory {
  estimator ??= new ZxcvbnFactory({
    translations: en.translations,
    graphs: common.adjacencyGraphs,
    dictionary: { ...common.dictionary, ...en.dictionary },
  });
  return estimator;
}

/**
 * How guessable a password is, given words of the person's own (email, name, workspace) that an
 * attacker would try first. `problem` is a sentence to show when it is too weak.
 */
export function passwordStrength(
  password: string,
  userInputs: string[] = [],
): { score: number; ok: boolean; problem?: string } {
  // Each detail whole, its words, and run together ("jane.doe@acme.example": jane, doe, janedoe, …).
  const inputs = userInputs
    .flatMap((s) => {
      const lower = s.toLowerCase();
      const local = lower.split("@")[0]!;
      return [
        lower,
        local,
        local.replace(/[^\p{L}\p{N}]+/gu, ""),
        lower.replace(/[^\p{L}\p{N}]+/gu, ""),
        ...lower.split(/[^\p{L}\p{N}]+/u),
      ];
    })
    .filter((s, i, all) => s.length > 2 && all.indexOf(s) === i);
  const result = zxcvbn().check(password.slice(0, 100), inputs); // the estimate's cost grows with length
  if (result.score >= MIN_PASSWORD_SCORE) return { score: result.score, ok: true };
  const hint = [result.feedback.warning, ...result.feedback.suggestions].filter(Boolean).join(" ");
  return {
    score: result.score,
    ok: false,
    problem: `That password is too common or too easy to guess; choose another.${hint ? ` ${hint}` : ""}`,
  };
}
