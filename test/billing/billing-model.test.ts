// Model-based test of billing (fc.commands): random sequences of grants, Stripe payments (with
// duplicated, reordered and replayed webhooks), requests that succeed, fail upstream, are cut
// off or disconnected, cost more than their hold, key revocations, process crashes and
// recoveries, run against the real account writer, billing, sweeper and projections on the
// test store. After every step the money invariants hold; at the end of every sequence the
// projections equal a replay from zero.
import fc from 'fast-check';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { ALL_PROJECTIONS } from '../../projections/index.ts';
import type { BalanceDocument } from '../../projections/balances.ts';
import { availableMicros } from '../../src/domain/credit-holds.ts';
import { latestSchemaVersion } from '../../src/domain/events.ts';
import { AccountWriter } from '../../src/gateway/account-writer.ts';
import { Billing } from '../../src/gateway/billing.ts';
import { HoldSweeper } from '../../src/gateway/hold-sweeper.ts';
import { creditPayment } from '../../src/gateway/payments.ts';
import { GatewayError } from '../../src/http/errors.ts';
import { dumpReadModel, ProjectionRunner, readDocument } from '../../src/ledger/sql/projection-runner.ts';
import type { ConfirmedPayment } from '../../src/stripe/billing-types.ts';
import { requestCompleted } from '../support/events.ts';
import { openTestStore, type TestStore } from '../support/store.ts';

let store: TestStore;
test.before(async () => { store = await openTestStore(); });
test.after(async () => { await store.dispose(); });

const HOLD_TTL_MS = 15 * 60_000;

interface Model {
  accountId: string;
  overdraftMicros: number;
  creditedMicros: number;
  chargedMicros: number;
  writtenOffMicros: number;
  /** Open holds: amount, and the cost recorded for the request if its RequestCompleted was written. */
  holds: Map<string, { amountMicros: number; recordedCostMicros: number | null }>;
  paymentKeys: Set<string>;
  keys: string[];
}

interface Real {
  writer: AccountWriter;
  billing: Billing;
  clock: { now: Date };
  requests: number;
}

function newProcess(real: Pick<Real, 'clock'>, overdraftMicros: number) {
  const now = () => real.clock.now;
  const writer = new AccountWriter(store.store, { now });
  return { writer, billing: new Billing(writer, { overdraftMicros, holdTtlMs: HOLD_TTL_MS }, now) };
}

async function checkInvariants(model: Model, real: Real): Promise<void> {
  await real.billing.settled();
  const state = await real.writer.current(model.accountId);
  const held = [...model.holds.values()].reduce((sum, hold) => sum + hold.amountMicros, 0);
  assert.is(state.creditedMicros, model.creditedMicros, 'credits = grants + top-ups');
  assert.is(state.chargedMicros, model.chargedMicros, 'charges = settled costs, each capped at its hold');
  assert.is(state.heldMicros, held, 'held = the open holds');
  assert.is(state.writtenOffMicros, model.writtenOffMicros);
  assert.ok(availableMicros(state, model.overdraftMicros) >= 0, 'available never drops below minus the overdraft');
  assert.ok(state.chargedMicros <= state.creditedMicros + model.overdraftMicros, 'no overspend');
}

type Outcome = 'success' | 'upstream_failed' | 'stream_cut' | 'client_gone' | 'over_hold' | 'crash_before_record' | 'crash_after_record';

class RequestCommand implements fc.AsyncCommand<Model, Real> {
  constructor(readonly amountMicros: number, readonly costPercent: number, readonly outcome: Outcome) {}
  check = () => true;
  async run(model: Model, real: Real): Promise<void> {
    real.requests += 1;
    const requestId = `${model.accountId}-r${real.requests}`;
    const state = await real.writer.current(model.accountId);
    const fits = this.amountMicros <= availableMicros(state, model.overdraftMicros);
    let placed;
    try {
      placed = await real.billing.hold({ accountId: model.accountId, keyId: 'k', requestId, amountMicros: this.amountMicros });
    } catch (error) {
      assert.ok(error instanceof GatewayError && error.status === 402, `a refusal is a 402: ${String(error)}`);
      assert.not.ok(fits, 'a hold that fits is never refused');
      return checkInvariants(model, real);
    }
    assert.ok(fits, 'a hold that does not fit is never placed');
    model.holds.set(requestId, { amountMicros: this.amountMicros, recordedCostMicros: null });
    if (this.outcome === 'crash_before_record') return checkInvariants(model, real);
    const costMicros = this.outcome === 'upstream_failed' ? 0
      : this.outcome === 'over_hold' ? this.amountMicros + 1 + Math.floor(this.amountMicros * this.costPercent / 100)
      : Math.floor(this.amountMicros * (this.outcome === 'success' ? this.costPercent : this.costPercent / 3) / 100);
    await store.store.append(`request-${requestId}`, [{ ...requestCompleted({ id: `request:${requestId}`, requestId, accountId: model.accountId,
      costMicros, day: '2026-11-23' }), schemaVersion: latestSchemaVersion('RequestCompleted') }], 'no_stream');
    model.holds.get(requestId)!.recordedCostMicros = costMicros;
    if (this.outcome === 'crash_after_record') return checkInvariants(model, real);
    real.billing.settle(placed, costMicros, '2026-11-23');
    settleInModel(model, requestId, costMicros);
    return checkInvariants(model, real);
  }
  toString = () => `Request(${this.amountMicros}, ${this.costPercent}%, ${this.outcome})`;
}

