import fc from 'fast-check';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { ALL_PROJECTIONS } from '../../projections/index.ts';
import { readDocument, dumpReadModel, ProjectionRunner } from '../../src/ledger/sql/projection-runner.ts';
import type { NewEvent } from '../../src/ledger/event-store.ts';
import { requestCompleted } from '../support/events.ts';
import { openTestStore, type TestStore } from '../support/store.ts';

let store: TestStore;
test.before(async () => { store = await openTestStore(); });
test.after(async () => { await store.dispose(); });

type Step =
  | { kind: 'open'; account: number }
  | { kind: 'grant'; account: number; amountMicros: number }
  | { kind: 'charge'; account: number; costMicros: number; inputTokens: number; day: number; model: number }
  | { kind: 'issue'; account: number; key: number }
  | { kind: 'revoke'; account: number; key: number };

const stepArbitrary: fc.Arbitrary<Step> = fc.oneof(
  fc.record({ kind: fc.constant('open' as const), account: fc.nat(3) }),
  fc.record({ kind: fc.constant('grant' as const), account: fc.nat(3), amountMicros: fc.integer({ min: 1, max: 5_000_000 }) }),
  fc.record({ kind: fc.constant('charge' as const), account: fc.nat(3), costMicros: fc.nat(90_000),
    inputTokens: fc.nat(4000), day: fc.nat(2), model: fc.nat(2) }),
  fc.record({ kind: fc.constant('issue' as const), account: fc.nat(3), key: fc.nat(5) }),
  fc.record({ kind: fc.constant('revoke' as const), account: fc.nat(3), key: fc.nat(5) }),
);

let eventCounter = 0;
/** A charge is what the gateway writes for a call: a hold, the call's record, the settlement. */
function toEvents(step: Step, run: number): NewEvent[] {
  if (step.kind !== 'charge') return [toEvent(step, run)];
  const accountId = `r${run}-acct${step.account}`;
  const requestId = `req${(eventCounter += 1)}`;
  return [
    { id: `${requestId}-held`, type: 'CreditsHeld', schemaVersion: 1, data: { accountId, requestId, keyId: 'k',
      amountMicros: step.costMicros + 5, expiresAt: '2026-11-23T10:15:00.000000Z' } },
    toEvent(step, run),
    { id: `${requestId}-settled`, type: 'HoldSettled', schemaVersion: 1, data: { accountId, requestId, heldMicros: step.costMicros + 5,
      costMicros: step.costMicros, chargedMicros: step.costMicros, writtenOffMicros: 0, day: `2026-11-2${step.day}` } },
  ];
}

function toEvent(step: Step, run: number): NewEvent {
  const accountId = `r${run}-acct${step.account}`;
  const id = `e${(eventCounter += 1)}`;
  switch (step.kind) {
    case 'open': return { id, type: 'AccountOpened', schemaVersion: 1, data: { accountId, name: `Account ${step.account}`, plan: 'free' } };
    case 'grant': return { id, type: 'CreditsGranted', schemaVersion: 1, data: { accountId, amountMicros: step.amountMicros, reason: 'grant' } };
    case 'charge': return requestCompleted({ id, accountId, model: `m${step.model}`, inputTokens: step.inputTokens,
      outputTokens: 7, costMicros: step.costMicros, day: `2026-11-2${step.day}`, appId: step.model === 1 ? 'app-1' : null });
    case 'issue': return { id, type: 'ApiKeyIssued', schemaVersion: 1, data: { accountId, keyId: `${accountId}-k${step.key}-${id}`,
      keyHash: (BigInt(eventCounter) * 7919n).toString(16).padStart(64, '0'), keyPrefix: 'sk-lumen-ab', name: 'k', allowedModels: null } };
    case 'revoke': return { id, type: 'ApiKeyRevoked', schemaVersion: 1, data: { accountId, keyId: `${accountId}-k${step.key}` } };
  }
}

async function dumpAll(): Promise<string> {
  const parts = await Promise.all(ALL_PROJECTIONS.map((projection) => dumpReadModel(store.sql, projection.name)));
  return parts.join('\n---\n');
}

