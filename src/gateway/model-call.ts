// One model call, whatever the client protocol: resolve the model (or route "auto" and tier
// names), check the key may use it, call the provider, and record exactly one RequestCompleted
// event per attempt, also when the provider fails or the client goes away mid-stream. A provider
// failing before any output moves a routed call (or one with fallbacks) to the next model. The
// events are committed before the client sees their hashes. Protocol presentation stays with
// the caller (src/http/routes).
import type { Catalog } from '../catalog/catalog.ts';
import type { Capability, CatalogModel } from '../catalog/model.ts';
import type { EventStore } from '../ledger/event-store.ts';
import type { CanonicalChatRequest, CanonicalChatResult, CanonicalStreamPart, CanonicalUsage } from '../protocols/canonical.ts';
import { completionAsChat, type CompletionPrompt } from '../protocols/completions-to-canonical.ts';
import { StreamAccumulator } from '../protocols/stream-accumulator.ts';
import { ProviderError, type ProviderAdapter } from '../providers/provider.ts';
import type { ProviderRegistry } from '../providers/registry.ts';
import { GatewayError } from '../http/errors.ts';
import type { KeyRecord } from './key-index.ts';
import { newRequestId, type LumenExtras, type RequestProtocol } from './request-record.ts';
import { appendDecision, fellBack } from './route-attempts.ts';
import { OutputMeter } from './output-meter.ts';
import { record, recordFailure, type Outcome } from './call-record.ts';

import type { RequestContentStore } from './request-content.ts';
import { countTokens, promptText, textOfParts } from './token-counter.ts';
import { admit, admitWithoutCall, chatDemand, type Admitted, type AdmissionServices } from './admission.ts';
import { assessRequest, planRoute, resolveNamed, routedName, type PromptAssessment, type RoutePlan, type RoutingOptions } from './route-planner.ts';
import type { RouterStore } from './router-store.ts';
import type { RouterVersions } from './router-versions.ts';

// Callers of one model call (embedding and media calls, the router route) find these here too.
export { appendDecision, newRequestId, record, recordFailure, type Outcome };

export interface ModelCallServices extends AdmissionServices {
  catalog: Catalog;
  providers: ProviderRegistry;
  store: EventStore;
  now: () => Date;
  /** Where opted-in prompts and completions go; absent, nothing is kept. */
  content?: RequestContentStore;
  /** The live router and what it keeps beside the ledger; absent, only named models are served. */
  router?: { versions: RouterVersions; store: RouterStore };
}

export interface CallRequest {
  protocol: RequestProtocol;
  requestedModel: string;
  stream: boolean;
  request: CanonicalChatRequest;
  /** Legacy completions keep their prompt for upstreams that still serve /v1/completions. */
  completion?: CompletionPrompt;
  principal: KeyRecord;
  appId: string | null;
  bodySha256: string;
  signal: AbortSignal;
  headers?: Record<string, string>;
  /** Set when the client sent "observability": true: the body to keep beside the ledger. */
  keepContent?: { body: unknown };
  /** The client's "max_cost_usd": caps the hold, and with it the output limit sent upstream. */
  maxCostMicros?: number;
  /** Response headers decided before the answer starts (x-ratelimit-*). */
  setHeaders?: (headers: Record<string, string>) => void;
  /** Lumen's routing fields (quality_floor, brand_pref, fallbacks, provider; models and cost_weight on /v1/router). */
  routing?: RoutingOptions;
}

/** One call, possibly over several attempts: model, adapter and request id change when it falls back. */
export interface PreparedCall {
  call: CallRequest;
  model: CatalogModel;
  adapter: ProviderAdapter;
  requestId: string;
  startedAt: number;
  /** Set once the call was admitted: its hold and the tokens counted against the rate limit. */
  admitted?: Admitted;
  /** The router's view of the prompt (every chat call, when a router is live). */
  assessed?: PromptAssessment;
  /** Routed calls and calls with fallbacks: the decision and the attempts so far. */
  route?: RoutePlan;
  /** Called when a fallback switches the model, before anything of the answer was sent. */
  onSwitch?: (model: CatalogModel) => void;
  /** Set by recordFailure: the last attempt failed before any output, so another model may be tried. */
  failedBeforeOutput?: boolean;
  /** The output limit the client asked for; each attempt's hold starts from it again. */
  outputTokensAsked?: number;
}

export interface CompletedCall {
  result: CanonicalChatResult;
  extras: LumenExtras;
  requestId: string;
  model: CatalogModel;
}

/** Where a streamed answer goes; `end` receives the final part and the committed extras. */
export interface StreamSink {
  write(part: CanonicalStreamPart): Promise<void>;
  end(last: Extract<CanonicalStreamPart, { type: 'finish' | 'error' }>, extras: LumenExtras): Promise<void>;
}

export function resolveModel(catalog: Catalog, name: string, principal: KeyRecord, capability: Capability): CatalogModel {
  return resolveNamed(catalog, principal, name, capability);
}