function settleInModel(model: Model, requestId: string, costMicros: number): void {
  const hold = model.holds.get(requestId)!;
  const charged = Math.min(costMicros, hold.amountMicros);
  model.chargedMicros += charged;
  model.writtenOffMicros += costMicros - charged;
  model.holds.delete(requestId);
}

class GrantCommand implements fc.AsyncCommand<Model, Real> {
  constructor(readonly amountMicros: number) {}
  check = () => true;
  async run(model: Model, real: Real): Promise<void> {
    await real.writer.execute(model.accountId, { type: 'GrantCredits', grantId: `g${real.requests}-${this.amountMicros}`,
      amountMicros: this.amountMicros, reason: 'test' });
    model.creditedMicros += this.amountMicros;
    return checkInvariants(model, real);
  }
  toString = () => `Grant(${this.amountMicros})`;
}

/** One of a few payments, delivered as Stripe may: first, again, or as the later async event. */
class WebhookCommand implements fc.AsyncCommand<Model, Real> {
  constructor(readonly payment: number, readonly delivery: 'completed' | 'async_succeeded' | 'replay') {}
  check = () => true;
  async run(model: Model, real: Real): Promise<void> {
    const paymentKey = `checkout:cs_${model.accountId}_${this.payment}`;
    const amountMicros = (this.payment + 1) * 1_000_000;
    const confirmed: ConfirmedPayment = { paymentKey, stripeEventId: `evt_${this.delivery}_${this.payment}_${real.requests}`,
      sessionId: paymentKey.slice(9), paymentIntentId: `pi_${this.payment}`, subscriptionId: null, invoiceId: null,
      customerId: 'cus_1', accountId: model.accountId, purpose: 'top_up', plan: null, amountPaidCents: amountMicros / 10_000,
      currency: 'usd', amountMicros };
    await creditPayment(real.writer, confirmed);
    if (!model.paymentKeys.has(paymentKey)) {
      model.paymentKeys.add(paymentKey);
      model.creditedMicros += amountMicros;
    }
    return checkInvariants(model, real);
  }
  toString = () => `Webhook(${this.payment}, ${this.delivery})`;
}

class KeyCommand implements fc.AsyncCommand<Model, Real> {
  constructor(readonly revoke: boolean) {}
  check = () => true;
  async run(model: Model, real: Real): Promise<void> {
    if (this.revoke && model.keys.length > 0) {
      await real.writer.execute(model.accountId, { type: 'RevokeKey', keyId: model.keys.shift()! });
    } else {
      const keyId = `k${real.requests}-${model.keys.length}`;
      await real.writer.execute(model.accountId, { type: 'IssueKey', keyId, keyHash: Buffer.from(`${model.accountId}${keyId}`).toString('hex').padEnd(64, '0').slice(0, 64),
        keyPrefix: 'sk-lumen-xx', name: 'k', allowedModels: null });
      model.keys.push(keyId);
    }
    return checkInvariants(model, real);
  }
  toString = () => (this.revoke ? 'RevokeKey' : 'IssueKey');
}

/** The process dies: whatever it had cached is gone; a new one starts with an empty cache. */
class CrashCommand implements fc.AsyncCommand<Model, Real> {
  check = () => true;
  async run(model: Model, real: Real): Promise<void> {
    await real.billing.settled();
    Object.assign(real, newProcess(real, model.overdraftMicros));
    return checkInvariants(model, real);
  }
  toString = () => 'Crash';
}

