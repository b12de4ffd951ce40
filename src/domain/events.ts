// The one union of Lumen's events. Each is a fact (past tense) with a schema version; a shipped
// shape never changes: a new shape gets a new version and an upcaster. Payloads are validated
// with zod when they are appended, which is the only place untrusted shapes could enter.
import { z } from 'zod';

const id = z.string().min(1).max(128);
const sha256 = z.string().regex(/^[0-9a-f]{64}$/);
const micros = z.number().int().refine(Number.isSafeInteger, 'must be a safe integer');

export const eventSchemas = {
  AccountOpened: { 1: z.object({ accountId: id, name: z.string().min(1).max(200), plan: z.string().max(40) }).strict() },
  AccountPlanChanged: { 1: z.object({ accountId: id, plan: z.string().min(1).max(40) }).strict() },
  CreditsGranted: {
    1: z.object({ accountId: id, amountMicros: micros.refine((value) => value > 0, 'must be positive'),
      reason: z.string().max(200) }).strict(),
  },
  ApiKeyIssued: {
    1: z.object({
      accountId: id,
      keyId: id,
      // SHA-256 of the key: the key itself is shown once and never stored or recorded.
      keyHash: z.string().regex(/^[0-9a-f]{64}$/),
      keyPrefix: z.string().max(20),
      name: z.string().max(200),
      // Models this key may call (catalog ids); null allows every model.
      allowedModels: z.array(z.string().max(200)).max(100).nullable(),
    }).strict(),
  },
  ApiKeyRevoked: { 1: z.object({ accountId: id, keyId: id }).strict() },
  // One event per model call, whatever its outcome: who asked, what (a digest of the body, never
  // the body), what happened, and what it cost. Its hash is the `audit_hash` clients receive.
  RequestCompleted: {
    1: z.object({
      requestId: id,
      accountId: id,
      keyId: id,
      appId: z.string().max(200).nullable(),
      // The media values were added later; widening the enum leaves every recorded event valid.
      protocol: z.enum(['openai-chat', 'openai-completions', 'openai-embeddings', 'openai-responses', 'anthropic-messages',
        'openai-images', 'openai-audio']),
      stream: z.boolean(),
      requestedModel: z.string().max(200),
      model: z.string().max(200),
      tier: z.string().max(20),
      provider: z.string().max(100),
      upstreamModel: z.string().max(200),
      bodySha256: z.string().regex(/^[0-9a-f]{64}$/),
      // The caller opted in ("observability": true): prompt and completion are kept beside the
      // ledger under this request id, never inside this event.
      contentKept: z.boolean(),
      status: z.number().int().min(100).max(599),
      errorCode: z.string().max(100).nullable(),
      finishReason: z.string().max(40).nullable(),
      latencyMs: z.number().int().nonnegative(),
      ttftMs: z.number().int().nonnegative().nullable(),
      inputTokens: z.number().int().nonnegative(),
      outputTokens: z.number().int().nonnegative(),
      cachedInputTokens: z.number().int().nonnegative(),
      reasoningTokens: z.number().int().nonnegative(),
      // provider: the upstream reported usage; tokenizer: Lumen counted it; none: nothing to count.
      usageSource: z.enum(['provider', 'tokenizer', 'none']),
      priceVersion: z.string().max(40),
      inputCostMicros: micros.refine((value) => value >= 0, 'must not be negative'),
      cachedInputCostMicros: micros.refine((value) => value >= 0, 'must not be negative'),
      outputCostMicros: micros.refine((value) => value >= 0, 'must not be negative'),
      costMicros: micros.refine((value) => value >= 0, 'must not be negative'),
      day: z.string().regex(/^\d{4}-\d{2}-\d{2}$/),
    }).strict(),
  },
  // Billing. A hold reserves a request's maximum cost on the account before any provider is
  // called; it resolves exactly once: settled to the actual cost, or expired (by ledger time).
  CreditsHeld: {
    1: z.object({ accountId: id, requestId: id, keyId: id, amountMicros: micros.refine((value) => value >= 0, 'must not be negative'),
      // Ledger time after which an unresolved hold may be expired by any gateway process.
      expiresAt: z.string().datetime({ precision: 6 }) }).strict(),
  },
  HoldSettled: {
    1: z.object({ accountId: id, requestId: id,
      // The amount the hold reserved, released by this settlement.
      heldMicros: micros.refine((value) => value >= 0, 'must not be negative'),
      // What the request cost at catalog prices, and what the account is charged: never more
      // than the hold, so no account spends past its credit; the rest is written off, visibly.
      costMicros: micros.refine((value) => value >= 0, 'must not be negative'),
      chargedMicros: micros.refine((value) => value >= 0, 'must not be negative'),
      writtenOffMicros: micros.refine((value) => value >= 0, 'must not be negative'),
      day: z.string().regex(/^\d{4}-\d{2}-\d{2}$/) }).strict(),
  },
  HoldExpired: {
    1: z.object({ accountId: id, requestId: id, amountMicros: micros.refine((value) => value >= 0, 'must not be negative'),
      expiresAt: z.string().datetime({ precision: 6 }) }).strict(),
  },
  CreditsToppedUp: {
    1: z.object({ accountId: id, amountMicros: micros.refine((value) => value > 0, 'must be positive'),
      // The one-credit-per-payment key (checkout:<session id> or invoice:<invoice id>) and the Stripe ids.
      paymentKey: z.string().min(1).max(200), stripeEventId: z.string().max(200), stripeSessionId: z.string().max(200).nullable(),
      stripePaymentIntentId: z.string().max(200).nullable(), stripeInvoiceId: z.string().max(200).nullable(),
      amountPaidCents: z.number().int().nonnegative(), currency: z.string().min(3).max(3) }).strict(),
  },
  StripeCustomerLinked: { 1: z.object({ accountId: id, customerId: z.string().min(1).max(200) }).strict() },
  // Key groups restrict the keys assigned to them to some models and/or some clients.
  KeyGroupDefined: {
    1: z.object({ accountId: id, groupId: id, name: z.string().max(200),
      models: z.array(z.string().max(200)).max(200).nullable(), clients: z.array(z.string().max(40)).max(20).nullable() }).strict(),
  },
  ApiKeyGroupAssigned: { 1: z.object({ accountId: id, keyId: id, groupId: id.nullable() }).strict() },
  // A signed checkpoint of the Merkle log over every event (src/audit).
  CheckpointPublished: {
    1: z.object({ origin: z.string().min(1).max(200), treeSize: z.number().int().nonnegative(),
      rootHash: z.string().regex(/^[0-9a-f]{64}$/), signedNote: z.string().max(10_000) }).strict(),
  },
  // Routing. One RoutingDecided per routed request (model "auto", a tier name, or a model with
  // fallbacks), appended after its attempts and before the client sees the answer's end (with
  // the answering attempt's RequestCompleted, in its stream; alone in route-<routeId> when no
  // attempt answered or only the decision was asked for): the
  // candidates with their predicted quality and estimated cost, the reason, the router version,
  // and each attempt (every attempt is also its own RequestCompleted, so a failed attempt is on
  // the ledger with its zero cost and only the served one is charged).
  RoutingDecided: {
    1: z.object({
      routeId: id, accountId: id, keyId: id,
      requestedModel: z.string().max(200),
      routerVersion: z.string().max(100),
      // Expected share of bad answers from a typical model, in [0, 1].
      difficultyScore: z.number().min(0).max(1),
      promptKind: z.string().max(60),
      // Digest of the prompt's hashed features, kept beside the ledger for retuning.
      featuresSha256: sha256,
      qualityFloor: z.number().min(0).max(1),
      maxCostMicros: micros.nullable(),
      costWeight: z.number().min(0).nullable(),
      brandPreference: z.array(z.string().max(100)).max(10).nullable(),
      provider: z.string().max(100).nullable(),
      reason: z.enum(['cheapest_above_floor', 'best_tradeoff_above_floor', 'best_quality_below_floor', 'requested', 'no_candidate']),
      chosenModel: z.string().max(200).nullable(),
      candidates: z.array(z.object({
        model: z.string().max(200), provider: z.string().max(100), tier: z.string().max(20),
        predictedQuality: z.number().min(0).max(1), estimatedCostMicros: micros.refine((value) => value >= 0, 'must not be negative'),
        verdict: z.string().max(40),
      }).strict()).max(100),
      // false: the caller asked for the decision only (POST /v1/router with "execute": false).
      executed: z.boolean(),
      attempts: z.array(z.object({ requestId: id, model: z.string().max(200), status: z.number().int().min(100).max(599),
        errorCode: z.string().max(100).nullable() }).strict()).max(10),
      servedRequestId: id.nullable(),
      day: z.string().regex(/^\d{4}-\d{2}-\d{2}$/),
    }).strict(),
  },
  // A rating of one answered request by the account that made it. A later rating of the same
  // request supersedes the earlier one; both stay on the ledger.
  ResponseRated: {
    1: z.object({
      ratingId: id, requestId: id, auditHash: sha256, accountId: id, keyId: id,
      model: z.string().max(200), tier: z.string().max(20), provider: z.string().max(100),
      promptKind: z.string().max(60), routerVersion: z.string().max(100).nullable(),
      rating: z.number().int().min(1).max(5),
      // The caller's notes are free text, so they are kept beside the ledger (lumen_rating_notes,
      // deletable); the event only says whether there are any.
      notesKept: z.boolean(),
      supersedesRatingId: id.nullable(),
    }).strict(),
  },
  // A router version goes live. Its parameters (megabytes of JSON) are kept beside the ledger in
  // lumen_router_parameters under this digest, which the gateway checks when it loads them.
  RouterVersionPublished: {
    1: z.object({
      version: z.string().min(1).max(100),
      parametersSha256: sha256,
      parametersBytes: z.number().int().positive(),
      featureVersion: z.string().max(100),
      previousVersion: z.string().max(100).nullable(),
      source: z.enum(['bootstrap', 'retune']),
      // What the fit read: rated requests from the ledger, labelled seed rows, distinct prompts.
      history: z.object({ ledgerRatings: z.number().int().nonnegative(), seedRows: z.number().int().nonnegative(),
        prompts: z.number().int().nonnegative(), historySha256: sha256 }).strict(),
      // The counterfactual comparison with the previous version on the same history (retune).
      report: z.record(z.string(), z.union([z.number(), z.string(), z.null()])).nullable(),
    }).strict(),
  },
} as const;

