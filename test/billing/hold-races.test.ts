// Races on the hold/settle path, ordered by fc.scheduler: two gateway processes (two account
// writers with their own caches) place and settle holds on one account while the scheduler
// decides in which order every read and append of the store completes. Whatever the order,
// no hold that does not fit is placed, none that fits is refused, each resolves once, and the
// charges never pass the credits.
import fc from 'fast-check';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { availableMicros } from '../../src/domain/credit-holds.ts';
import { AccountWriter } from '../../src/gateway/account-writer.ts';
import { Billing, type PlacedHold } from '../../src/gateway/billing.ts';
import type { EventStore } from '../../src/ledger/event-store.ts';
import { openTestStore, type TestStore } from '../support/store.ts';

let store: TestStore;
test.before(async () => { store = await openTestStore(); });
test.after(async () => { await store.dispose(); });

/**
 * A call whose completion the scheduler releases. The outcome travels as a value until then:
 * a rejection held back by the scheduler would otherwise count as unhandled.
 */
function scheduledCall<Arguments extends unknown[], Result>(scheduler: fc.Scheduler, call: (...input: Arguments) => Promise<Result>) {
  const released = scheduler.scheduleFunction((...input: Arguments) => call(...input)
    .then((value) => ({ ok: true as const, value }), (error: unknown) => ({ ok: false as const, error })));
  return async (...input: Arguments): Promise<Result> => {
    const outcome = await released(...input);
    if (!outcome.ok) throw outcome.error;
    return outcome.value;
  };
}

/** The store, with every read and append completing when the scheduler says so. */
function scheduled(scheduler: fc.Scheduler, real: EventStore): EventStore {
  return Object.assign(Object.create(real) as EventStore, {
    append: scheduledCall(scheduler, real.append.bind(real)),
    readStream: scheduledCall(scheduler, real.readStream.bind(real)),
  });
}

test('given two processes racing holds and settlements on one account, money stays exact in every order', async () => {
  let run = 0;
  await fc.assert(fc.asyncProperty(fc.scheduler(), fc.array(fc.tuple(fc.nat(1), fc.integer({ min: 1, max: 250 }), fc.nat(100)),
    { minLength: 2, maxLength: 12 }), async (scheduler, requests) => {
    run += 1;
    const accountId = `race${run}`;
    const now = () => new Date('2026-11-23T10:00:00Z');
    const setup = new AccountWriter(store.store, { now });
    await setup.execute(accountId, { type: 'OpenAccount', accountId, name: 'Race', plan: 'enterprise', initialCreditsMicros: 1_000 });
    const processes = [0, 1].map(() => {
      const writer = new AccountWriter(scheduled(scheduler, store.store), { now });
      return { writer, billing: new Billing(writer, { overdraftMicros: 0, holdTtlMs: 60_000 }, now) };
    });
    const placed: Array<{ hold: PlacedHold; cost: number }> = [];
    let refused = 0;
    const work = requests.map(async ([process, amount, percent], index) => {
      const { billing } = processes[process]!;
      try {
        const hold = await billing.hold({ accountId, keyId: 'k', requestId: `${accountId}-${index}`, amountMicros: amount });
        const cost = Math.floor(amount * percent / 100);
        placed.push({ hold, cost });
        billing.settle(hold, cost, '2026-11-23');
        await billing.settled();
      } catch (error) {
        assert.is((error as { status?: number }).status, 402, String(error));
        refused += 1;
      }
    });
    await scheduler.waitFor(Promise.all(work));
    await Promise.all(processes.map(({ billing }) => billing.settled()));

    const state = await new AccountWriter(store.store, { now }).current(accountId);
    const charged = placed.reduce((sum, { cost }) => sum + cost, 0);
    assert.is(placed.length + refused, requests.length);
    assert.is(state.chargedMicros, charged, 'every placed hold settled exactly once at its cost');
    assert.is(state.heldMicros, 0);
    assert.ok(charged <= 1_000, 'no overspend');
    assert.ok(availableMicros(state, 0) >= 0);
    const stream = await store.store.readStream(`account-${accountId}`);
    const settlements = stream.filter((event) => event.type === 'HoldSettled').map((event) => event.data.requestId);
    assert.is(new Set(settlements).size, settlements.length);
    // A refusal is only ever for lack of credit: when everything asked for fits at once, nothing
    // may be refused, whatever a stale cache in either process believed.
    const asked = requests.reduce((sum, [, amount]) => sum + amount, 0);
    if (asked <= 1_000) assert.is(refused, 0, 'nothing refused when every hold fits');
  }), { numRuns: 25, seed: 20261123 });
});

test.run();