test('given any sequence of appends, rebuilding every projection from zero equals the incrementally kept read models', async () => {
  let run = 0;
  await fc.assert(fc.asyncProperty(fc.array(stepArbitrary, { minLength: 1, maxLength: 25 }), fc.integer({ min: 1, max: 5 }),
    async (steps, batchSize) => {
      run += 1;
      // Incremental: a small batch size and catch-ups between appends cut the log at many places.
      const incremental = new ProjectionRunner(store.store, store.sql, ALL_PROJECTIONS, { batchSize, pollIntervalMs: 50 });
      await incremental.start();
      for (const [index, step] of steps.entries()) {
        const events = toEvents(step, run);
        await store.store.append(`account-${String(events[0]!.data.accountId)}`, events, 'any');
        if (index % 3 === 0) for (const projection of ALL_PROJECTIONS) await incremental.catchUp(projection);
      }
      for (const projection of ALL_PROJECTIONS) await incremental.catchUp(projection);
      await incremental.stop();
      const kept = await dumpAll();

      const rebuild = new ProjectionRunner(store.store, store.sql, ALL_PROJECTIONS, { batchSize: 1000, pollIntervalMs: 50 });
      for (const projection of ALL_PROJECTIONS) {
        await rebuild.reset(projection);
        await rebuild.catchUp(projection);
      }
      assert.is(await dumpAll(), kept);

      // And the balances agree with a plain fold of the steps.
      for (let account = 0; account <= 3; account += 1) {
        const mine = steps.filter((step) => step.account === account);
        const granted = mine.reduce((sum, step) => sum + (step.kind === 'grant' ? step.amountMicros : 0), 0);
        const charged = mine.reduce((sum, step) => sum + (step.kind === 'charge' ? step.costMicros : 0), 0);
        const document = await readDocument<{ balanceMicros: number }>(store.sql, 'balances', `r${run}-acct${account}`);
        if (granted === 0 && charged === 0 && document === undefined) continue;
        assert.is(document?.balanceMicros, granted - charged);
      }
    }), { numRuns: 12, seed: 20261123 });
});

test('given a live runner, when events are appended, then it follows and waitFor resolves at their position', async () => {
  const runner = new ProjectionRunner(store.store, store.sql, ALL_PROJECTIONS, { batchSize: 100, pollIntervalMs: 50 },
    store.store.onAppend);
  await runner.start();
  const result = await store.store.append('account-live', [
    { id: 'live-open', type: 'AccountOpened', schemaVersion: 1, data: { accountId: 'live', name: 'Live', plan: 'pro' } },
    { id: 'live-grant', type: 'CreditsGranted', schemaVersion: 1, data: { accountId: 'live', amountMicros: 42, reason: 'r' } },
  ], 'no_stream');
  await runner.waitFor(result.events.at(-1)!.global);
  await runner.stop();
  const document = await readDocument<{ balanceMicros: number; plan: string }>(store.sql, 'balances', 'live');
  assert.equal(document, { accountId: 'live', name: 'Live', plan: 'pro', grantedMicros: 42, toppedUpMicros: 0, chargedMicros: 0,
    writtenOffMicros: 0, heldMicros: 0, openHolds: 0, balanceMicros: 42, requests: 0 });
});

test('given a projection whose version changed, when the runner starts, then it rebuilds it from zero', async () => {
  const balances = ALL_PROJECTIONS[0]!;
  const before = await dumpReadModel(store.sql, balances.name);
  await store.sql.query(`insert into lumen_read_models (projection, key, document) values ('balances', 'zzz-stale', '{}')`);
  const bumped = { ...balances, version: balances.version + 1 };
  const runner = new ProjectionRunner(store.store, store.sql, [bumped], { batchSize: 500, pollIntervalMs: 50 });
  await runner.start();
  await runner.catchUp(bumped);
  await runner.stop();
  assert.is(await dumpReadModel(store.sql, balances.name), before);
});

test.run();
