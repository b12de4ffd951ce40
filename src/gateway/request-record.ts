// The RequestCompleted event for one model call, and the cost figures shown to the client.
// Pure: the caller supplies the outcome, the model's prices and the time.
import { randomUUID } from 'node:crypto';
import { costBreakdownMicros } from '../catalog/catalog.ts';
import type { CatalogModel } from '../catalog/model.ts';
import type { EventOf } from '../domain/events.ts';
import { microsToUsd } from '../domain/money.ts';
import type { CanonicalUsage } from '../protocols/canonical.ts';

export type RequestProtocol = EventOf<'RequestCompleted'>['data']['protocol'];

export interface CallOutcome {
  requestId: string;
  accountId: string;
  keyId: string;
  appId: string | null;
  protocol: RequestProtocol;
  stream: boolean;
  requestedModel: string;
  model: CatalogModel;
  bodySha256: string;
  contentKept: boolean;
  status: number;
  errorCode: string | null;
  finishReason: string | null;
  latencyMs: number;
  ttftMs: number | null;
  usage: CanonicalUsage;
  usageSource: 'provider' | 'tokenizer' | 'none';
  /** Flat charges (images, audio seconds) on top of token costs. */
  unitCostMicros?: number;
  at: Date;
}

export function requestCompletedData(outcome: CallOutcome): EventOf<'RequestCompleted'>['data'] {
  const usage = outcome.usage;
  const costs = costBreakdownMicros({ inputTokens: usage.inputTokens, outputTokens: usage.outputTokens,
    cachedInputTokens: usage.cachedInputTokens }, outcome.model);
  const unit = outcome.unitCostMicros ?? 0;
  return {
    requestId: outcome.requestId, accountId: outcome.accountId, keyId: outcome.keyId, appId: outcome.appId,
    protocol: outcome.protocol, stream: outcome.stream, requestedModel: outcome.requestedModel,
    model: outcome.model.id, tier: outcome.model.tier, provider: outcome.model.provider, upstreamModel: outcome.model.upstream,
    bodySha256: outcome.bodySha256, contentKept: outcome.contentKept, status: outcome.status, errorCode: outcome.errorCode, finishReason: outcome.finishReason,
    latencyMs: Math.max(0, Math.round(outcome.latencyMs)),
    ttftMs: outcome.ttftMs === null ? null : Math.max(0, Math.round(outcome.ttftMs)),
    inputTokens: usage.inputTokens, outputTokens: usage.outputTokens, cachedInputTokens: usage.cachedInputTokens,
    reasoningTokens: usage.reasoningTokens, usageSource: outcome.usageSource, priceVersion: outcome.model.priceVersion,
    inputCostMicros: costs.uncachedInputMicros + unit, cachedInputCostMicros: costs.cachedInputMicros,
    outputCostMicros: costs.outputMicros, costMicros: costs.totalMicros + unit,
    day: outcome.at.toISOString().slice(0, 10),
  };
}

/** What every response carries besides the protocol's own body. */
export interface LumenExtras {
  lumen: {
    request_id: string; tier: string; model: string; provider: string; difficulty_score: number | null; router_version: string | null;
    audit_hash: string; cost_per_1k: number; cost_usd: number; cache_hit: boolean; elapsed_sec: number;
    /** Routed calls and calls with fallbacks: why this model, and the RoutingDecided entry that says so. */
    routing?: { route_id: string; reason: string; quality_floor: number; attempts: number; decision_hash: string };
  };
  usageCosts: {
    input_cost_usd: number; output_cost_usd: number; cache_input_cost_usd: number; total_cost_usd: number;
    latency_ms: number; ttft_ms: number | null;
  };
}

export function lumenExtras(data: EventOf<'RequestCompleted'>['data'], auditHash: string): LumenExtras {
  const tokens = data.inputTokens + data.outputTokens;
  return {
    lumen: {
      request_id: data.requestId, tier: data.tier, model: data.model, provider: data.provider, difficulty_score: null, router_version: null,
      audit_hash: auditHash, cost_per_1k: tokens === 0 ? 0 : Math.round((data.costMicros * 1000) / tokens) / 1_000_000,
      cost_usd: microsToUsd(data.costMicros), cache_hit: false, elapsed_sec: data.latencyMs / 1000,
    },
    usageCosts: {
      input_cost_usd: microsToUsd(data.inputCostMicros), output_cost_usd: microsToUsd(data.outputCostMicros),
      cache_input_cost_usd: microsToUsd(data.cachedInputCostMicros), total_cost_usd: microsToUsd(data.costMicros),
      latency_ms: data.latencyMs, ttft_ms: data.ttftMs,
    },
  };
}

/** A new request id: 32 hex digits. */
export function newRequestId(): string {
  return randomUUID().replaceAll('-', '');
}
