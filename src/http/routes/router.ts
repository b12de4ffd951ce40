// The router's own API: POST /v1/router (route a chat, or only decide), GET /v1/router/profiles
// (the models and the profile each is predicted with), GET /v1/providers?model= (who serves a
// model), and POST /v1/feedback (rate an answered request by its audit hash).
import Router from '@koa/router';
import { z } from 'zod';
import type { Catalog } from '../../catalog/catalog.ts';
import { microsToUsd } from '../../domain/money.ts';
import { planAllows } from '../../domain/plans.ts';
import { admitWithoutCall } from '../../gateway/admission.ts';
import { rateResponse, type FeedbackServices } from '../../gateway/feedback.ts';
import type { KeyIndex, KeyRecord } from '../../gateway/key-index.ts';
import { appendDecision, prepareCall, type ModelCallServices, type PreparedCall } from '../../gateway/model-call.ts';
import { openAIChatToCanonical } from '../../protocols/openai-chat-to-canonical.ts';
import { parseOpenAIChatRequest } from '../../protocols/openai-chat-schema.ts';
import { profileIdFor, profiledModels } from '../../routing/versioning.ts';
import { authenticateKey } from '../middleware/authenticate.ts';
import { callBasics } from '../call-basics.ts';
import { badRequest, forbidden, GatewayError, notFound } from '../errors.ts';
import { parseBody } from '../parse-body.ts';
import { takeRouterOptions } from '../routing-options.ts';
import { SseResponse } from '../sse-response.ts';
import { answerChat, groupModels } from './openai.ts';

const routerRequestSchema = z.object({
  messages: z.array(z.unknown()).min(1).max(2_000),
  execute: z.boolean().default(true),
  stream: z.boolean().optional(),
  stream_options: z.unknown().optional(),
  max_tokens: z.number().int().positive().optional(),
  temperature: z.number().min(0).max(2).optional(),
}).strict();

const feedbackSchema = z.object({
  audit_hash: z.string().regex(/^[0-9a-fA-F]{64}$/, 'must be 64 hex digits'),
  rating: z.number().int().min(1).max(5),
  notes: z.string().max(2_000).nullish(),
}).strict();

export function routerRoutes(services: ModelCallServices & { catalog: Catalog; feedback: FeedbackServices }, keys: KeyIndex): Router {
  const router = new Router({ prefix: '/v1' });
  router.use(authenticateKey(keys));

  router.post('/router', async function routeChat(ctx) {
    const principal = ctx.state.principal as KeyRecord;
    if (!planAllows(principal.plan, 'router_api')) {
      throw forbidden(`the ${principal.plan.title} plan does not include the router API`, 'feature_not_in_plan');
    }
    const routing = takeRouterOptions(ctx);
    const body = parseBody(routerRequestSchema, ctx.state.body);
    const { execute, ...chat } = body;
    const call = openAIChatToCanonical(parseOpenAIChatRequest({ model: 'auto', ...chat }));
    if (execute) return answerChat(ctx, services, call, routing);
    const sse = new SseResponse(ctx);
    const prepared = await prepareCall(services, { ...callBasics(ctx, sse), routing, protocol: 'openai-chat', requestedModel: 'auto',
      stream: false, request: call.request });
    // No provider is called, but the decision is written: it counts against the key's requests.
    await admitWithoutCall(services, principal, (headers) => ctx.set(headers));
    const auditHash = await appendDecision(services, prepared.route!, { executed: false, servedRequestId: null });
    ctx.body = decisionBody(prepared, auditHash);
  });

  router.get('/router/profiles', function routingProfiles(ctx) {
    const live = services.router?.versions.current();
    if (live === undefined) throw new GatewayError(503, 'server_error', 'router_unavailable', 'this gateway runs without a router');
    const known = profiledModels(live.parameters);
    const byProfile = new Map(live.parameters.models.map((model) => [model.modelId, model]));
    const visible = groupModels(ctx.state.principal as KeyRecord);
    const data = services.catalog.list({ capability: 'chat' }).filter((model) => visible === null || visible.includes(model.id))
      .map((model) => {
        const profile = profileIdFor(known, model.id, model.tier);
        const fitted = byProfile.get(profile);
        return { model: model.id, provider: model.provider, tier: model.tier, profile: fitted === undefined ? null : profile,
          own_profile: profile === model.id && fitted !== undefined, ratings: fitted?.ratings ?? 0, mean_score: fitted?.meanScore ?? null };
      });
    ctx.body = { object: 'list', router_version: live.version, feature_version: live.parameters.featureVersion,
      published_at_source: live.published.source, data };
  });

  router.get('/providers', function providersOfModel(ctx) {
    const name = typeof ctx.query.model === 'string' ? ctx.query.model.trim() : '';
    if (name === '') throw badRequest('give the model to look up: /v1/providers?model=NAME', 'invalid_request', 'model');
    const visible = groupModels(ctx.state.principal as KeyRecord);
    const resolution = services.catalog.resolve(name);
    const serving = services.catalog.models.filter((model) => (model.id === name || model.aliases.includes(name) || model.upstream === name
      || (resolution.ok && resolution.model.id === model.id)) && (visible === null || visible.includes(model.id)));
    if (serving.length === 0) throw notFound(`no provider of this gateway serves "${name}"`, 'model_not_found', 'model');
    ctx.body = { object: 'list', model: name, data: serving.map((model) => ({
      provider: model.provider, kind: services.catalog.provider(model.provider)?.kind ?? null, model: model.id,
      upstream_model: model.upstream, tier: model.tier, configured: services.providers.get(model.provider) !== undefined,
      input_per_million_usd: microsToUsd(model.prices.inputMicrosPerMillion),
      output_per_million_usd: microsToUsd(model.prices.outputMicrosPerMillion), context_window: model.contextWindowTokens })) };
  });

  router.post('/feedback', async function giveFeedback(ctx) {
    const body = parseBody(feedbackSchema, ctx.state.body);
    await admitWithoutCall(services, ctx.state.principal as KeyRecord, (headers) => ctx.set(headers));
    const recorded = await rateResponse(services.feedback, ctx.state.principal as KeyRecord,
      { auditHash: body.audit_hash.toLowerCase(), rating: body.rating, notes: body.notes ?? null });
    ctx.status = 201;
    ctx.body = { object: 'feedback', id: recorded.ratingId, request_id: recorded.requestId, audit_hash: body.audit_hash.toLowerCase(),
      model: recorded.model, rating: body.rating, supersedes: recorded.supersedesRatingId, feedback_hash: recorded.eventHash };
  });
  return router;
}

function decisionBody(prepared: PreparedCall, auditHash: string) {
  const decided = prepared.route!.decided;
  const assessed = prepared.assessed!;
  return {
    object: 'router.decision', route_id: decided.routeId, model: prepared.model.id, provider: prepared.model.provider,
    tier: prepared.model.tier, reason: decided.reason, difficulty_score: assessed.difficultyScore, prompt_kind: assessed.promptKind,
    router_version: assessed.routerVersion, quality_floor: decided.qualityFloor,
    max_cost_usd: decided.maxCostMicros === null ? null : microsToUsd(decided.maxCostMicros), cost_weight: decided.costWeight,
    fallbacks: prepared.route!.remaining().map((model) => model.id),
    candidates: decided.candidates.map((candidate) => ({ model: candidate.model, provider: candidate.provider, tier: candidate.tier,
      predicted_quality: candidate.predictedQuality, estimated_cost_usd: microsToUsd(candidate.estimatedCostMicros),
      verdict: candidate.verdict })),
    audit_hash: auditHash,
  };
}
