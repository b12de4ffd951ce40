// `lumen router retune`: the I/O around src/routing/retune.ts. Opens the store the way the
// gateway does (DATABASE_URL, else the embedded store in LUMEN_DATA_DIR), reads the ledger's
// ratings and decisions with their kept features, loads the seed CSVs, prints the report as one
// JSON line (and a summary for people on stderr), and publishes the version only with --yes.
import { join } from 'node:path';
import { loadSettings } from '../config/settings.ts';
import { validateEventPayload } from '../domain/events.ts';
import { readRoutingHistory, liveVersion } from '../gateway/router-history.ts';
import { featuresSha256, RouterStore } from '../gateway/router-store.ts';
import { publishRouterVersion, type PublishedVersion } from '../gateway/router-versions.ts';
import type { EventStore } from '../ledger/event-store.ts';
import { openStore } from '../ledger/open-store.ts';
import type { LabelledPrompt } from '../routing/dataset.ts';
import { dataFiles, loadContaminated, loadLabelledFiles } from './router-eval.ts';
import type { FitOptions } from '../routing/fit.ts';
import { retuneRouter, type RetuneReport, type RetuneResult } from '../routing/retune.ts';
import type { RetuneOptions } from './router-command.ts';

export type RetuneIo = {
  readonly write: (text: string) => void;
  readonly writeError: (text: string) => void;
  readonly environment: NodeJS.ProcessEnv;
};

/** Every labelled CSV of the folder, without the prompts its contamination list names. */
export async function loadSeedPrompts(directory: string): Promise<LabelledPrompt[]> {
  const contaminated = await loadContaminated(join(directory, 'contaminated_prompts.jsonl'));
  const files = await dataFiles(directory);
  if (files.length === 0) throw new Error(`--seed ${directory} holds no .csv files`);
  return loadLabelledFiles(files, contaminated);
}

export type StoreRetune = {
  result: RetuneResult;
  /** The version now live, when publishing was asked for. */
  published: PublishedVersion | undefined;
  /** The fit gave exactly the live parameters, so publishing appended nothing. */
  alreadyLive: boolean;
};

/** Reads, fits and compares against an open store; publishes when asked. */
export async function retuneFromStore(store: EventStore, routerStore: RouterStore,
  input: { seed: readonly LabelledPrompt[]; fitOptions: Partial<FitOptions>; publish: boolean }): Promise<StoreRetune> {
  const history = await readRoutingHistory(store, routerStore);
  const live = await liveVersion(store, routerStore);
  const result = retuneRouter({ ...history, digestOf: featuresSha256, seed: input.seed, live: live.parameters, fitOptions: input.fitOptions });
  if (!result.ok || !input.publish) return { result, published: undefined, alreadyLive: false };
  const published = await publishRouterVersion(store, routerStore, { parameters: result.parameters, source: 'retune',
    history: result.history, report: result.report });
  return { result, published, alreadyLive: published.parametersSha256 === live.published?.parametersSha256 };
}

function formatNumber(value: number | string | null): string {
  return value === null ? 'n/a' : String(value);
}

/** The report for people: what was read, what changes, what the fit predicts. */
export function describeReport(report: RetuneReport): string {
  return [
    `read ${report.ledger_ratings} rated requests (${report.superseded_ratings} superseded ratings dropped, `
      + `${report.ratings_without_features} without kept features, ${report.ratings_other_feature_version} of another feature version) `
      + `and ${report.seed_rows} seed rows: ${report.prompts} prompts, ${report.terms} terms`,
    `${report.new_version} against live ${formatNumber(report.live_version)}: ${formatNumber(report.decisions_changed)} of `
      + `${report.decisions_replayed} replayed decisions change (${report.decisions_without_features} without features, `
      + `${report.decisions_not_routed} not routed, ${report.decisions_not_executed} not executed)`,
    `  estimated cost of the choices (micro-dollars): live ${formatNumber(report.live_total_estimated_cost_micros)}, `
      + `new ${report.new_total_estimated_cost_micros}, recorded ${report.recorded_total_estimated_cost_micros}`,
    `  mean predicted quality of the choices: live ${formatNumber(report.live_mean_predicted_quality)}, `
      + `new ${formatNumber(report.new_mean_predicted_quality)}`,
    `  rated requests (seen by the new fit): log-loss live ${formatNumber(report.live_rated_log_loss)}, `
      + `new ${formatNumber(report.new_rated_log_loss)}; accuracy live ${formatNumber(report.live_rated_accuracy)}, `
      + `new ${formatNumber(report.new_rated_accuracy)}`,
  ].join('\n');
}

export async function routerRetune(options: RetuneOptions, io: RetuneIo): Promise<number> {
  const settings = loadSettings(io.environment);
  const seed = options.seedDirectory === undefined ? [] : await loadSeedPrompts(options.seedDirectory);
  const { store, sql } = await openStore(settings.store, validateEventPayload);
  const routerStore = new RouterStore(sql);
  try {
    const { result, published, alreadyLive } = await retuneFromStore(store, routerStore, { seed, fitOptions: options.fitOptions, publish: options.publish });
    if (!result.ok) {
      io.writeError(`lumen router retune: ${result.message}\n`);
      return 1;
    }
    io.write(`${JSON.stringify(result.report)}\n`);
    io.writeError(`${describeReport(result.report)}\n`);
    if (published === undefined) {
      io.writeError(`dry run: nothing published. To publish ${result.parameters.version}, run again with --yes.\n`);
    } else if (alreadyLive) {
      io.writeError(`nothing to publish: ${published.version} is already live with the very same parameters.\n`);
    } else {
      io.writeError(`published ${published.version} (previous: ${published.previousVersion ?? 'none'}); gateways pick it up within their poll interval.\n`);
    }
    return 0;
  } finally {
    routerStore.close();
    await store.close();
  }
}
