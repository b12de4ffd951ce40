// What every model call takes from the Koa context, whatever the client protocol: who calls
// (the authenticated key), for which app, the digest of the body as received, and the signal
// that aborts the upstream call when the client goes away.
import type { Context } from 'koa';
import type { KeyRecord } from '../gateway/key-index.ts';
import type { PreparedCall } from '../gateway/model-call.ts';
import type { ResponseIdentity } from '../protocols/canonical-to-openai-chat.ts';
import type { SseResponse } from './sse-response.ts';

export function callBasics(ctx: Context, sse: SseResponse) {
  return { principal: ctx.state.principal as KeyRecord, appId: appIdOf(ctx), bodySha256: String(ctx.state.bodySha256),
    signal: sse.signal,
    // "observability": true (taken out of the body by the body reader) keeps the content beside the ledger.
    keepContent: ctx.state.observability === true ? { body: ctx.state.body as unknown } : undefined,
    maxCostMicros: ctx.state.maxCostMicros as number | undefined,
    setHeaders: (headers: Record<string, string>) => ctx.set(headers) };
}

export function appIdOf(ctx: Context): string | null {
  const appId = ctx.get('x-app-id').trim();
  return appId === '' ? null : appId.slice(0, 200);
}

/** Unix seconds for `created` fields; the time comes from the services' clock, never from the translators. */
export function nowSeconds(now: () => Date): number {
  return Math.floor(now().getTime() / 1000);
}

/** Aborts the upstream call when the client goes away before the whole answer was sent. */
export function clientGoneSignal(ctx: Context): AbortSignal {
  const controller = new AbortController();
  ctx.res.on('close', () => {
    if (!ctx.res.writableFinished) controller.abort(new Error('client disconnected'));
  });
  return controller.signal;
}

/**
 * The id, model and time a response names. The model follows the call: a fallback switches it
 * before anything of the answer is sent, so the client sees the model that answered.
 */
export function responseIdentity(ctx: Context, prepared: PreparedCall, id: string, now: () => Date): ResponseIdentity {
  const identity = { id, model: prepared.model.id, createdSeconds: nowSeconds(now) };
  // The provider's kind decides how its errors are passed through (errors.ts): it follows too.
  ctx.state.providerKind = prepared.adapter.kind;
  prepared.onSwitch = (model) => {
    identity.model = model.id;
    ctx.state.providerKind = prepared.adapter.kind;
  };
  return identity;
}