export type EventType = keyof typeof eventSchemas;
type Versions<T extends EventType> = (typeof eventSchemas)[T];
type LatestData<T extends EventType> = z.infer<Versions<T>[keyof Versions<T>]>;

export type LumenEvent = { [T in EventType]: { type: T; data: LatestData<T> } }[EventType];
export type EventOf<T extends EventType> = Extract<LumenEvent, { type: T }>;

export const EVENT_TYPES = Object.keys(eventSchemas) as EventType[];

export function latestSchemaVersion(type: EventType): number {
  return Math.max(...Object.keys(eventSchemas[type]).map(Number));
}

export class InvalidEventPayload extends Error {
  readonly code = 'invalid_event';
}

/** The validator the event store calls for every proposed event. */
export function validateEventPayload(type: string, schemaVersion: number, data: unknown): void {
  const versions = (eventSchemas as Record<string, Record<number, z.ZodType>>)[type];
  if (versions === undefined) throw new InvalidEventPayload(`unknown event type ${type}`);
  const schema = versions[schemaVersion];
  if (schema === undefined) throw new InvalidEventPayload(`${type} has no schema version ${schemaVersion}`);
  const parsed = schema.safeParse(data);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new InvalidEventPayload(`${type} v${schemaVersion}: ${issue?.path.join('.') || 'data'} ${issue?.message ?? 'is invalid'}`);
  }
}

/** Views a recorded event (already validated when it was appended) as the domain union. */
export function asLumenEvent(recorded: { type: string; data: unknown }): LumenEvent {
  return { type: recorded.type, data: recorded.data } as LumenEvent;
}

/** Ends a switch over a union: the compiler proves the default is unreachable. */
export function exhaustive(value: never): never {
  throw new Error(`unhandled case ${JSON.stringify(value)}`);
}
