// How well each model answers each kind of prompt, by its callers' ratings: per (model, prompt
// kind) the number of rated requests, their summed rating and the mean. A later rating of a
// request supersedes the earlier one (both stay on the ledger), so each request counts once,
// with its latest rating: a small document per request keeps that rating, and the aggregate
// subtracts it when a new rating of the same request arrives.
import { asLumenEvent, type EventOf, type EventType } from '../src/domain/events.ts';
import type { Projection } from '../src/ledger/projection.ts';

/** `rating/<requestId>`: the rating that currently counts for one request. */
export interface CurrentRatingDocument {
  [key: string]: string | number;
  kind: 'rating';
  requestId: string;
  ratingId: string;
  model: string;
  promptKind: string;
  rating: number;
  /** How many ratings the request received, superseded ones included. */
  ratingsGiven: number;
}

/** `quality/<model>/<promptKind>`: the current ratings of that model on that kind of prompt. */
export interface QualityDocument {
  [key: string]: string | number;
  kind: 'quality';
  model: string;
  promptKind: string;
  ratings: number;
  ratingSum: number;
  meanRating: number;
}

export type RouterQualityDocument = CurrentRatingDocument | QualityDocument;

type Rated = EventOf<'ResponseRated'>['data'];

const handles = ['ResponseRated'] as const satisfies readonly EventType[];

export function ratingKey(requestId: string): string {
  return `rating/${requestId}`;
}

/** Prompt kinds are "<form>/<band>" or "unknown", so a key names one pair whatever slashes the model id holds. */
export function qualityKey(model: string, promptKind: string): string {
  return `quality/${model}/${promptKind}`;
}

/** Rounded so the mean reads well; the sum and count stay exact. */
function meanOf(ratingSum: number, ratings: number): number {
  return ratings === 0 ? 0 : Math.round((ratingSum / ratings) * 1e6) / 1e6;
}

function nextRating(previous: CurrentRatingDocument | null, rated: Rated): CurrentRatingDocument {
  return { kind: 'rating', requestId: rated.requestId, ratingId: rated.ratingId, model: rated.model, promptKind: rated.promptKind,
    rating: rated.rating, ratingsGiven: (previous?.ratingsGiven ?? 0) + 1 };
}

function nextQuality(document: QualityDocument | null, previous: CurrentRatingDocument | null, rated: Rated): QualityDocument {
  const current = document ?? { kind: 'quality', model: rated.model, promptKind: rated.promptKind, ratings: 0, ratingSum: 0, meanRating: 0 };
  // A request is answered by one model on one prompt, so its earlier rating sits in this same
  // aggregate; should it not (a writer's mistake), the new rating counts as a first one here.
  const replaces = previous !== null && previous.model === rated.model && previous.promptKind === rated.promptKind;
  const ratings = current.ratings + (replaces ? 0 : 1);
  const ratingSum = current.ratingSum + rated.rating - (replaces ? previous.rating : 0);
  return { ...current, ratings, ratingSum, meanRating: meanOf(ratingSum, ratings) };
}

export const routerQualityProjection: Projection<RouterQualityDocument> = {
  name: 'router_quality',
  version: 1,
  handles,
  keysOf(recorded) {
    const event = asLumenEvent(recorded);
    if (event.type !== 'ResponseRated') return [];
    return [ratingKey(event.data.requestId), qualityKey(event.data.model, event.data.promptKind)];
  },
  evolve(document, recorded, key, sibling) {
    const event = asLumenEvent(recorded);
    if (event.type !== 'ResponseRated') return document;
    const previous = sibling(ratingKey(event.data.requestId)) as CurrentRatingDocument | null;
    // The same rating seen again changes nothing.
    if (previous?.ratingId === event.data.ratingId) return document;
    if (key === ratingKey(event.data.requestId)) return nextRating(previous, event.data);
    return nextQuality(document as QualityDocument | null, previous, event.data);
  },
};
