import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { retuneFromStore } from '../../src/cli/router-retune.ts';
import { RouterStore } from '../../src/gateway/router-store.ts';
import { bootstrapRouter } from '../../src/routing/bootstrap.ts';
import { loadContaminated, loadLabelledFiles } from '../../src/cli/router-eval.ts';
import type { LabelledPrompt } from '../../src/routing/dataset.ts';
import type { RetuneResult } from '../../src/routing/retune.ts';
import { appendRatedHistory, ratedHistoryRows } from '../support/rated-history.ts';
import { responseRated } from '../support/routing-events.ts';
import { openTestStore, type TestStore } from '../support/store.ts';

const fixtures = new URL('../fixtures/routing/mmlu/', import.meta.url).pathname;
// Given strengths skip cross-validation: the test checks determinism, not the choice of strengths.
const quick = { pooledStrength: 1.5, deviationStrength: 0.75 };

let store: TestStore;
let routerStore: RouterStore;
let seed: LabelledPrompt[];

test.before(async () => {
  store = await openTestStore();
  routerStore = new RouterStore(store.sql);
  await appendRatedHistory(store.store, routerStore, ratedHistoryRows(40));
  const contaminated = await loadContaminated(join(fixtures, 'contaminated_prompts.jsonl'));
  seed = (await loadLabelledFiles([join(fixtures, 'mmlu_anatomy.csv')], contaminated)).slice(0, 60);
});
test.after(async () => {
  routerStore.close();
  await store.dispose();
});

function fitted(result: RetuneResult) {
  if (!result.ok) throw new Error(result.message);
  return result;
}

test('given the same ledger history and seed, when retuning twice, then the parameters are byte-identical and the version the same', async () => {
  const first = fitted((await retuneFromStore(store.store, routerStore, { seed, fitOptions: quick, publish: false })).result);
  const second = fitted((await retuneFromStore(store.store, routerStore, { seed, fitOptions: quick, publish: false })).result);
  assert.is(JSON.stringify(second.parameters), JSON.stringify(first.parameters));
  assert.is(second.parameters.version, first.parameters.version);
  assert.ok(first.parameters.version.startsWith('retune-'));
  assert.is(JSON.stringify(second.report), JSON.stringify(first.report));
  // Some synthetic chat prompts repeat, and a repeated prompt is one prompt to the fit.
  assert.equal(first.history, { ledgerRatings: 40, seedRows: 120, prompts: first.parameters.promptCount, historySha256: first.report.history_sha256 });
  assert.ok(first.history.prompts > 60 && first.history.prompts <= 100);
  assert.is(first.report.decisions_replayed, 40);
  // Nothing is published yet: the baseline is the version a gateway would publish first.
  assert.is(first.report.live_version, bootstrapRouter().parameters.version);
});

test('given a request rated again with another rating, when retuning, then the version changes', async () => {
  const before = fitted((await retuneFromStore(store.store, routerStore, { seed, fitOptions: quick, publish: false })).result);
  const again = responseRated({ requestId: 'request-0', rating: 1, model: 'gpt-5-nano', tier: 'nano', ratingId: 'request-0-rated-again',
    supersedesRatingId: 'rating-request-0-4' });
  await store.store.append(again.streamId, [again.event], 'any');
  const after = fitted((await retuneFromStore(store.store, routerStore, { seed, fitOptions: quick, publish: false })).result);
  assert.is.not(after.parameters.version, before.parameters.version);
  assert.is.not(after.report.history_sha256, before.report.history_sha256);
  assert.is(after.report.ledger_ratings, 40);
  assert.is(after.report.superseded_ratings, 1);
});

test.run();
