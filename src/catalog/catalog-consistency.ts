// Rules that span several entries of a catalog: unique names, names reserved for routing, and
// provider references. They run on a config file alone and again on the merged catalog, because
// a clash can appear only after the file's models meet the defaults.
import { MODEL_TIERS } from './model.ts';

export interface NamedModel {
  readonly id: string;
  readonly aliases: readonly string[];
  readonly provider: string;
}

/** Every problem found, as sentences naming the models involved; empty when consistent. */
export function catalogConsistencyIssues(
  providerIds: readonly string[],
  models: readonly NamedModel[],
): string[] {
  return [
    ...duplicateProviderIssues(providerIds),
    ...nameClashIssues(models),
    ...reservedNameIssues(models),
    ...providerReferenceIssues(providerIds, models),
  ];
}

/** Names the router answers to: a model called so could never be reached. */
export const ROUTED_NAMES: readonly string[] = ['auto', ...MODEL_TIERS];

function reservedNameIssues(models: readonly NamedModel[]): string[] {
  return models.flatMap((model) => [model.id, ...model.aliases]
    .filter((name) => ROUTED_NAMES.includes(name))
    .map((name) => `model "${model.id}": "${name}" is reserved for routing (model "auto" and the tier names)`));
}

function duplicateProviderIssues(providerIds: readonly string[]): string[] {
  const seen = new Set<string>();
  const issues: string[] = [];
  for (const id of providerIds) {
    if (seen.has(id)) issues.push(`provider id "${id}" is declared twice`);
    seen.add(id);
  }
  return issues;
}

function nameClashIssues(models: readonly NamedModel[]): string[] {
  // Ids are claimed first so that an alias colliding with an id is reported against the alias.
  const owners = new Map<string, string>();
  const issues: string[] = [];
  for (const model of models) {
    const owner = owners.get(model.id);
    if (owner !== undefined) issues.push(`model id "${model.id}" is declared twice`);
    else owners.set(model.id, model.id);
  }
  for (const model of models) {
    for (const alias of model.aliases) {
      const owner = owners.get(alias);
      if (owner === undefined) {
        owners.set(alias, model.id);
      } else if (owner === model.id) {
        issues.push(`model "${model.id}": alias "${alias}" repeats a name the model already has`);
      } else {
        issues.push(`model "${model.id}": alias "${alias}" clashes with model "${owner}", which already answers to that name`);
      }
    }
  }
  return issues;
}

function providerReferenceIssues(providerIds: readonly string[], models: readonly NamedModel[]): string[] {
  const known = new Set(providerIds);
  const listing = providerIds.length === 0 ? 'none' : providerIds.join(', ');
  return models
    .filter((model) => !known.has(model.provider))
    .map((model) => `model "${model.id}": provider "${model.provider}" is not configured (configured: ${listing})`);
}
