// Plans a routed call: `model: "auto"`, a tier name, or a model with fallbacks. The prompt's
// features are extracted once; the live router version predicts every candidate's quality; the
// pure choice rule (src/routing/decide.ts) picks the model; the rest of the candidates, in the
// order the same rule ranks them (or the caller's `fallbacks`), are the models tried when a
// provider fails. Nothing here does I/O: the decision is recorded by model-call.ts once the
// attempts are over, as one RoutingDecided event.
import type { Catalog } from '../catalog/catalog.ts';
import { estimateCostMicros } from '../catalog/catalog.ts';
import { MODEL_TIERS, type Capability, type CatalogModel, type ModelTier } from '../catalog/model.ts';
import type { EventOf } from '../domain/events.ts';
import { planAllows } from '../domain/plans.ts';
import { GatewayError, badRequest, forbidden, notFound } from '../http/errors.ts';
import type { CanonicalChatRequest } from '../protocols/canonical.ts';
import { chooseCandidate, defaultQualityFloor, roundPredictedQuality, type RoutingCandidate, type RoutingDecision, type RoutingFailure } from '../routing/decide.ts';
import { extractFeatures, type PromptFeatures } from '../routing/features.ts';
import { sigmoid } from '../routing/logistic.ts';
import { assessPrompt, qualitiesFromAssessment } from '../routing/model.ts';
import { promptKind } from '../routing/prompt-kind.ts';
import { profileIdFor, profiledModels } from '../routing/versioning.ts';
import type { KeyRecord } from './key-index.ts';
import type { LiveRouter } from './router-versions.ts';
import { featuresSha256 } from './router-store.ts';
import { promptText } from './token-counter.ts';

export interface RoutingOptions {
  qualityFloor?: number;
  maxCostMicros?: number;
  /** POST /v1/router only: 0 ignores cost, higher prefers cheaper. */
  costWeight?: number;
  brandPreference?: readonly string[];
  provider?: string;
  fallbacks?: readonly string[];
  /** POST /v1/router only: restrict the candidates to these models. */
  models?: readonly string[];
}

/** A call tries at most this many models: the chosen one and three fallbacks. */
export const routeAttemptsMax = 4;
/** Output tokens assumed for the cost estimate when the request sets no limit. */
export const expectedOutputTokens = 512;

export type RoutingDecidedData = EventOf<'RoutingDecided'>['data'];
export type RouteAttempt = RoutingDecidedData['attempts'][number];

/** What the router saw in the prompt; computed for every chat call, routed or not. */
export interface PromptAssessment {
  /** The live version's reading of the prompt, kept so candidates are predicted without a second pass. */
  assessment: ReturnType<typeof assessPrompt>;
  size: RequestSize;
  features: PromptFeatures;
  featuresSha256: string;
  difficultyScore: number;
  promptKind: string;
  routerVersion: string;
}

export interface RoutePlan {
  routeId: string;
  /** The decision as recorded, less what only the attempts tell. */
  decided: Omit<RoutingDecidedData, 'attempts' | 'servedRequestId' | 'executed' | 'day'>;
  /**
   * Models to try next, in order, after the current attempt fails: ranked on first use (only a
   * failed attempt needs them), then the same array, which the caller consumes.
   */
  remaining: () => CatalogModel[];
  attempts: RouteAttempt[];
  /** Set once its RoutingDecided is recorded: nothing may record it again. */
  closed?: boolean;
}

export type PlannedRoute =
  | { ok: true; model: CatalogModel; plan: RoutePlan | undefined }
  | { ok: false; plan: RoutePlan; error: GatewayError };

export interface PlanInput {
  catalog: Catalog;
  /** Whether a provider is configured; models of unconfigured providers are not candidates. */
  hasProvider: (providerId: string) => boolean;
  live: LiveRouter;
  principal: KeyRecord;
  requestedModel: string;
  request: CanonicalChatRequest;
  capability: Capability;
  options: RoutingOptions;
  routeId: string;
}