/** The adapter of the provider serving a model; a model whose provider is not configured is a 503. */
export function adapterFor(services: ModelCallServices, model: CatalogModel): ProviderAdapter {
  const adapter = services.providers.get(model.provider);
  if (adapter === undefined) {
    throw new GatewayError(503, 'server_error', 'provider_not_configured', `the provider "${model.provider}" is not configured`);
  }
  return adapter;
}

/**
 * Resolves the model to call: the named one, or the router's choice for "auto" and tier names.
 * A routed request the router finds no candidate for is recorded (RoutingDecided) and refused.
 */
export async function prepareCall(services: ModelCallServices, call: CallRequest, capability: Capability = 'chat'): Promise<PreparedCall> {
  const requestId = newRequestId();
  const routing = call.routing ?? {};
  const live = services.router?.versions.current();
  if (live === undefined) {
    if (routedName(call.requestedModel) !== undefined || routing.fallbacks !== undefined || routing.brandPreference !== undefined) {
      throw new GatewayError(503, 'server_error', 'router_unavailable', 'this gateway runs without a router: name a model');
    }
    const model = resolveNamed(services.catalog, call.principal, call.requestedModel, capability, routing.provider);
    return { call, model, adapter: adapterFor(services, model), requestId, startedAt: performance.now() };
  }
  const assessed = assessRequest(live, call.request);
  const planned = planRoute({ catalog: services.catalog, hasProvider: (providerId) => services.providers.get(providerId) !== undefined,
    live, principal: call.principal, requestedModel: call.requestedModel, request: call.request, capability, options: routing,
    routeId: requestId }, assessed);
  if (!planned.ok) {
    await admitWithoutCall(services, call.principal, call.setHeaders);
    await appendDecision(services, planned.plan, { executed: false, servedRequestId: null });
    throw planned.error;
  }
  return { call, model: planned.model, adapter: adapterFor(services, planned.model), requestId, startedAt: performance.now(),
    assessed, route: planned.plan, outputTokensAsked: call.request.sampling.maxOutputTokens };
}

/** Rate limits and the hold for a chat call; a refusal is thrown before any provider is called. */
export async function admitChat(services: ModelCallServices, prepared: PreparedCall): Promise<void> {
  const { call } = prepared;
  const demand = chatDemand(call.request, prepared.model, call.maxCostMicros);
  prepared.admitted = await admit(services, { principal: call.principal, requestId: prepared.requestId, demand,
    setHeaders: call.setHeaders });
}

/** Runs the call, falling back to the next planned model when a provider fails before answering. */
export async function runCall(services: ModelCallServices, prepared: PreparedCall): Promise<CompletedCall> {
  for (;;) {
    try {
      return await runAttempt(services, prepared);
    } catch (error) {
      if (!(await fellBack(services, prepared, error))) throw error;
    }
  }
}

async function runAttempt(services: ModelCallServices, prepared: PreparedCall): Promise<CompletedCall> {
  const { call, adapter, model } = prepared;
  // Translated before the hold: a request this model cannot take is refused without one.
  const chatRequest = usesComplete(call, adapter) ? undefined : chatRequestOf(call);
  await admitChat(services, prepared);
  const context = { upstreamModel: model.upstream, signal: call.signal, headers: call.headers };
  let result: CanonicalChatResult;
  try {
    result = chatRequest === undefined ? await adapter.complete!(call.completion!, context) : await adapter.chat(chatRequest, context);
  } catch (error) {
    await recordFailure(services, prepared, error);
    throw error;
  }
  const { usage, source } = await usageOf(result.usage, call.request, textOfParts(result.content));
  const extras = await record(services, prepared, { status: 200, errorCode: null, finishReason: result.finish.reason,
    ttftMs: null, usage, usageSource: source, contentKept: true }, { closesRoute: true });
  await keepContent(services, prepared, extras, result);
  return { result, extras, requestId: prepared.requestId, model };
}

/**
 * Streams the answer into the sink. A ProviderError before the first part is thrown (the caller
 * can still answer with a plain error); anything later ends the stream with an error part.
 */
export async function streamCall(services: ModelCallServices, prepared: PreparedCall, sink: StreamSink): Promise<void> {
  for (;;) {
    try {
      return await streamAttempt(services, prepared, sink);
    } catch (error) {
      if (!(await fellBack(services, prepared, error))) throw error;
    }
  }
}

