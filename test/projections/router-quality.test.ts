import { test } from 'uvu';
import * as assert from 'uvu/assert';
import {
  qualityKey, ratingKey, routerQualityProjection, type QualityDocument, type RouterQualityDocument,
} from '../../projections/router-quality.ts';
import type { RecordedEvent } from '../../src/ledger/event-store.ts';
import { dumpReadModel, ProjectionRunner, readDocument } from '../../src/ledger/sql/projection-runner.ts';
import { ratingData, responseRated, type RatingData } from '../support/routing-events.ts';
import { openTestStore } from '../support/store.ts';

function recorded(data: RatingData, position: number): RecordedEvent {
  return { id: data.ratingId, streamId: `feedback-${data.requestId}`, version: 0, type: 'ResponseRated', schemaVersion: 1,
    data, metadata: {}, recordedAt: '2026-11-23T10:00:00.000000Z', previousHash: null, hash: '0'.repeat(64),
    global: { transactionId: 1n, position: BigInt(position) } };
}

/** Folds events the way the runner does: per event, every key it names, siblings as they stood before it. */
function fold(ratings: readonly RatingData[]): Map<string, RouterQualityDocument> {
  const documents = new Map<string, RouterQualityDocument | null>();
  ratings.forEach((data, index) => {
    const event = recorded(data, index + 1);
    const keys = routerQualityProjection.keysOf(event);
    const before = new Map(keys.map((key) => [key, documents.get(key) ?? null]));
    for (const key of keys) {
      documents.set(key, routerQualityProjection.evolve(documents.get(key) ?? null, event, key, (other) => before.get(other) ?? null));
    }
  });
  return new Map([...documents].filter((entry): entry is [string, RouterQualityDocument] => entry[1] !== null));
}

test('given ratings of two requests, when folded, then the aggregate counts, sums and averages them', () => {
  const documents = fold([ratingData({ requestId: 'r1', rating: 5 }), ratingData({ requestId: 'r2', rating: 2 })]);
  assert.equal(documents.get(qualityKey('gpt-5-mini', 'chat/easy')),
    { kind: 'quality', model: 'gpt-5-mini', promptKind: 'chat/easy', ratings: 2, ratingSum: 7, meanRating: 3.5 });
  assert.is((documents.get(ratingKey('r1')) as { rating: number }).rating, 5);
});

test('given a rating superseded by a later one, when folded, then only the later rating counts', () => {
  const documents = fold([
    ratingData({ requestId: 'r1', rating: 5 }),
    ratingData({ requestId: 'r2', rating: 3 }),
    ratingData({ requestId: 'r1', rating: 1, ratingId: 'rating-r1-again', supersedesRatingId: 'rating-r1-5' }),
  ]);
  assert.equal(documents.get(qualityKey('gpt-5-mini', 'chat/easy')),
    { kind: 'quality', model: 'gpt-5-mini', promptKind: 'chat/easy', ratings: 2, ratingSum: 4, meanRating: 2 });
  assert.equal(documents.get(ratingKey('r1')), { kind: 'rating', requestId: 'r1', ratingId: 'rating-r1-again', model: 'gpt-5-mini',
    promptKind: 'chat/easy', rating: 1, ratingsGiven: 2 });
});

test('given models and prompt kinds, when folded, then each pair has its own aggregate', () => {
  const documents = fold([
    ratingData({ requestId: 'r1', rating: 4, model: 'claude-haiku', promptKind: 'code/hard' }),
    ratingData({ requestId: 'r2', rating: 2, model: 'claude-haiku', promptKind: 'chat/easy' }),
    ratingData({ requestId: 'r3', rating: 5, model: 'gpt-5-mini', promptKind: 'code/hard' }),
    ratingData({ requestId: 'r4', rating: 3, model: 'claude-haiku', promptKind: 'code/hard' }),
  ]);
  const quality = (model: string, kind: string) => documents.get(qualityKey(model, kind)) as QualityDocument;
  assert.equal([quality('claude-haiku', 'code/hard').ratings, quality('claude-haiku', 'code/hard').meanRating], [2, 3.5]);
  assert.is(quality('claude-haiku', 'chat/easy').ratingSum, 2);
  assert.is(quality('gpt-5-mini', 'code/hard').ratingSum, 5);
});

test('given the same rating event twice, when folded, then it counts once', () => {
  const rating = ratingData({ requestId: 'r1', rating: 4 });
  const documents = fold([rating, rating]);
  assert.is((documents.get(qualityKey('gpt-5-mini', 'chat/easy')) as QualityDocument).ratings, 1);
  assert.is((documents.get(ratingKey('r1')) as { ratingsGiven: number }).ratingsGiven, 1);
});

test('given ratings kept live in a store, when the projection is rebuilt from zero, then the read model is byte for byte the same', async () => {
  const store = await openTestStore();
  try {
    const runner = new ProjectionRunner(store.store, store.sql, [routerQualityProjection], { batchSize: 2, pollIntervalMs: 50 });
    const ratings = [
      responseRated({ requestId: 'r1', rating: 5 }),
      responseRated({ requestId: 'r2', rating: 2, model: 'claude-haiku' }),
      responseRated({ requestId: 'r1', rating: 3, ratingId: 'rating-r1-second', supersedesRatingId: 'rating-r1-5' }),
      responseRated({ requestId: 'r3', rating: 4 }),
      responseRated({ requestId: 'r1', rating: 1, ratingId: 'rating-r1-third', supersedesRatingId: 'rating-r1-second' }),
    ];
    await runner.reset(routerQualityProjection);
    for (const [index, { streamId, event }] of ratings.entries()) {
      await store.store.append(streamId, [event], 'any');
      // Catching up between appends cuts the log at several places.
      if (index % 2 === 0) await runner.catchUp(routerQualityProjection);
    }
    await runner.catchUp(routerQualityProjection);
    const kept = await dumpReadModel(store.sql, routerQualityProjection.name);
    await runner.reset(routerQualityProjection);
    await runner.catchUp(routerQualityProjection);
    assert.is(await dumpReadModel(store.sql, routerQualityProjection.name), kept);
    const quality = await readDocument<QualityDocument>(store.sql, routerQualityProjection.name, qualityKey('gpt-5-mini', 'chat/easy'));
    assert.equal(quality, { kind: 'quality', model: 'gpt-5-mini', promptKind: 'chat/easy', ratings: 2, ratingSum: 5, meanRating: 2.5 });
  } finally {
    await store.dispose();
  }
});

test.run();
