// Recording one attempt of a model call: its RequestCompleted (with the route's RoutingDecided
// when this attempt answers a routed call), the settlement of its hold, the rate-limit tokens it
// did not use, and its prompt features for retunes. Used by chat, embedding and media calls.
import { latestSchemaVersion } from '../domain/events.ts';
import { GatewayError, toGatewayError } from '../http/errors.ts';
import { StoreError, type NewEvent } from '../ledger/event-store.ts';
import type { CanonicalUsage } from '../protocols/canonical.ts';
import { TranslationError } from '../protocols/translation-error.ts';
import { ProviderError } from '../providers/provider.ts';
import { featureVersion } from '../routing/features.ts';
import { limitsOf } from './admission.ts';
import type { ModelCallServices, PreparedCall } from './model-call.ts';
import { lumenExtras, requestCompletedData, type LumenExtras } from './request-record.ts';
import { decisionEvent } from './route-attempts.ts';

export interface Outcome {
  status: number;
  errorCode: string | null;
  finishReason: string | null;
  ttftMs: number | null;
  usage: CanonicalUsage;
  usageSource: 'provider' | 'tokenizer' | 'none';
  unitCostMicros?: number;
  /** The answer's content will be kept (when the caller opted in); failures before any answer keep nothing. */
  contentKept?: boolean;
}

/**
 * Appends the attempt's RequestCompleted. The attempt that answers a routed call closes the
 * route: its RoutingDecided goes into the same append, so routing costs no second commit.
 */
export async function record(services: ModelCallServices, prepared: PreparedCall, outcome: Outcome,
  options: { closesRoute?: boolean } = {}): Promise<LumenExtras> {
  const { call, model, requestId } = prepared;
  const data = requestCompletedData({ unitCostMicros: outcome.unitCostMicros,
    requestId, accountId: call.principal.accountId, keyId: call.principal.keyId, appId: call.appId,
    protocol: call.protocol, stream: call.stream, requestedModel: call.requestedModel, model, bodySha256: call.bodySha256,
    latencyMs: performance.now() - prepared.startedAt, at: services.now(), ...outcome,
    contentKept: outcome.contentKept === true && call.keepContent !== undefined && services.content !== undefined,
  });
  const route = prepared.route;
  route?.attempts.push({ requestId, model: model.id, status: data.status, errorCode: data.errorCode });
  const closing = options.closesRoute === true ? route : undefined;
  const events: NewEvent[] = [{ id: `request:${requestId}`, type: 'RequestCompleted', schemaVersion: latestSchemaVersion('RequestCompleted'), data }];
  if (closing !== undefined) events.push(decisionEvent(closing, { executed: true, servedRequestId: requestId }, data.day));
  const appended = await appendRecord(services, `request-${requestId}`, events);
  if (closing !== undefined) closing.closed = true;
  settleAdmission(services, prepared, data.costMicros, data.inputTokens + data.outputTokens, data.day);
  const assessed = prepared.assessed;
  if (assessed !== undefined && data.status === 200) {
    services.router?.store.keepFeatures({ requestId, accountId: call.principal.accountId, featureVersion,
      promptKind: assessed.promptKind, routerVersion: assessed.routerVersion, features: assessed.features });
  }
  const extras = lumenExtras(data, appended.events[0]!.hash);
  if (assessed !== undefined) {
    extras.lumen.difficulty_score = assessed.difficultyScore;
    extras.lumen.router_version = assessed.routerVersion;
  }
  const decision = appended.events[1];
  if (closing !== undefined && decision !== undefined) {
    extras.lumen.routing = { route_id: closing.routeId, reason: closing.decided.reason, quality_floor: closing.decided.qualityFloor,
      attempts: closing.attempts.length, decision_hash: decision.hash };
  }
  return extras;
}

/**
 * The request's events in one append. Should the decision beside it be refused (a programmer
 * error: the edge checks every routing field against the event's limits), the RequestCompleted
 * is appended alone, so an answer that was served is always recorded and settled.
 */
async function appendRecord(services: ModelCallServices, streamId: string, events: NewEvent[]) {
  try {
    return await services.store.append(streamId, events, 'no_stream');
  } catch (error) {
    if (events.length === 1 || !(error instanceof StoreError && error.code === 'invalid_event')) throw error;
    return await services.store.append(streamId, events.slice(0, 1), 'no_stream');
  }
}

export async function recordFailure(services: ModelCallServices, prepared: PreparedCall, error: unknown): Promise<void> {
  // A provider's error keeps its status; one of Lumen's own (a request this upstream cannot
  // take) is recorded as the client will see it; anything else as a bad gateway.
  const known = error instanceof ProviderError || error instanceof TranslationError || error instanceof GatewayError;
  const refusal = toGatewayError(error);
  const status = known && refusal.status >= 400 && refusal.status <= 599 ? refusal.status : 502;
  const errorCode = error instanceof ProviderError ? (error.code ?? error.type) : known ? refusal.code : 'provider_failed';
  await record(services, prepared, { status, errorCode, finishReason: null, ttftMs: null,
    usage: { inputTokens: 0, outputTokens: 0, cachedInputTokens: 0, cacheCreationInputTokens: 0, reasoningTokens: 0 },
    usageSource: 'none' });
  prepared.failedBeforeOutput = true;
}

/** Settles the hold to the recorded cost and gives back the rate-limit tokens the call did not use. */
function settleAdmission(services: ModelCallServices, prepared: PreparedCall, costMicros: number, tokensUsed: number, day: string): void {
  const admitted = prepared.admitted;
  if (admitted === undefined) return;
  services.billing.settle(admitted.hold, costMicros, day);
  const unused = admitted.rateTokens - tokensUsed;
  if (unused > 0 && services.limiter !== undefined) {
    void services.limiter.refund(prepared.call.principal.keyId, limitsOf(prepared.call.principal), unused).catch(() => undefined);
  }
}
