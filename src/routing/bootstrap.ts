// The router version a new gateway starts with: fitted by scripts/fit-bootstrap-router.ts from
// the labelled MMLU data (seed profiles for the nano and mid tiers, see versioning.ts) and
// shipped as JSON. The vocabulary is capped so the file stays small; retunes are not capped.
import { readFileSync } from 'node:fs';
import type { FitOptions } from './fit.ts';
import type { RouterParameters } from './parameters.ts';

export const bootstrapFitOptions: Partial<FitOptions> = { maximumTerms: 20_000 };

export type FittedHistory = { ledgerRatings: number; seedRows: number; prompts: number; historySha256: string };

let loaded: { parameters: RouterParameters; history: FittedHistory } | undefined;

/** The shipped parameters and what they were fitted on. */
export function bootstrapRouter(): { parameters: RouterParameters; history: FittedHistory } {
  if (loaded === undefined) {
    const body = readFileSync(new URL('./bootstrap-router.json', import.meta.url), 'utf8');
    const history = JSON.parse(readFileSync(new URL('./bootstrap-router.history.json', import.meta.url), 'utf8')) as FittedHistory;
    loaded = { parameters: JSON.parse(body) as RouterParameters, history };
  }
  return loaded;
}
