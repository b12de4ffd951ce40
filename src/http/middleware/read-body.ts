// Reads the raw request body with a size limit before anything parses it: a body over the limit
// is refused with 413 without being buffered, and the raw bytes stay available (the ledger
// records their digest; webhook signatures are checked over them).
import { createHash } from 'node:crypto';
import type { Context, Next } from 'koa';
import { badRequest, GatewayError } from '../errors.ts';

export function readJsonBody(bodyBytesMax: number) {
  return async function readBody(ctx: Context, next: Next): Promise<void> {
    if (ctx.method !== 'POST' && ctx.method !== 'PUT' && ctx.method !== 'PATCH') return next();
    const declared = Number(ctx.get('content-length') || 0);
    if (declared > bodyBytesMax) {
      await discardRest(ctx, 0, bodyBytesMax);
      throw tooLarge(bodyBytesMax);
    }
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const chunk of ctx.req as AsyncIterable<Buffer>) {
      size += chunk.length;
      if (size > bodyBytesMax) {
        await discardRest(ctx, size, bodyBytesMax);
        throw tooLarge(bodyBytesMax);
      }
      chunks.push(chunk);
    }
    const raw = Buffer.concat(chunks);
    ctx.state.rawBody = raw;
    ctx.state.bodySha256 = createHash('sha256').update(raw).digest('hex');
    const type = ctx.get('content-type');
    if (type.startsWith('multipart/')) return next();
    if (raw.length === 0) throw badRequest('the request body is empty; expected a JSON object', 'invalid_json');
    try {
      ctx.state.body = JSON.parse(raw.toString('utf8')) as unknown;
    } catch (error) {
      throw badRequest(`the request body is not valid JSON: ${(error as Error).message}`, 'invalid_json');
    }
    if (typeof ctx.state.body !== 'object' || ctx.state.body === null || Array.isArray(ctx.state.body)) {
      throw badRequest('the request body must be a JSON object', 'invalid_json');
    }
    takeObservabilityFlag(ctx, ctx.state.body as Record<string, unknown>);
    takeMaxCost(ctx, ctx.state.body as Record<string, unknown>);
    return next();
  };
}

/**
 * Reads and drops what is left of a refused body, so the client (still sending) receives the 413
 * instead of a broken connection. Nothing is kept; past a hard cap the socket is closed instead.
 */
async function discardRest(ctx: Context, alreadyRead: number, bodyBytesMax: number): Promise<void> {
  const discardBytesMax = Math.max(4 * bodyBytesMax, 64 * 1024 * 1024);
  let size = alreadyRead;
  for await (const chunk of ctx.req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > discardBytesMax) {
      ctx.req.destroy();
      return;
    }
  }
}

function tooLarge(bodyBytesMax: number): GatewayError {
  return new GatewayError(413, 'invalid_request_error', 'request_too_large',
    `the request body is larger than ${bodyBytesMax} bytes`);
}

/**
 * Lumen's own "observability" field asks to keep the prompt and completion beside the ledger.
 * It is taken out of the body here, so no protocol translator passes it on to a provider.
 */
function takeObservabilityFlag(ctx: Context, body: Record<string, unknown>): void {
  if (!('observability' in body)) return;
  const flag = body.observability;
  if (typeof flag !== 'boolean') throw badRequest('observability must be true or false', 'invalid_request', 'observability');
  delete body.observability;
  ctx.state.observability = flag;
}

/**
 * Lumen's own "max_cost_usd" caps what one request may cost: the hold, and with it the output
 * limit sent upstream. Like "observability" it never reaches a provider.
 */
function takeMaxCost(ctx: Context, body: Record<string, unknown>): void {
  if (!('max_cost_usd' in body)) return;
  const value = body.max_cost_usd;
  delete body.max_cost_usd;
  if (value === null) return;
  if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0 || value > 1_000_000) {
    throw badRequest('max_cost_usd must be a positive number of dollars', 'invalid_request', 'max_cost_usd');
  }
  // A cap rounds down to whole micro-dollars: never allow more than the caller said.
  const micros = Math.floor(value * 1_000_000);
  if (micros < 1) throw badRequest('max_cost_usd must be at least one micro-dollar (0.000001)', 'max_cost_too_low', 'max_cost_usd');
  ctx.state.maxCostMicros = micros;
}
