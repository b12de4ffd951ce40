// Ratings of answered requests (POST /v1/feedback). A rating names the request by the audit
// hash its answer carried; only the account that made the request may rate it. Each rating is
// a ResponseRated event on the request's own feedback stream: a later one supersedes the
// earlier (it names it), and both stay on the ledger. The router-quality projection and
// `lumen router retune` read these events.
import { randomUUID } from 'node:crypto';
import { latestSchemaVersion, type EventOf } from '../domain/events.ts';
import { StoreError, type EventStore } from '../ledger/event-store.ts';
import { findEventByHash } from '../ledger/sql/event-rows.ts';
import type { SqlExecutor } from '../ledger/sql/sql-client.ts';
import { badRequest, GatewayError, notFound } from '../http/errors.ts';
import type { KeyRecord } from './key-index.ts';
import type { RouterStore } from './router-store.ts';

export interface FeedbackServices {
  store: EventStore;
  sql: SqlExecutor;
  routerStore: RouterStore;
}

export interface Rating {
  auditHash: string;
  rating: number;
  notes: string | null;
}

export interface RecordedRating {
  ratingId: string;
  requestId: string;
  eventHash: string;
  supersedesRatingId: string | null;
  model: string;
}

/** Conflicting ratings of one request at the same moment: each retry re-reads the stream. */
const appendAttemptsMax = 4;
/** Ratings one request may receive; each is a permanent ledger event. */
export const ratingsPerRequestMax = 20;

type RequestData = EventOf<'RequestCompleted'>['data'];

async function ratedRequest(services: FeedbackServices, principal: KeyRecord, auditHash: string): Promise<RequestData> {
  const event = await findEventByHash(services.sql, auditHash);
  // Another account's request is as unknown as one that never happened.
  const data = event?.data as Partial<RequestData> | undefined;
  if (event === undefined || data?.accountId !== principal.accountId) {
    throw notFound(`no request of this account has audit_hash ${auditHash}`, 'request_not_found', 'audit_hash');
  }
  if (event.type !== 'RequestCompleted') throw badRequest('audit_hash names a ledger entry that is not a model request', 'not_a_request', 'audit_hash');
  const request = event.data as RequestData;
  if (request.status !== 200 || (request.protocol !== 'openai-chat' && request.protocol !== 'openai-completions'
    && request.protocol !== 'openai-responses' && request.protocol !== 'anthropic-messages')) {
    throw badRequest('only answered chat, completion, Responses and Messages requests can be rated', 'not_rateable', 'audit_hash');
  }
  return request;
}

export async function rateResponse(services: FeedbackServices, principal: KeyRecord, rating: Rating): Promise<RecordedRating> {
  const request = await ratedRequest(services, principal, rating.auditHash);
  const kept = (await services.routerStore.featuresOf([request.requestId])).get(request.requestId);
  const streamId = `feedback-${request.requestId}`;
  // One id for every try: a conflicting append wrote nothing. Notes go in first, so the ledger
  // never says there are notes that are not there (a failed append leaves an orphan row at worst).
  const ratingId = randomUUID().replaceAll('-', '');
  if (rating.notes !== null) {
    await services.sql.query(`insert into lumen_rating_notes (rating_id, account_id, request_id, notes) values ($1, $2, $3, $4)
      on conflict (rating_id) do nothing`, [ratingId, principal.accountId, request.requestId, rating.notes]);
  }
  for (let attempt = 1; ; attempt += 1) {
    const stream = await services.store.readStream(streamId);
    if (stream.length >= ratingsPerRequestMax) {
      throw new GatewayError(409, 'invalid_request_error', 'rating_limit', `a request can be rated at most ${ratingsPerRequestMax} times`, 'audit_hash');
    }
    const earlierEvent = stream.at(-1);
    const earlier = earlierEvent === undefined ? undefined : (earlierEvent.data as EventOf<'ResponseRated'>['data']);
    const data: EventOf<'ResponseRated'>['data'] = {
      ratingId, requestId: request.requestId, auditHash: rating.auditHash, accountId: principal.accountId, keyId: principal.keyId,
      model: request.model, tier: request.tier, provider: request.provider,
      // A later rating keeps the kind the first one recorded, so the request stays in one aggregate.
      promptKind: earlier?.promptKind ?? kept?.promptKind ?? 'unknown', routerVersion: earlier?.routerVersion ?? kept?.routerVersion ?? null,
      rating: rating.rating, notesKept: rating.notes !== null, supersedesRatingId: earlier?.ratingId ?? null,
    };
    try {
      const appended = await services.store.append(streamId, [{ id: `rating:${ratingId}`, type: 'ResponseRated',
        schemaVersion: latestSchemaVersion('ResponseRated'), data }], earlierEvent === undefined ? 'no_stream' : earlierEvent.version);
      return { ratingId, requestId: request.requestId, eventHash: appended.events[0]!.hash, supersedesRatingId: data.supersedesRatingId,
        model: request.model };
    } catch (error) {
      if (!(error instanceof StoreError && error.code === 'wrong_expected_version') || attempt >= appendAttemptsMax) throw error;
    }
  }
}
