// The credit decider as a pure function: holds fit or are refused, resolve once, never charge
// past the hold, expire only by ledger time; payments credit once.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { decideAccount, evolveAccount, initialAccountState, AccountRejected, type AccountCommand, type AccountState } from '../../src/domain/account.ts';
import { availableMicros } from '../../src/domain/credit-holds.ts';

function run(state: AccountState, command: AccountCommand): AccountState {
  return decideAccount(command, state).reduce((current, { id, event }) => evolveAccount(current, event, id), state);
}

function opened(creditsMicros: number, plan = 'enterprise'): AccountState {
  return run(initialAccountState(), { type: 'OpenAccount', accountId: 'a1', name: 'A', plan, initialCreditsMicros: creditsMicros });
}

const hold = (requestId: string, amountMicros: number, extra: Partial<{ overdraftMicros: number; expiresAt: string; month: string }> = {}) =>
  ({ type: 'HoldCredits', requestId, keyId: 'k1', amountMicros, expiresAt: extra.expiresAt ?? '2026-11-23T10:15:00.000000Z',
    overdraftMicros: extra.overdraftMicros ?? 0, month: extra.month ?? '2026-11' }) as const;

function rejection(work: () => unknown): string | undefined {
  try { work(); } catch (error) { if (error instanceof AccountRejected) return error.code; throw error; }
  return undefined;
}

test('given credits, a hold that fits is placed and one that does not is refused with insufficient_credits', () => {
  const state = run(opened(1_000), hold('r1', 600));
  assert.is(state.heldMicros, 600);
  assert.is(availableMicros(state, 0), 400);
  assert.is(rejection(() => decideAccount(hold('r2', 401), state)), 'insufficient_credits');
  assert.is(run(state, hold('r2', 400)).heldMicros, 1_000);
});

test('given an overdraft, holds may take available credit down to minus the overdraft and no further', () => {
  const state = opened(1_000);
  assert.is(run(state, hold('r1', 1_500, { overdraftMicros: 500 })).heldMicros, 1_500);
  assert.is(rejection(() => decideAccount(hold('r1', 1_501, { overdraftMicros: 500 }), state)), 'insufficient_credits');
});

test('given a hold, settling charges the cost, releases the rest, and a second settlement changes nothing', () => {
  const held = run(opened(1_000), hold('r1', 600));
  const settled = run(held, { type: 'SettleHold', requestId: 'r1', costMicros: 250, day: '2026-11-23' });
  assert.is(settled.chargedMicros, 250);
  assert.is(settled.heldMicros, 0);
  assert.is(availableMicros(settled, 0), 750);
  assert.equal(decideAccount({ type: 'SettleHold', requestId: 'r1', costMicros: 999, day: '2026-11-23' }, settled), []);
  assert.equal(decideAccount({ type: 'ExpireHold', requestId: 'r1', now: '2030-01-01T00:00:00.000000Z' }, settled), []);
});

test('given a request that cost more than its hold, the charge stops at the hold and the rest is written off', () => {
  const held = run(opened(1_000), hold('r1', 600));
  const [decided] = decideAccount({ type: 'SettleHold', requestId: 'r1', costMicros: 700, day: '2026-11-23' }, held);
  assert.equal(decided!.event.data, { accountId: 'a1', requestId: 'r1', heldMicros: 600, costMicros: 700, chargedMicros: 600,
    writtenOffMicros: 100, day: '2026-11-23' });
});

test('given an open hold, it expires only once the ledger time passed its expiry, and then releases everything', () => {
  const held = run(opened(1_000), hold('r1', 600, { expiresAt: '2026-11-23T10:15:00.000000Z' }));
  assert.equal(decideAccount({ type: 'ExpireHold', requestId: 'r1', now: '2026-11-23T10:14:59.999999Z' }, held), []);
  const expired = run(held, { type: 'ExpireHold', requestId: 'r1', now: '2026-11-23T10:15:00.000000Z' });
  assert.is(expired.heldMicros, 0);
  assert.is(expired.chargedMicros, 0);
  assert.equal(decideAccount({ type: 'SettleHold', requestId: 'r1', costMicros: 5, day: '2026-11-23' }, expired), []);
});

test('given the same request id twice, the second hold is a no-op, not a second reservation', () => {
  const state = run(opened(1_000), hold('r1', 600));
  assert.equal(decideAccount(hold('r1', 600), state), []);
});

test("given a plan's monthly cap, charges this month plus open holds may not pass it", () => {
  const free = opened(10_000_000, 'free'); // Free: $5 a month
  const state = run(run(free, hold('r1', 3_000_000)), { type: 'SettleHold', requestId: 'r1', costMicros: 3_000_000, day: '2026-11-02' });
  assert.is(rejection(() => decideAccount(hold('r2', 2_000_001), state)), 'spend_cap_reached');
  assert.is(run(state, hold('r2', 2_000_000)).heldMicros, 2_000_000);
  assert.is(run(state, hold('r2', 2_000_001, { month: '2026-12' })).heldMicros, 2_000_001, 'a new month starts from zero');
});

test('given a payment, it credits once whatever is resent, and a different payment credits again', () => {
  const payment = { paymentKey: 'checkout:cs_1', amountMicros: 5_000_000, stripeEventId: 'evt_1', stripeSessionId: 'cs_1',
    stripePaymentIntentId: 'pi_1', stripeInvoiceId: null, amountPaidCents: 500, currency: 'usd' };
  const once = run(opened(0), { type: 'TopUpCredits', payment });
  assert.is(once.creditedMicros, 5_000_000);
  assert.equal(decideAccount({ type: 'TopUpCredits', payment: { ...payment, stripeEventId: 'evt_2' } }, once), []);
  assert.is(run(once, { type: 'TopUpCredits', payment: { ...payment, paymentKey: 'checkout:cs_2' } }).creditedMicros, 10_000_000);
});

test('given key groups, a key can be issued into a defined group only', () => {
  const state = run(opened(0), { type: 'DefineKeyGroup', groupId: 'g1', changeId: 'c1', name: 'Claude Code', models: null,
    clients: ['claude-code'] });
  const issued = run(state, { type: 'IssueKey', keyId: 'k1', keyHash: 'a'.repeat(64), keyPrefix: 'sk-lumen-aa', name: 'k',
    allowedModels: null, groupId: 'g1' });
  assert.equal(issued.keys.get('k1'), { revoked: false, groupId: 'g1' });
  assert.is(rejection(() => decideAccount({ type: 'IssueKey', keyId: 'k2', keyHash: 'b'.repeat(64), keyPrefix: 'sk-lumen-bb', name: 'k',
    allowedModels: null, groupId: 'nope' }, state)), 'group_not_found');
});

test.run();
