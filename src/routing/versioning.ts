// Router versions: how a version is fitted and named. Every version, the one shipped as the
// bootstrap, every retune, and `lumen router eval`, goes through `fitRouterVersion`, so what
// the evaluation measures is what the gateway runs. A version's name is derived from a digest
// of the history it was fitted on: the same history gives the same name and the same bytes.
import { createHash } from 'node:crypto';
import { MODEL_TIERS, type ModelTier } from '../catalog/model.ts';
import type { LabelledPrompt } from './dataset.ts';
import { ratingFromCorrectness } from './dataset.ts';
import { fitRouterFromHistory, type FitOptions } from './fit.ts';
import type { RatedRequest, RouterParameters } from './parameters.ts';

export type VersionSource = 'bootstrap' | 'retune' | 'eval';

/**
 * Seed rows stand in for the ratings a new gateway does not have yet. The labelled data has a
 * weak and a strong model; they become the profiles of the nano and mid tiers. A tier with no
 * profile of its own borrows the nearest profiled tier below it (see `profileIdFor`), so small
 * is predicted no better than nano and high no better than mid until ratings say otherwise.
 */
export const seedProfiles = { weak: 'tier:nano', strong: 'tier:mid' } as const;

export function seedHistory(prompts: readonly LabelledPrompt[]): RatedRequest[] {
  return prompts.flatMap((labelled) => {
    const weak = labelled.outcomes[0];
    const strong = labelled.outcomes[labelled.outcomes.length - 1];
    if (weak === undefined || strong === undefined || weak === strong) return [];
    return [
      { promptText: labelled.prompt, modelId: seedProfiles.weak, rating: ratingFromCorrectness(weak[1]) },
      { promptText: labelled.prompt, modelId: seedProfiles.strong, rating: ratingFromCorrectness(strong[1]) },
    ];
  });
}

/** SHA-256 over the history in a canonical order (arrival order does not matter, as in the fit). */
export function historyDigest(history: readonly RatedRequest[]): string {
  const lines = history.map((request) => JSON.stringify([
    request.features === undefined ? `t:${request.promptText ?? ''}` : `f:${request.features.termIndices.join(',')}`,
    request.modelId, request.rating]));
  lines.sort();
  const hash = createHash('sha256');
  for (const line of lines) hash.update(line).update('\n');
  return hash.digest('hex');
}

export function versionName(source: VersionSource, digest: string): string {
  return `${source}-${digest.slice(0, 12)}`;
}

/** Fits a router version from rated history; deterministic byte for byte. */
export function fitRouterVersion(history: readonly RatedRequest[], source: VersionSource,
  options: Partial<FitOptions> = {}): { parameters: RouterParameters; historySha256: string } {
  const historySha256 = historyDigest(history);
  const parameters = fitRouterFromHistory(history, { ...options, version: options.version ?? versionName(source, historySha256) });
  return { parameters, historySha256 };
}


/**
 * Whose fitted profile predicts a catalog model: its own once it has ratings, else its tier's,
 * else the nearest profiled tier below, else none (the pooled estimate of a typical model).
 */
export function profileIdFor(known: ReadonlySet<string>, modelId: string, tier: string): string {
  if (known.has(modelId)) return modelId;
  const index = MODEL_TIERS.indexOf(tier as ModelTier);
  for (let below = index; below >= 0; below -= 1) {
    const profile = `tier:${MODEL_TIERS[below]}`;
    if (known.has(profile)) return profile;
  }
  return modelId;
}

const knownCache = new WeakMap<RouterParameters, ReadonlySet<string>>();

export function profiledModels(parameters: RouterParameters): ReadonlySet<string> {
  let known = knownCache.get(parameters);
  if (known === undefined) {
    known = new Set(parameters.models.map((model) => model.modelId));
    knownCache.set(parameters, known);
  }
  return known;
}
