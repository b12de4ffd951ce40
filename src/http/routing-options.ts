// Lumen's routing fields, taken out of a model request's body before the protocol's own schema
// reads it (they never reach a provider): quality_floor, brand_pref, fallbacks, provider, and,
// on POST /v1/router only, models and cost_weight. Checked with zod at this edge.
import type { Context } from 'koa';
import { z } from 'zod';
import { routeAttemptsMax, type RoutingOptions } from '../gateway/route-planner.ts';
import { badRequest } from './errors.ts';

// The same limits as the RoutingDecided event that records these fields.
const name = z.string().trim().min(1).max(200);
const providerName = z.string().trim().min(1).max(100);

const routingFields = z.object({
  quality_floor: z.number().min(0).max(1).nullish(),
  brand_pref: z.union([providerName, z.array(providerName).min(1).max(10)]).nullish(),
  fallbacks: z.array(name).max(routeAttemptsMax - 1).nullish(),
  provider: providerName.nullish(),
});

const routerFields = routingFields.extend({
  models: z.array(name).min(2).max(50).nullish(),
  cost_weight: z.number().min(0).max(100).nullish(),
});

type Fields = z.infer<typeof routerFields>;

function take(body: Record<string, unknown>, keys: readonly string[]): Record<string, unknown> {
  const taken: Record<string, unknown> = {};
  for (const key of keys) {
    if (!(key in body)) continue;
    taken[key] = body[key];
    delete body[key];
  }
  return taken;
}

function toOptions(fields: Fields, maxCostMicros: number | undefined): RoutingOptions {
  const brand = fields.brand_pref;
  return {
    ...(fields.quality_floor == null ? {} : { qualityFloor: fields.quality_floor }),
    ...(brand == null ? {} : { brandPreference: typeof brand === 'string' ? [brand] : brand }),
    ...(fields.fallbacks == null ? {} : { fallbacks: fields.fallbacks }),
    ...(fields.provider == null ? {} : { provider: fields.provider }),
    ...(fields.models == null ? {} : { models: fields.models }),
    ...(fields.cost_weight == null ? {} : { costWeight: fields.cost_weight }),
    ...(maxCostMicros === undefined ? {} : { maxCostMicros }),
  };
}

function parse(schema: z.ZodType<Fields>, taken: Record<string, unknown>): Fields {
  const parsed = schema.safeParse(taken);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  const field = String(issue?.path[0] ?? 'body');
  throw badRequest(`${field}: ${issue?.message ?? 'is invalid'}`, 'invalid_routing_option', field);
}

/** The routing fields of a chat, Responses or Messages request. */
export function takeRoutingOptions(ctx: Context): RoutingOptions {
  const body = ctx.state.body as Record<string, unknown>;
  const taken = take(body, ['quality_floor', 'brand_pref', 'fallbacks', 'provider']);
  return toOptions(parse(routingFields, taken), ctx.state.maxCostMicros as number | undefined);
}

/** The same plus POST /v1/router's `models` and `cost_weight`. */
export function takeRouterOptions(ctx: Context): RoutingOptions {
  const body = ctx.state.body as Record<string, unknown>;
  const taken = take(body, ['quality_floor', 'brand_pref', 'fallbacks', 'provider', 'models', 'cost_weight']);
  return toOptions(parse(routerFields, taken), ctx.state.maxCostMicros as number | undefined);
}
