// Finance exports over generated ledgers: the reconciliation lists no difference, the journal
// sums to the balances, the same range gives the same bytes, and a deliberately corrupted read
// model shows up as a listed difference.
import fc from 'fast-check';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { ALL_PROJECTIONS } from '../../projections/index.ts';
import { latestSchemaVersion } from '../../src/domain/events.ts';
import { AccountWriter } from '../../src/gateway/account-writer.ts';
import { Billing } from '../../src/gateway/billing.ts';
import { runExport } from '../../src/finance/run-export.ts';
import { ProjectionRunner } from '../../src/ledger/sql/projection-runner.ts';
import { requestCompleted } from '../support/events.ts';
import { openTestStore, type TestStore } from '../support/store.ts';

let store: TestStore;
let runner: ProjectionRunner;
test.before(async () => {
  store = await openTestStore();
  runner = new ProjectionRunner(store.store, store.sql, ALL_PROJECTIONS, { batchSize: 1000, pollIntervalMs: 50 });
  await runner.start();
});
test.after(async () => { await runner.stop(); await store.dispose(); });

const lines = (text: string) => text.trim().split('\n').map((line) => JSON.parse(line) as Record<string, any>);

async function catchUp(): Promise<void> {
  for (const projection of ALL_PROJECTIONS) await runner.catchUp(projection);
}

let run = 0;
async function generateLedger(operations: Array<[number, number, number]>): Promise<string[]> {
  run += 1;
  let clock = new Date('2026-11-20T09:00:00Z');
  const now = () => clock;
  const writer = new AccountWriter(store.store, { now });
  const billing = new Billing(writer, { overdraftMicros: 0, holdTtlMs: 900_000 }, now);
  const accounts = [0, 1, 2].map((index) => `x${run}-${index}`);
  for (const accountId of accounts) {
    await writer.execute(accountId, { type: 'OpenAccount', accountId, name: 'A', plan: 'enterprise', initialCreditsMicros: 2_000_000 });
  }
  for (const [index, [account, amount, kind]] of operations.entries()) {
    clock = new Date(clock.getTime() + 3_600_000 * 5);
    const accountId = accounts[account]!;
    if (kind === 0) {
      await writer.execute(accountId, { type: 'GrantCredits', grantId: `g${index}`, amountMicros: amount, reason: 'promo' });
    } else if (kind === 1) {
      await writer.execute(accountId, { type: 'TopUpCredits', payment: { paymentKey: `checkout:cs_${run}_${index}`, amountMicros: amount,
        stripeEventId: `evt_${index}`, stripeSessionId: `cs_${run}_${index}`, stripePaymentIntentId: null, stripeInvoiceId: null,
        amountPaidCents: Math.ceil(amount / 10_000), currency: 'usd' } });
    } else {
      const requestId = `${accountId}-q${index}`;
      try {
        const hold = await billing.hold({ accountId, keyId: 'k', requestId, amountMicros: amount });
        const costMicros = kind === 2 ? Math.floor(amount / 2) : amount + 7; // 3: costs more than its hold
        await store.store.append(`request-${requestId}`, [{ ...requestCompleted({ id: `request:${requestId}`, requestId, accountId,
          costMicros, day: clock.toISOString().slice(0, 10) }), schemaVersion: latestSchemaVersion('RequestCompleted') }], 'no_stream');
        billing.settle(hold, costMicros, clock.toISOString().slice(0, 10));
        await billing.settled();
      } catch { /* refused: nothing to book */ }
    }
  }
  await catchUp();
  return accounts;
}

test('given generated ledgers, the reconciliation lists no difference and the journal sums to the balances', async () => {
  await fc.assert(fc.asyncProperty(fc.array(fc.tuple(fc.nat(2), fc.integer({ min: 1, max: 900_000 }), fc.nat(3)),
    { minLength: 1, maxLength: 20 }), async (operations) => {
    const accounts = await generateLedger(operations);
    const request = { fromDay: '2026-01-01', toDay: '2027-01-01' } as const;
    const reconciliation = lines(await runExport(store, { ...request, report: 'reconciliation', format: 'jsonl' }));
    assert.equal(reconciliation.filter((row) => row.type === 'difference'), [], 'no differences');
    assert.is(reconciliation[0]!.differences, 0);
    for (const row of reconciliation.filter((line) => line.type === 'account')) assert.is(row.difference_micros, 0);
    const journal = lines(await runExport(store, { ...request, report: 'journal', format: 'jsonl' })).slice(1);
    for (const accountId of accounts) {
      const sum = journal.filter((line) => line.account === `customer:${accountId}`).reduce((total, line) => total + line.amount_micros, 0);
      const state = await new AccountWriter(store.store, { now: () => new Date() }).current(accountId);
      assert.is(sum, state.creditedMicros - state.chargedMicros, `journal of ${accountId} sums to its balance`);
    }
  }), { numRuns: 6, seed: 20261123 });
});

test('given the same range twice, the export is the same bytes, in CSV and JSON lines', async () => {
  await generateLedger([[0, 500_000, 2], [1, 300_000, 1], [2, 100_000, 3]]);
  for (const format of ['csv', 'jsonl'] as const) {
    for (const report of ['journal', 'statements', 'reconciliation'] as const) {
      const request = { fromDay: '2026-11-20', toDay: '2026-11-22', report, format };
      assert.is(await runExport(store, request), await runExport(store, request), `${report} ${format}`);
    }
  }
  const csv = await runExport(store, { fromDay: '2026-11-20', toDay: '2026-11-22', report: 'journal', format: 'csv' });
  assert.match(csv.split('\n')[0]!, /^# report=journal from=2026-11-20 to=2026-11-22 checkpoint_tree_size=/);
  assert.is(csv.split('\n')[1], 'time,account,counter_account,amount_micros,kind,reference,event_hash');
});

test('given a corrupted balances read model, the reconciliation lists the difference', async () => {
  const [accountId] = await generateLedger([[0, 250_000, 2]]);
  await store.sql.query(`update lumen_read_models set document = replace(document, '"balanceMicros":', '"balanceMicros":1')
    where projection = 'balances' and key = $1`, [accountId]);
  const rows = lines(await runExport(store, { fromDay: '2026-01-01', toDay: '2027-01-01', report: 'reconciliation', format: 'jsonl' }));
  const differences = rows.filter((row) => row.type === 'difference');
  assert.is(differences.length, 1);
  assert.is(differences[0]!.kind, 'read_model_balance');
  assert.is(differences[0]!.account_id, accountId);
});

test.run();
