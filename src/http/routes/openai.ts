// OpenAI-compatible routes: chat completions, legacy completions, embeddings and the model list.
// Handlers are thin: parse (zod, in src/protocols) -> call (src/gateway) -> present.
import Router from '@koa/router';
import type { Context } from 'koa';
import { MODEL_TIERS, type CatalogModel, type InputModality, type ModelTier, type OutputModality } from '../../catalog/model.ts';
import { routableModels } from '../../gateway/route-planner.ts';
import { toOpenAIModel } from '../../catalog/catalog.ts';
import { prepareCall, resolveModel, runCall, streamCall, type ModelCallServices } from '../../gateway/model-call.ts';
import { runEmbedding } from '../../gateway/embedding-call.ts';
import type { KeyIndex, KeyRecord } from '../../gateway/key-index.ts';
import { canonicalToOpenAIChat } from '../../protocols/canonical-to-openai-chat.ts';
import { OpenAIChatStreamEncoder } from '../../protocols/canonical-to-openai-chat-stream.ts';
import { canonicalToCompletions, CompletionsStreamEncoder } from '../../protocols/canonical-to-completions.ts';
import { completionPromptView, completionsToCanonical } from '../../protocols/completions-to-canonical.ts';
import { parseCompletionsRequest } from '../../protocols/completions-schema.ts';
import { canonicalToEmbeddings, embeddingsToCanonical, DEFAULT_EMBEDDINGS_LIMITS } from '../../protocols/embeddings-protocol.ts';
import { parseEmbeddingsRequest } from '../../protocols/embeddings-schema.ts';
import { openAIChatToCanonical } from '../../protocols/openai-chat-to-canonical.ts';
import { parseOpenAIChatRequest } from '../../protocols/openai-chat-schema.ts';
import { OPENAI_DONE_FRAME, sseFrame } from '../../protocols/sse-frames.ts';
import type { CanonicalStreamPart } from '../../protocols/canonical.ts';
import type { LumenExtras } from '../../gateway/request-record.ts';
import { authenticateKey } from '../middleware/authenticate.ts';
import { notFound } from '../errors.ts';
import { SseResponse } from '../sse-response.ts';
import { appIdOf, callBasics, clientGoneSignal, nowSeconds, responseIdentity } from '../call-basics.ts';
import { withExtras } from '../lumen-extras.ts';
import { takeRoutingOptions } from '../routing-options.ts';
import type { RoutingOptions } from '../../gateway/route-planner.ts';

type Encoder = { encode(part: CanonicalStreamPart): unknown[] };

export function openAIRoutes(services: ModelCallServices, keys: KeyIndex): Router {
  const router = new Router({ prefix: '/v1' });
  router.use(authenticateKey(keys));

  router.post('/chat/completions', async function chatCompletions(ctx) {
    // Lumen's chat route routes a request that names no model.
    const body = ctx.state.body as Record<string, unknown>;
    if (body.model === undefined) body.model = 'auto';
    const routing = takeRoutingOptions(ctx);
    await answerChat(ctx, services, openAIChatToCanonical(parseOpenAIChatRequest(ctx.state.body)), routing);
  });

  router.post('/completions', async function completions(ctx) {
    const routing = takeRoutingOptions(ctx);
    const call = completionsToCanonical(parseCompletionsRequest(ctx.state.body));
    const sse = new SseResponse(ctx);
    const prepared = await prepareCall(services, { ...callBasics(ctx, sse), routing, protocol: 'openai-completions', requestedModel: call.model,
      stream: call.stream, request: completionPromptView(call.completion), completion: call.completion }, 'completions');
    const identity = responseIdentity(ctx, prepared, `cmpl-${prepared.requestId}`, services.now);
    if (call.stream) {
      const encoder = new CompletionsStreamEncoder(identity, { includeUsage: call.includeUsage });
      return streamAnswer(sse, () => streamCall(services, prepared, sinkOf(sse, encoder)));
    }
    const completed = await runCall(services, prepared);
    ctx.body = withExtras(canonicalToCompletions(completed.result, identity), completed.extras);
  });

  router.post('/embeddings', async function embeddings(ctx) {
    const call = embeddingsToCanonical(parseEmbeddingsRequest(ctx.state.body), DEFAULT_EMBEDDINGS_LIMITS);
    const principal = ctx.state.principal as KeyRecord;
    const model = resolveModel(services.catalog, call.model, principal, 'embeddings');
    const completed = await runEmbedding(services, { model, call, principal, appId: appIdOf(ctx),
      bodySha256: String(ctx.state.bodySha256), signal: clientGoneSignal(ctx), setHeaders: (headers) => ctx.set(headers) });
    const body = canonicalToEmbeddings(completed.result, model.id, call.encodingFormat);
    ctx.body = withExtras(body, completed.extras);
  });

  router.get('/models', async function listModels(ctx) {
    const input = listParameter(ctx.query.input) as InputModality[];
    const output = listParameter(ctx.query.output) as OutputModality[];
    const principal = ctx.state.principal as KeyRecord;
    const visible = groupModels(principal);
    const routedFits = input.every((modality) => modality === 'text' || modality === 'image') && output.every((modality) => modality === 'text');
    ctx.body = { object: 'list', data: [...services.catalog.list({ input, output })
      .filter((model) => visible === null || visible.includes(model.id)).map((model) => toOpenAIModel(model)),
    ...(routedFits ? routedModelEntries(services, principal) : [])] };
  });

  const showModel = async function showModel(ctx: Context) {
    // Model ids may name a provider: /v1/models/anthropic/claude-sonnet-4-6.
    const name = [ctx.params.provider, ctx.params.id].filter((part) => part !== undefined).join('/');
    const resolution = services.catalog.resolve(name);
    const visible = groupModels(ctx.state.principal as KeyRecord);
    const routed = resolution.ok ? undefined : routedModelEntries(services, ctx.state.principal as KeyRecord).find((entry) => entry.id === name);
    if (routed !== undefined) {
      ctx.body = routed;
      return;
    }
    if (!resolution.ok || (visible !== null && !visible.includes(resolution.model.id))) {
      throw notFound(`The model \`${name}\` does not exist or you do not have access to it.`, 'model_not_found', 'model');
    }
    ctx.body = toOpenAIModel(resolution.model);
  };
  router.get('/models/:id', showModel);
  router.get('/models/:provider/:id', showModel);
  return router;
}