/** Time passes (beyond the hold TTL or not) and the sweeper runs, as on a restart. */
class RecoverCommand implements fc.AsyncCommand<Model, Real> {
  constructor(readonly pastExpiry: boolean) {}
  check = () => true;
  async run(model: Model, real: Real): Promise<void> {
    real.clock.now = new Date(real.clock.now.getTime() + (this.pastExpiry ? HOLD_TTL_MS + 1000 : 120_000));
    await real.billing.settled();
    await catchUpAll();
    const sweeper = new HoldSweeper(store.store, store.sql, real.writer, { now: () => real.clock.now, intervalMs: 60_000, graceMs: 60_000 });
    await sweeper.sweep();
    for (const [requestId, hold] of [...model.holds]) {
      if (hold.recordedCostMicros !== null) settleInModel(model, requestId, hold.recordedCostMicros);
      else if (this.pastExpiry) model.holds.delete(requestId);
    }
    return checkInvariants(model, real);
  }
  toString = () => `Recover(${this.pastExpiry ? 'past expiry' : 'within ttl'})`;
}

const runner = () => new ProjectionRunner(store.store, store.sql, ALL_PROJECTIONS, { batchSize: 500, pollIntervalMs: 50 });
let incremental: ProjectionRunner;

async function catchUpAll(): Promise<void> {
  for (const projection of ALL_PROJECTIONS) await incremental.catchUp(projection);
}

const commands = [
  fc.tuple(fc.integer({ min: 1, max: 3_000_000 }), fc.integer({ min: 0, max: 100 }),
    fc.constantFrom<Outcome>('success', 'success', 'upstream_failed', 'stream_cut', 'client_gone', 'over_hold',
      'crash_before_record', 'crash_after_record')).map(([amount, percent, outcome]) => new RequestCommand(amount, percent, outcome)),
  fc.integer({ min: 1, max: 2_000_000 }).map((amount) => new GrantCommand(amount)),
  fc.tuple(fc.nat(3), fc.constantFrom('completed' as const, 'async_succeeded' as const, 'replay' as const))
    .map(([payment, delivery]) => new WebhookCommand(payment, delivery)),
  fc.boolean().map((revoke) => new KeyCommand(revoke)),
  fc.constant(new CrashCommand()),
  fc.boolean().map((pastExpiry) => new RecoverCommand(pastExpiry)),
];

test('given any sequence of billing operations, money is exact after every step and projections equal a replay', async () => {
  incremental = runner();
  await incremental.start();
  let run = 0;
  await fc.assert(fc.asyncProperty(fc.commands(commands, { maxCommands: 25 }), fc.constantFrom(0, 0, 250_000),
    async (sequence, overdraftMicros) => {
      run += 1;
      const accountId = `m${run}`;
      const clock = { now: new Date('2026-11-23T10:00:00Z') };
      const real: Real = { clock, requests: 0, ...newProcess({ clock }, overdraftMicros) };
      await real.writer.execute(accountId, { type: 'OpenAccount', accountId, name: 'Model', plan: 'enterprise',
        initialCreditsMicros: 1_000_000 });
      const model: Model = { accountId, overdraftMicros, creditedMicros: 1_000_000, chargedMicros: 0, writtenOffMicros: 0,
        holds: new Map(), paymentKeys: new Set(), keys: [] };
      await fc.asyncModelRun(() => ({ model, real }), sequence);
      await real.billing.settled();

      // Every hold resolved at most once, every payment credited once.
      const stream = await store.store.readStream(`account-${accountId}`);
      const resolutions = stream.filter((event) => event.type === 'HoldSettled' || event.type === 'HoldExpired')
        .map((event) => String(event.data.requestId));
      assert.is(new Set(resolutions).size, resolutions.length, 'a hold resolves at most once');
      const payments = stream.filter((event) => event.type === 'CreditsToppedUp').map((event) => String(event.data.paymentKey));
      assert.is(new Set(payments).size, payments.length, 'a payment credits once');
      assert.is(payments.length, model.paymentKeys.size);

      // The balance read model agrees with the model, and equals a replay from zero.
      await catchUpAll();
      const balance = await readDocument<BalanceDocument>(store.sql, 'balances', accountId);
      assert.is(balance?.balanceMicros, model.creditedMicros - model.chargedMicros);
      assert.is(balance?.heldMicros, [...model.holds.values()].reduce((sum, hold) => sum + hold.amountMicros, 0));
      assert.is(balance?.openHolds, model.holds.size);
    }), { numRuns: Number(process.env.LUMEN_MODEL_RUNS ?? 30), seed: 20261123 });
  await catchUpAll();
  await incremental.stop();
  const kept = await Promise.all(ALL_PROJECTIONS.map((projection) => dumpReadModel(store.sql, projection.name)));
  const rebuild = runner();
  for (const projection of ALL_PROJECTIONS) {
    await rebuild.reset(projection);
    await rebuild.catchUp(projection);
  }
  const rebuilt = await Promise.all(ALL_PROJECTIONS.map((projection) => dumpReadModel(store.sql, projection.name)));
  assert.equal(rebuilt, kept, 'a rebuild from zero is byte-identical to the read models kept along the way');
});

test.run();
