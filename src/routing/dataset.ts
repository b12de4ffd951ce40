// Labelled routing datasets in the RouteLLM layout (prompt column, then one True/False column
// per model, cheapest first), decontamination and the fixed split. Pure: callers read files.
import { parseCsv } from './csv.ts';
import { hashString } from './hashing.ts';
import type { RatedRequest } from './parameters.ts';

export type LabelledPrompt = {
  readonly prompt: string;
  /** Model id -> whether that model answered correctly, in the file's column order. */
  readonly outcomes: readonly (readonly [modelId: string, correct: boolean])[];
};

export type DatasetError = { readonly code: 'dataset_malformed'; readonly message: string };

export function parseLabelledCsv(text: string, sourceName: string): { ok: true; prompts: LabelledPrompt[] } | { ok: false; error: DatasetError } {
  const parsed = parseCsv(text);
  if (!parsed.ok) return { ok: false, error: { code: 'dataset_malformed', message: `${sourceName}: ${parsed.error.message}` } };
  const [header, ...records] = parsed.rows;
  if (header === undefined || header.length < 3 || header[0] !== 'prompt') {
    return { ok: false, error: { code: 'dataset_malformed', message: `${sourceName}: header must be prompt,<weak model>,...,<strong model>` } };
  }
  const modelIds = header.slice(1);
  const prompts: LabelledPrompt[] = [];
  for (const [recordIndex, record] of records.entries()) {
    if (record.length !== header.length) {
      return { ok: false, error: { code: 'dataset_malformed', message: `${sourceName}: record ${recordIndex + 1} has ${record.length} fields` } };
    }
    const outcomes = modelIds.map((modelId, column) => [modelId, record[column + 1] === 'True'] as const);
    prompts.push({ prompt: record[0] as string, outcomes });
  }
  return { ok: true, prompts };
}

/** Prompt texts listed in a contamination file (JSON lines with an `eval_prompt` field). */
export function parseContaminatedPrompts(jsonLines: string): Set<string> {
  const prompts = new Set<string>();
  for (const line of jsonLines.split('\n')) {
    if (line.trim() === '') continue;
    const value: unknown = JSON.parse(line);
    if (typeof value === 'object' && value !== null && 'eval_prompt' in value && typeof value.eval_prompt === 'string') {
      prompts.add(value.eval_prompt);
    }
  }
  return prompts;
}

export const splitSeed = 0x4c554d45;

/** Fixed 50/50 split by a seeded hash of the prompt text: the same prompt always lands on the same side. */
export function isTrainingPrompt(prompt: string): boolean {
  return hashString(prompt, splitSeed) % 2 === 0;
}

/** Correctness stands in for a caller's rating: right -> 5 (best), wrong -> 1 (worst). */
export function ratingFromCorrectness(correct: boolean): number {
  return correct ? 5 : 1;
}

/** The labelled prompts as the ledger would hold them: one rated request per model and prompt. */
export function ratedRequestsFromLabelledPrompts(prompts: readonly LabelledPrompt[]): RatedRequest[] {
  return prompts.flatMap((labelled) =>
    labelled.outcomes.map(([modelId, correct]) => ({ promptText: labelled.prompt, modelId, rating: ratingFromCorrectness(correct) })),
  );
}