/** Answers a chat completion, plain or streamed (also POST /v1/router with execute). */
export async function answerChat(ctx: Context, services: ModelCallServices, call: ReturnType<typeof openAIChatToCanonical>,
  routing: RoutingOptions): Promise<void> {
  const sse = new SseResponse(ctx);
  const prepared = await prepareCall(services, { ...callBasics(ctx, sse), routing, protocol: 'openai-chat', requestedModel: call.model,
    stream: call.stream, request: call.request });
  ctx.state.providerKind = prepared.adapter.kind;
  const identity = responseIdentity(ctx, prepared, `chatcmpl-${prepared.requestId}`, services.now);
  if (call.stream) {
    const encoder = new OpenAIChatStreamEncoder(identity, { includeUsage: call.includeUsage });
    return streamAnswer(sse, () => streamCall(services, prepared, sinkOf(sse, encoder)));
  }
  const completed = await runCall(services, prepared);
  ctx.body = withExtras(canonicalToOpenAIChat(completed.result, identity), completed.extras);
}

/**
 * "auto" and each tier with a chat model this key may use, listed like models so that apps which
 * pick from /v1/models can pick them; `lumen.routed` tells Lumen-aware tools apart.
 */
function routedModelEntries(services: ModelCallServices, principal: KeyRecord) {
  const live = services.router?.versions.current();
  if (live === undefined) return [];
  const usable = routableModels(services.catalog, (providerId) => services.providers.get(providerId) !== undefined, principal, 'chat');
  const entry = (id: string, tier: ModelTier | null, models: readonly CatalogModel[]) => ({
    id, object: 'model' as const, created: Math.max(...models.map((model) => toOpenAIModel(model).created)), owned_by: 'lumen',
    lumen: { routed: true, tier, router_version: live.version, candidates: models.map((model) => model.id) },
  });
  if (usable.length === 0) return [];
  const tiers = MODEL_TIERS.map((tier) => [tier, usable.filter((model) => model.tier === tier)] as const)
    .filter(([, models]) => models.length > 0);
  return [entry('auto', null, usable), ...tiers.map(([tier, models]) => entry(tier, tier, models))];
}

/** The models a key's group lets it see; null: every model. */
export function groupModels(principal: KeyRecord): readonly string[] | null {
  return principal.group?.models ?? null;
}

function listParameter(value: string | string[] | undefined): string[] {
  const text = Array.isArray(value) ? value.join(',') : (value ?? '');
  return text.split(',').map((item) => item.trim()).filter((item) => item !== '');
}


/** Frames each canonical part with the protocol's encoder; the extras ride on the final chunk. */
function sinkOf(sse: SseResponse, encoder: Encoder) {
  return {
    write: (part: CanonicalStreamPart) => sse.write(encoder.encode(part).map((chunk) => sseFrame(chunk)).join('')),
    async end(last: Extract<CanonicalStreamPart, { type: 'finish' | 'error' }>, extras: LumenExtras) {
      const chunks = encoder.encode(last) as object[];
      const final = chunks.at(-1);
      if (final !== undefined) chunks[chunks.length - 1] = withExtras(final, extras);
      const done = last.type === 'finish' ? OPENAI_DONE_FRAME : '';
      await sse.end(chunks.map((chunk) => sseFrame(chunk)).join('') + done);
    },
  };
}

async function streamAnswer(sse: SseResponse, run: () => Promise<void>): Promise<void> {
  await run();
  await sse.end();
}