export function assessRequest(live: LiveRouter, request: CanonicalChatRequest): PromptAssessment {
  const text = promptText(request);
  const features = extractFeatures(text);
  const assessment = assessPrompt(live.parameters, features);
  const difficultyScore = roundPredictedQuality(1 - sigmoid(assessment.pooledLogOdds));
  return { assessment, size: requestSize(request, text), features, featuresSha256: featuresSha256(features), difficultyScore,
    promptKind: promptKind(text, difficultyScore), routerVersion: live.version };
}

function once<T>(compute: () => T): () => T {
  let value: { computed: T } | undefined;
  return () => (value ??= { computed: compute() }).computed;
}

/** "auto" and the tier names are routed; anything else names a model (the catalog refuses models named so). */
export function routedName(name: string): 'auto' | ModelTier | undefined {
  if (name === 'auto') return 'auto';
  return (MODEL_TIERS as readonly string[]).includes(name) ? (name as ModelTier) : undefined;
}

/** Why this key may not use this model, or undefined when it may. */
export function accessProblem(principal: KeyRecord, model: CatalogModel, name: string): GatewayError | undefined {
  // A key group hides the models outside it: to that key they do not exist.
  if (principal.group !== null && principal.group.models !== null && !principal.group.models.includes(model.id)) {
    return notFound(`The model \`${name}\` does not exist or you do not have access to it.`, 'model_not_found', 'model');
  }
  if (principal.allowedModels !== null && !principal.allowedModels.includes(model.id)) {
    return forbidden(`this key may not use the model "${name}"`, 'model_not_allowed');
  }
  if (!principal.plan.allowedTiers.includes(model.tier)) {
    return forbidden(`the ${principal.plan.title} plan does not include ${model.tier}-tier models such as "${name}"`, 'tier_not_allowed');
  }
  return undefined;
}

function requireFeature(principal: KeyRecord, feature: 'brand_pref' | 'fallbacks', field: string): void {
  if (!planAllows(principal.plan, feature)) {
    throw forbidden(`the ${principal.plan.title} plan does not include "${field}"`, 'feature_not_in_plan');
  }
}

/** The size a cost estimate is made for: about four bytes a token, and the asked (or expected) output. */
export interface RequestSize { inputTokens: number; outputTokens: number }

export function requestSize(request: CanonicalChatRequest, text: string): RequestSize {
  return { inputTokens: Math.ceil(Buffer.byteLength(text) / 4) + 8 * request.messages.length,
    outputTokens: request.sampling.maxOutputTokens ?? expectedOutputTokens };
}

/** A request's own estimate of what a model would cost for it (not the hold, which is a bound). */
export function estimatedCostMicros(size: RequestSize, model: CatalogModel): number {
  return estimateCostMicros({ inputTokens: size.inputTokens, outputTokens: Math.min(size.outputTokens, model.maxOutputTokens) }, model);
}

function needsImages(request: CanonicalChatRequest): boolean {
  return request.messages.some((message) => message.content.some((part) => part.type === 'image'));
}

/** The models this key can be routed to for a capability: their provider is configured and the key may use them. */
export function routableModels(catalog: Catalog, hasProvider: (providerId: string) => boolean, principal: KeyRecord,
  capability: Capability): CatalogModel[] {
  return catalog.list({ capability }).filter((model) => hasProvider(model.provider) && accessProblem(principal, model, model.id) === undefined);
}

/** The models a routed request may be sent to: routable, of the asked tier and within the request's restrictions. */
function candidateModels(input: PlanInput, tier: ModelTier | undefined): CatalogModel[] {
  const { options } = input;
  const images = needsImages(input.request);
  return routableModels(input.catalog, input.hasProvider, input.principal, input.capability).filter((model) =>
    (tier === undefined || model.tier === tier)
    && (options.provider === undefined || model.provider === options.provider)
    && (options.models === undefined || options.models.includes(model.id))
    && (!images || model.modalities.input.includes('image')));
}

