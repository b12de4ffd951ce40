// The catalog: the models Lumen serves, who serves them and what they cost. Built once from
// parsed config, then frozen; every question about a model name goes through `resolve`, so
// aliases and `provider/model` names mean the same thing on every route.

import type { ProviderConfig } from '../providers/registry.ts';
import { catalogConsistencyIssues } from './catalog-consistency.ts';
import type { CatalogConfig, CatalogConfigError } from './catalog-schema.ts';
import {
  MODEL_TIERS,
  type Capability, type CatalogModel, type InputModality, type ModelPrices, type ModelTier, type OutputModality,
} from './model.ts';
import { toOpenAIModel, type OpenAIModelEntry } from './openai-model.ts';

export { estimateCostMicros, costBreakdownMicros, unitCostMicros, type CostBreakdown, type TokenUsage } from './model-cost.ts';
export { toOpenAIModel, type OpenAIModelEntry } from './openai-model.ts';

export type MatchedBy = 'id' | 'alias' | 'provider_model';

export interface UnknownModelError {
  readonly code: 'unknown_model';
  readonly httpStatus: 404;
  readonly name: string;
  readonly message: string;
}

export type ModelResolution =
  | { readonly ok: true; readonly model: CatalogModel; readonly matchedBy: MatchedBy }
  | { readonly ok: false; readonly error: UnknownModelError };

export interface ModelFilter {
  /** Every listed input modality must be accepted. */
  readonly input?: readonly InputModality[];
  /** Every listed output modality must be produced. */
  readonly output?: readonly OutputModality[];
  readonly capability?: Capability;
  readonly tier?: ModelTier;
  readonly provider?: string;
}

export type CatalogBuildResult =
  | { readonly ok: true; readonly catalog: Catalog }
  | { readonly ok: false; readonly error: CatalogConfigError };

export class Catalog {
  readonly providers: readonly ProviderConfig[];
  readonly models: readonly CatalogModel[];
  private readonly providersById: ReadonlyMap<string, ProviderConfig>;
  private readonly modelsByName: ReadonlyMap<string, { model: CatalogModel; matchedBy: 'id' | 'alias' }>;

  private constructor(providers: readonly ProviderConfig[], models: readonly CatalogModel[]) {
    this.providers = Object.freeze(providers.map(freezeProvider));
    this.models = Object.freeze(models.map(freezeModel));
    this.providersById = new Map(this.providers.map((provider) => [provider.id, provider]));
    const byName = new Map<string, { model: CatalogModel; matchedBy: 'id' | 'alias' }>();
    for (const model of this.models) byName.set(model.id, { model, matchedBy: 'id' });
    for (const model of this.models) for (const alias of model.aliases) byName.set(alias, { model, matchedBy: 'alias' });
    this.modelsByName = byName;
    Object.freeze(this);
  }

  /** Checks names and provider references across the whole set, then builds. */
  static create(config: CatalogConfig): CatalogBuildResult {
    const issues = catalogConsistencyIssues(config.providers.map((provider) => provider.id), config.models);
    if (issues.length > 0) {
      return { ok: false, error: { code: 'catalog_config_invalid', message: `catalog is inconsistent: ${issues.join('; ')}`, issues } };
    }
    return { ok: true, catalog: new Catalog(config.providers, config.models) };
  }

  /**
   * Case-sensitive, as providers treat model names. An exact id or alias wins, which keeps ids
   * containing a slash (Hugging Face names on vLLM) reachable; otherwise `provider/model`
   * picks the model of that name, or of that upstream name, on that provider only.
   */
  resolve(name: string): ModelResolution {
    const named = this.modelsByName.get(name);
    if (named !== undefined) return { ok: true, model: named.model, matchedBy: named.matchedBy };
    const slash = name.indexOf('/');
    const providerId = name.slice(0, slash);
    const modelName = name.slice(slash + 1);
    if (slash <= 0 || modelName === '' || !this.providersById.has(providerId)) {
      return unknownModel(name, `The model "${name}" is not in this gateway's catalog.`);
    }
    const candidate = this.modelsByName.get(modelName);
    if (candidate !== undefined && candidate.model.provider === providerId) {
      return { ok: true, model: candidate.model, matchedBy: 'provider_model' };
    }
    const byUpstream = this.models.find((model) => model.provider === providerId && model.upstream === modelName);
    if (byUpstream !== undefined) return { ok: true, model: byUpstream, matchedBy: 'provider_model' };
    const reason = candidate === undefined
      ? `provider "${providerId}" serves no model named "${modelName}"`
      : `"${modelName}" is served by provider "${candidate.model.provider}", not "${providerId}"`;
    return unknownModel(name, `The model "${name}" is not in this gateway's catalog: ${reason}.`);
  }

  model(id: string): CatalogModel | undefined {
    const named = this.modelsByName.get(id);
    return named?.matchedBy === 'id' ? named.model : undefined;
  }

  provider(id: string): ProviderConfig | undefined {
    return this.providersById.get(id);
  }

  byTier(tier: ModelTier): readonly CatalogModel[] {
    return this.models.filter((model) => model.tier === tier);
  }

  list(filter: ModelFilter = {}): readonly CatalogModel[] {
    return this.models.filter((model) =>
      (filter.input ?? []).every((modality) => model.modalities.input.includes(modality))
      && (filter.output ?? []).every((modality) => model.modalities.output.includes(modality))
      && (filter.capability === undefined || model.capabilities.includes(filter.capability))
      && (filter.tier === undefined || model.tier === filter.tier)
      && (filter.provider === undefined || model.provider === filter.provider));
  }

  /** Prices of a model by id or alias. */
  prices(modelName: string): ModelPrices | undefined {
    return this.modelsByName.get(modelName)?.model.prices;
  }

  modelsPerTier(): Record<ModelTier, number> {
    const counts = Object.fromEntries(MODEL_TIERS.map((tier) => [tier, 0])) as Record<ModelTier, number>;
    for (const model of this.models) counts[model.tier] += 1;
    return counts;
  }

  /** The body of OpenAI's GET /v1/models, enriched with Lumen's catalog facts. */
  toOpenAIModelList(): { object: 'list'; data: OpenAIModelEntry[] } {
    return { object: 'list', data: this.models.map((model) => toOpenAIModel(model)) };
  }
}

function unknownModel(name: string, message: string): ModelResolution {
  return { ok: false, error: { code: 'unknown_model', httpStatus: 404, name, message } };
}

function freezeModel(model: CatalogModel): CatalogModel {
  return Object.freeze({
    ...model,
    aliases: Object.freeze([...model.aliases]),
    capabilities: Object.freeze([...model.capabilities]),
    prices: Object.freeze({ ...model.prices }),
    modalities: Object.freeze({
      input: Object.freeze([...model.modalities.input]),
      output: Object.freeze([...model.modalities.output]),
    }),
  });
}

function freezeProvider(provider: ProviderConfig): ProviderConfig {
  return Object.freeze({
    ...provider,
    ...(provider.headers === undefined ? {} : { headers: Object.freeze({ ...provider.headers }) }),
    ...(provider.limits === undefined ? {} : { limits: Object.freeze({ ...provider.limits }) }),
  });
}
