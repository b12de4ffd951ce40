// A retune, as a pure function of what was read: the latest rating of every request joined with
// its kept features, plus labelled seed rows, fitted through `fitRouterVersion` (the one fit
// path, so the version is named by its history), and compared with the live version on the
// same history. The caller reads the ledger, prints the report and publishes on confirmation.
import type { FittedHistory } from './bootstrap.ts';
import { counterfactualReport, type CounterfactualReport } from './counterfactual.ts';
import type { LabelledPrompt } from './dataset.ts';
import { featureVersion, type PromptFeatures } from './features.ts';
import type { FitOptions } from './fit.ts';
import type { RatedRequest, RouterParameters } from './parameters.ts';
import { ledgerHistory, replayableDecisions, type DecisionFact, type KeptFeatures, type RatingFact } from './retune-inputs.ts';
import { fitRouterVersion, seedHistory } from './versioning.ts';

export type RetuneInput = {
  /** ResponseRated and RoutingDecided payloads, each in log order. */
  readonly ratings: readonly RatingFact[];
  readonly decisions: readonly DecisionFact[];
  /** Kept prompt features by request id. */
  readonly kept: ReadonlyMap<string, KeptFeatures>;
  /** The digest RoutingDecided records for the features it was decided on. */
  readonly digestOf: (features: PromptFeatures) => string;
  readonly seed: readonly LabelledPrompt[];
  /** The version the new one would replace; undefined when none is published. */
  readonly live: RouterParameters | undefined;
  readonly fitOptions?: Partial<FitOptions>;
};

export type RetuneReport = CounterfactualReport & {
  new_version: string;
  live_version: string | null;
  feature_version: string;
  history_sha256: string;
  ledger_ratings: number;
  superseded_ratings: number;
  ratings_without_features: number;
  ratings_other_feature_version: number;
  seed_rows: number;
  prompts: number;
  terms: number;
  decisions_without_features: number;
  decisions_not_routed: number;
  decisions_not_executed: number;
};

export type RetuneResult =
  | { readonly ok: true; readonly parameters: RouterParameters; readonly history: FittedHistory; readonly report: RetuneReport }
  | { readonly ok: false; readonly code: 'empty_history'; readonly message: string };

export function retuneRouter(input: RetuneInput): RetuneResult {
  const ledger = ledgerHistory(input.ratings, input.kept);
  const seedRows = seedHistory(input.seed);
  const history: RatedRequest[] = [
    ...ledger.rows.map(({ features, modelId, rating }) => ({ features, modelId, rating })),
    ...seedRows,
  ];
  if (history.length === 0) {
    return { ok: false, code: 'empty_history', message: 'nothing to fit: no rated request has kept features, and no seed rows were given' };
  }
  const { parameters, historySha256 } = fitRouterVersion(history, 'retune', input.fitOptions);
  const replay = replayableDecisions(input.decisions, input.kept, input.digestOf);
  // A live version fitted on other features cannot predict from these; it is named but not compared.
  const comparable = input.live?.featureVersion === featureVersion ? input.live : undefined;
  const comparison = counterfactualReport(comparable, parameters, replay.decisions, ledger.rows);
  const report: RetuneReport = {
    new_version: parameters.version,
    live_version: input.live?.version ?? null,
    feature_version: featureVersion,
    history_sha256: historySha256,
    ledger_ratings: ledger.rows.length,
    superseded_ratings: ledger.superseded,
    ratings_without_features: ledger.withoutFeatures,
    ratings_other_feature_version: ledger.otherFeatureVersion,
    seed_rows: seedRows.length,
    prompts: parameters.promptCount,
    terms: parameters.terms.length,
    decisions_without_features: replay.withoutFeatures,
    decisions_not_routed: replay.notRouted,
    decisions_not_executed: replay.notExecuted,
    ...comparison,
  };
  return { ok: true, parameters, report,
    history: { ledgerRatings: ledger.rows.length, seedRows: seedRows.length, prompts: parameters.promptCount, historySha256 } };
}