function predict(live: LiveRouter, assessed: PromptAssessment, models: readonly CatalogModel[]): RoutingCandidate[] {
  const known = profiledModels(live.parameters);
  const qualities = qualitiesFromAssessment(live.parameters, assessed.assessment, models.map((model) => profileIdFor(known, model.id, model.tier)));
  return models.map((model, index) => ({ modelId: model.id, provider: model.provider, tier: model.tier,
    estimatedCostMicros: estimatedCostMicros(assessed.size, model), predictedQuality: roundPredictedQuality(qualities[index] as number) }));
}

/** Resolves a model name the caller gave (requested model, fallback), checking access. */
export function resolveNamed(catalog: Catalog, principal: KeyRecord, name: string, capability: Capability, provider?: string): CatalogModel {
  let resolution = catalog.resolve(name);
  if (provider !== undefined && (!resolution.ok || resolution.model.provider !== provider)) resolution = catalog.resolve(`${provider}/${name}`);
  if (!resolution.ok) throw notFound(resolution.error.message, 'model_not_found', 'model');
  const problem = accessProblem(principal, resolution.model, name);
  if (problem !== undefined) throw problem;
  if (!resolution.model.capabilities.includes(capability)) {
    throw badRequest(`the model "${name}" does not support ${capability}`, 'model_capability', 'model');
  }
  return resolution.model;
}

/** The order the choice rule ranks the eligible candidates in, after the chosen one. */
function rankedFallbacks(decision: RoutingDecision, candidates: readonly RoutingCandidate[], options: RoutingOptions): string[] {
  const eligible = decision.candidates.filter((candidate) => candidate.verdict !== 'not_allowed' && candidate.verdict !== 'over_cost_cap')
    .map((candidate) => candidate.modelId);
  const order: string[] = [decision.modelId];
  while (order.length < routeAttemptsMax) {
    const rest = eligible.filter((modelId) => !order.includes(modelId));
    if (rest.length === 0) break;
    const next = chooseCandidate({ ...constraintsOf(options), candidates, allowedModels: rest, routerVersion: decision.routerVersion });
    if (!next.ok) break;
    order.push(next.modelId);
  }
  return order.slice(1);
}

function constraintsOf(options: RoutingOptions) {
  return {
    ...(options.qualityFloor === undefined ? {} : { qualityFloor: options.qualityFloor }),
    ...(options.maxCostMicros === undefined ? {} : { maxCostMicros: options.maxCostMicros }),
    ...(options.costWeight === undefined ? {} : { costWeight: options.costWeight }),
    ...(options.brandPreference === undefined ? {} : { brandPreference: { providers: options.brandPreference, mode: 'filter' as const } }),
  };
}

/** As many candidates as RoutingDecided holds (events.ts). */
export const recordedCandidatesMax = 100;

/** Past `recordedCandidatesMax`, the chosen candidate and the cheapest of the rest are recorded. */
function recordedCandidates<Candidate extends RoutingCandidate & { verdict: string }>(candidates: readonly Candidate[]): readonly Candidate[] {
  if (candidates.length <= recordedCandidatesMax) return candidates;
  const chosen = candidates.filter((candidate) => candidate.verdict === 'chosen');
  const rest = candidates.filter((candidate) => candidate.verdict !== 'chosen')
    .sort((left, right) => left.estimatedCostMicros - right.estimatedCostMicros || (left.modelId < right.modelId ? -1 : 1));
  return [...chosen, ...rest].slice(0, recordedCandidatesMax);
}