async function streamAttempt(services: ModelCallServices, prepared: PreparedCall, sink: StreamSink): Promise<void> {
  const { call, adapter, model } = prepared;
  const chatRequest = usesComplete(call, adapter) ? undefined : chatRequestOf(call);
  await admitChat(services, prepared);
  // The upstream call ends when the client leaves, or when the answer has used up its hold.
  const upstream = new AbortController();
  const abortUpstream = () => upstream.abort(call.signal.reason);
  call.signal.addEventListener('abort', abortUpstream, { once: true });
  const context = { upstreamModel: model.upstream, signal: upstream.signal, headers: call.headers };
  const accumulator = new StreamAccumulator();
  const meter = new OutputMeter(prepared.admitted?.outputTokensMax ?? Number.POSITIVE_INFINITY);
  let ttftMs: number | null = null;
  let written = 0;
  let opening: CanonicalStreamPart | undefined;
  let holdExhausted = false;
  let last: Extract<CanonicalStreamPart, { type: 'finish' | 'error' }> | undefined;
  try {
    const parts = chatRequest === undefined && adapter.streamComplete !== undefined
      ? adapter.streamComplete(call.completion!, context) : adapter.streamChat(chatRequest ?? chatRequestOf(call), context);
    for await (const part of parts) {
      accumulator.add(part);
      if (part.type === 'finish' || part.type === 'error') { last = part; break; }
      // The opening metadata waits for the first real part: a provider that is overloaded right
      // after opening (Anthropic's message_start, then an error event) has then sent the client
      // nothing, and another model can still answer.
      if (part.type === 'response-metadata' && written === 0) { opening = part; continue; }
      if (ttftMs === null && (part.type === 'text-delta' || part.type === 'tool-call-start' || part.type === 'reasoning-delta')) {
        ttftMs = performance.now() - prepared.startedAt;
      }
      if (opening !== undefined) {
        await sink.write(opening);
        opening = undefined;
      }
      await sink.write(part);
      written += 1;
      if (await meter.exceeded(part)) {
        // The provider went past the output limit its hold pays for: stop it, and end the
        // client's stream cleanly as a length cut-off.
        holdExhausted = true;
        upstream.abort(new Error('the answer used up its hold'));
        last = { type: 'finish', finish: { reason: 'length', rawReason: 'hold_exhausted' } };
        break;
      }
    }
  } catch (error) {
    // Anything that fails before the client got a part is recorded (and its hold settled).
    if (written > 0) throw error;
    await recordFailure(services, prepared, error);
    throw error;
  } finally {
    call.signal.removeEventListener('abort', abortUpstream);
  }
  last ??= { type: 'error', error: { status: call.signal.aborted ? 499 : 502, type: 'stream_ended',
    message: 'the provider ended the stream without finishing' } };
  if (last.type === 'error' && !call.signal.aborted && written === 0) {
    // Failed in-band before any output (an error event after HTTP 200, or nothing at all): a
    // failure like an HTTP error, costing nothing, and another model may still answer. An
    // in-band code that is no HTTP error status is reported as a bad gateway.
    const status = last.error.status >= 400 && last.error.status <= 599 ? last.error.status : 502;
    const failure = new ProviderError({ status, type: last.error.type, code: last.error.code, message: last.error.message });
    await recordFailure(services, prepared, failure);
    throw failure;
  }
  // An answer with nothing but an ending still opens the way the provider opened it.
  if (opening !== undefined) await sink.write(opening);
  const snapshot = accumulator.toResult();
  const { usage, source } = await usageOf(snapshot.usage, call.request, textOfParts(snapshot.content));
  const ending = last.type === 'error'
    ? { status: last.error.status, errorCode: last.error.type, finishReason: 'error' }
    : { status: 200, errorCode: holdExhausted ? 'hold_exhausted' : null, finishReason: last.finish.reason };
  // The attempt that answered closes the route (also a stream that failed after some output).
  const extras = await record(services, prepared, { ...ending, ttftMs, usage, usageSource: source, contentKept: true }, { closesRoute: true });
  await keepContent(services, prepared, extras, snapshot);
  // A stream Lumen cut off never got the provider's usage: the client gets Lumen's count.
  if (holdExhausted) await sink.write({ type: 'usage', usage });
  await sink.end(last, extras);
}

/** A legacy completion goes to an upstream that still serves /v1/completions as such. */
function usesComplete(call: CallRequest, adapter: ProviderAdapter): boolean {
  return call.completion !== undefined && adapter.complete !== undefined;
}

/** What a chat upstream is sent: the request, or a legacy completion as one user message. */
function chatRequestOf(call: CallRequest): CanonicalChatRequest {
  return call.completion === undefined ? call.request : completionAsChat(call.completion);
}

async function keepContent(services: ModelCallServices, prepared: PreparedCall, extras: LumenExtras, response: unknown): Promise<void> {
  const keep = prepared.call.keepContent;
  if (keep === undefined || services.content === undefined) return;
  await services.content.keep({ requestId: prepared.requestId, accountId: prepared.call.principal.accountId,
    eventHash: extras.lumen.audit_hash, request: keep.body, response });
}

/** The provider's usage when it reported one; otherwise Lumen's own count of what was sent and generated. */
async function usageOf(reported: CanonicalUsage | undefined, request: CanonicalChatRequest, outputText: string) {
  if (reported !== undefined) return { usage: reported, source: 'provider' as const };
  const usage: CanonicalUsage = { inputTokens: await countTokens(promptText(request)), outputTokens: await countTokens(outputText),
    cachedInputTokens: 0, cacheCreationInputTokens: 0, reasoningTokens: 0 };
  return { usage, source: 'tokenizer' as const };
}
