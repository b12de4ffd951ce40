// The kind of a prompt, for the router-quality read model: its form (code, mathematics, a
// multiple-choice question, or plain chat) and its difficulty band. Cheap and pure, so it can be
// computed on every request and replayed from history.

export const promptForms = ['code', 'math', 'choice', 'chat'] as const;
export type PromptForm = (typeof promptForms)[number];

export const difficultyBands = ['easy', 'medium', 'hard'] as const;
export type DifficultyBand = (typeof difficultyBands)[number];

const codeCue = /```|\b(function|def|class|return|import|const|SELECT|#include)\b|[{};]\s*\n/;
const mathCue = /\\(frac|sqrt|sum|int)|\$[^$]+\$|\d\s*[-+*/^=]\s*\d|\b(solve|equation|integral|derivative|probability)\b/i;
const choiceCue = /\n\(?[A-D][.)]\s/;

export function promptForm(text: string): PromptForm {
  const sample = text.length > 8_000 ? text.slice(0, 8_000) : text;
  if (codeCue.test(sample)) return 'code';
  if (choiceCue.test(sample)) return 'choice';
  if (mathCue.test(sample)) return 'math';
  return 'chat';
}

/** Bands of the difficulty score (the expected share of bad answers from a typical model). */
export function difficultyBand(difficultyScore: number): DifficultyBand {
  if (difficultyScore < 0.2) return 'easy';
  if (difficultyScore < 0.4) return 'medium';
  return 'hard';
}

/** For example "math/hard". */
export function promptKind(text: string, difficultyScore: number): string {
  return `${promptForm(text)}/${difficultyBand(difficultyScore)}`;
}