function decidedRecord(input: PlanInput, assessed: PromptAssessment, outcome: RoutingDecision | RoutingFailure | undefined,
  candidates: readonly (RoutingCandidate & { verdict: string })[], chosen: CatalogModel | undefined): RoutePlan['decided'] {
  const { options } = input;
  return {
    routeId: input.routeId, accountId: input.principal.accountId, keyId: input.principal.keyId, requestedModel: input.requestedModel,
    routerVersion: assessed.routerVersion, difficultyScore: assessed.difficultyScore, promptKind: assessed.promptKind,
    featuresSha256: assessed.featuresSha256, qualityFloor: options.qualityFloor ?? defaultQualityFloor,
    maxCostMicros: options.maxCostMicros ?? null, costWeight: options.costWeight ?? null,
    brandPreference: options.brandPreference === undefined ? null : [...options.brandPreference], provider: options.provider ?? null,
    reason: outcome === undefined ? 'requested' : outcome.ok ? outcome.reason : 'no_candidate',
    chosenModel: chosen?.id ?? null,
    candidates: recordedCandidates(candidates).map((candidate) => ({ model: candidate.modelId, provider: candidate.provider,
      tier: candidate.tier ?? 'unknown', predictedQuality: candidate.predictedQuality, estimatedCostMicros: candidate.estimatedCostMicros,
      verdict: candidate.verdict })),
  };
}

/**
 * The model to call first and, for routed requests and requests with fallbacks, the plan.
 * Throws for requests that are wrong before any decision (unknown model, feature not in plan);
 * returns `ok: false` with the plan when the router found no candidate, so it can be recorded.
 */
export function planRoute(input: PlanInput, assessed: PromptAssessment): PlannedRoute {
  const { options, principal, catalog } = input;
  if (options.brandPreference !== undefined) requireFeature(principal, 'brand_pref', 'brand_pref');
  if (options.fallbacks !== undefined) requireFeature(principal, 'fallbacks', 'fallbacks');
  const fallbacks = (options.fallbacks ?? []).map((name) => resolveNamed(catalog, principal, name, input.capability));
  const routed = routedName(input.requestedModel);
  if (routed === undefined) {
    const model = resolveNamed(catalog, principal, input.requestedModel, input.capability, options.provider);
    if (fallbacks.length === 0) return { ok: true, model, plan: undefined };
    const tried = [model, ...fallbacks.filter((fallback) => fallback.id !== model.id)].slice(0, routeAttemptsMax);
    const predicted = predict(input.live, assessed, tried)
      .map((candidate, index) => ({ ...candidate, verdict: index === 0 ? 'chosen' : 'fallback' }));
    return { ok: true, model, plan: { routeId: input.routeId, decided: decidedRecord(input, assessed, undefined, predicted, model),
      remaining: once(() => tried.slice(1)), attempts: [] } };
  }
  const models = candidateModels(input, routed === 'auto' ? undefined : routed);
  const predicted = predict(input.live, assessed, models);
  const outcome = chooseCandidate({ ...constraintsOf(options), candidates: predicted, routerVersion: assessed.routerVersion });
  if (!outcome.ok) {
    const message = models.length === 0
      ? `no model this key may use can serve "${input.requestedModel}"${options.provider === undefined ? '' : ` on provider "${options.provider}"`}`
      : `${outcome.message} (max_cost_usd)`;
    const plan = { routeId: input.routeId, decided: decidedRecord(input, assessed, outcome, outcome.candidates, undefined), remaining: once(() => []), attempts: [] };
    return { ok: false, plan, error: new GatewayError(422, 'invalid_request_error', 'no_candidate', message, 'model') };
  }
  const byId = new Map(models.map((model) => [model.id, model]));
  const model = byId.get(outcome.modelId) as CatalogModel;
  const next = () => (fallbacks.length > 0 ? fallbacks.filter((fallback) => fallback.id !== model.id)
    : rankedFallbacks(outcome, predicted, options).map((modelId) => byId.get(modelId) as CatalogModel)).slice(0, routeAttemptsMax - 1);
  return { ok: true, model, plan: { routeId: input.routeId, decided: decidedRecord(input, assessed, outcome, outcome.candidates, model),
    remaining: once(next), attempts: [] } };
}
