// What the router keeps beside the ledger, on the real stores: prompt features written in
// batches and read back, their retention, and version parameters checked against their digest.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { RouterStore } from '../../src/gateway/router-store.ts';
import { bootstrapRouter } from '../../src/routing/bootstrap.ts';
import { featureVersion } from '../../src/routing/features.ts';
import { openTestStore, type TestStore } from '../support/store.ts';

let opened: TestStore;
let routerStore: RouterStore;
test.before(async () => {
  opened = await openTestStore();
  routerStore = new RouterStore(opened.sql);
});
test.after(async () => {
  routerStore.close();
  await opened.dispose();
});

const row = (requestId: string, termIndices: number[]) =>
  ({ requestId, accountId: 'acct_1', featureVersion, promptKind: 'chat/easy', routerVersion: 'v1', features: { termIndices } });

test('given queued features, reading them flushes the queue and gives the same term ids back', async () => {
  routerStore.keepFeatures(row('r1', [3, 70, 300_000, 16_777_215]));
  routerStore.keepFeatures(row('r2', []));
  const found = await routerStore.featuresOf(['r1', 'r2', 'unknown']);
  assert.equal(found.get('r1')?.features.termIndices, [3, 70, 300_000, 16_777_215]);
  assert.equal(found.get('r2')?.features.termIndices, []);
  assert.is(found.get('r1')?.routerVersion, 'v1');
  assert.not.ok(found.has('unknown'));
});

test('given a retention, rows older than it are deleted and newer ones kept', async () => {
  routerStore.keepFeatures(row('old', [1, 2]));
  routerStore.keepFeatures(row('new', [1, 2]));
  await routerStore.flush();
  await opened.sql.query(`update lumen_prompt_features set created_at = now() - interval '100 days' where request_id = 'old'`);
  assert.is(await routerStore.pruneFeatures(90), 1);
  const found = await routerStore.featuresOf(['old', 'new']);
  assert.equal([found.has('old'), found.has('new')], [false, true]);
});

test('given stored parameters, they load by digest, and altered ones do not load', async () => {
  const { parameters } = bootstrapRouter();
  const saved = await routerStore.saveParameters(parameters);
  assert.is((await routerStore.loadParameters(saved.sha256))?.version, parameters.version);
  await opened.sql.query(`update lumen_router_parameters set body = replace(body, '"format"', '"formaT"') where sha256 = $1`, [saved.sha256]);
  assert.is(await routerStore.loadParameters(saved.sha256), undefined);
});

test('given a closed store, features kept afterwards are dropped, not left to a timer', async () => {
  const closing = new RouterStore(opened.sql);
  closing.close();
  closing.keepFeatures(row('late', [5]));
  assert.not.ok((await closing.featuresOf(['late'])).has('late'));
});

test.run();
