// The attempts of a routed call (or one with fallbacks): when a provider fails before any
// output, the next planned model is tried with a new request id and its own hold; the route's
// one RoutingDecided is recorded with the answering attempt (model-call.ts) or, when no attempt
// answers, alone in the route's own stream.
import type { CatalogModel } from '../catalog/model.ts';
import { latestSchemaVersion } from '../domain/events.ts';
import type { NewEvent } from '../ledger/event-store.ts';
import { ProviderError, type ProviderAdapter } from '../providers/provider.ts';
import type { ModelCallServices, PreparedCall } from './model-call.ts';
import { newRequestId } from './request-record.ts';
import type { RoutePlan } from './route-planner.ts';
import { completionAsChat } from '../protocols/completions-to-canonical.ts';
import { TranslationError } from '../protocols/translation-error.ts';

/** A provider error worth trying another model for: overloaded, rate limited, timed out or down. */
function isFallbackError(error: unknown): boolean {
  return error instanceof ProviderError && (error.status === 429 || error.status === 408 || error.status >= 500);
}

/** Whether an upstream can take this call: a legacy completion with echo, suffix or best_of needs a completions endpoint. */
function canServe(prepared: PreparedCall, adapter: ProviderAdapter): boolean {
  const completion = prepared.call.completion;
  if (completion === undefined || adapter.complete !== undefined) return true;
  try {
    completionAsChat(completion);
    return true;
  } catch (error) {
    if (error instanceof TranslationError) return false;
    throw error;
  }
}

/**
 * After a failed attempt: switches to the next planned model when the provider failed before
 * any output. The failed attempt is already recorded (its own RequestCompleted, at zero cost, its
 * hold released); the next attempt gets a new request id and its own hold, so only the answer
 * that is served is charged. When there is nothing left to try, the route is closed.
 */
export async function fellBack(services: ModelCallServices, prepared: PreparedCall, error: unknown): Promise<boolean> {
  const failedBeforeOutput = prepared.failedBeforeOutput === true;
  prepared.failedBeforeOutput = false;
  const route = prepared.route;
  if (route === undefined || route.closed === true) return false;
  const retry = failedBeforeOutput && isFallbackError(error) && !prepared.call.signal.aborted;
  let next: CatalogModel | undefined;
  let adapter: ProviderAdapter | undefined;
  while (retry && adapter === undefined && (next = route.remaining().shift()) !== undefined) {
    const candidate = services.providers.get(next.provider);
    adapter = candidate !== undefined && canServe(prepared, candidate) ? candidate : undefined;
  }
  if (next === undefined || adapter === undefined) {
    // Refused before any provider was called (rate limit, credit): nothing was acted on, and a
    // refusal must not cost a ledger write. Otherwise the attempts that failed are the record.
    if (route.attempts.length > 0) await appendDecision(services, route, { executed: true, servedRequestId: null });
    return false;
  }
  prepared.model = next;
  prepared.adapter = adapter;
  prepared.requestId = newRequestId();
  prepared.startedAt = performance.now();
  prepared.admitted = undefined;
  // A cost cap lowered the output limit for the failed model; the next one starts from the asked limit.
  prepared.call.request.sampling.maxOutputTokens = prepared.outputTokensAsked;
  prepared.onSwitch?.(next);
  return true;
}

/** The one RoutingDecided of a route; its id is fixed per route, so it is never recorded twice. */
export function decisionEvent(route: RoutePlan, ending: { executed: boolean; servedRequestId: string | null }, day: string): NewEvent {
  return { id: `route:${route.routeId}`, type: 'RoutingDecided', schemaVersion: latestSchemaVersion('RoutingDecided'),
    data: { ...route.decided, executed: ending.executed, attempts: route.attempts, servedRequestId: ending.servedRequestId, day } };
}

/** A route no attempt answered (or a decision only): its RoutingDecided alone, in the route's own stream. */
export async function appendDecision(services: ModelCallServices, route: RoutePlan,
  ending: { executed: boolean; servedRequestId: string | null }): Promise<string> {
  const event = decisionEvent(route, ending, services.now().toISOString().slice(0, 10));
  route.closed = true;
  const appended = await services.store.append(`route-${route.routeId}`, [event], 'no_stream');
  return appended.events[0]!.hash;
}
