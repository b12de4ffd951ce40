// Account operations for the admin API and the CLI: each is a command on the account's stream,
// through the one write path. Results wait until the read models and the key index have seen
// the new events, so a key handed out here authenticates at once.
import { randomUUID } from 'node:crypto';
import { AccountRejected, type AccountCommand } from '../domain/account.ts';
import type { Micros } from '../domain/money.ts';
import type { EventStore, RecordedEvent } from '../ledger/event-store.ts';
import type { ProjectionRunner } from '../ledger/sql/projection-runner.ts';
import { readDocument } from '../ledger/sql/projection-runner.ts';
import type { SqlExecutor } from '../ledger/sql/sql-client.ts';
import type { BalanceDocument } from '../../projections/balances.ts';
import type { ApiKeyDocument } from '../../projections/api-keys.ts';
import type { UsageDocument } from '../../projections/usage-daily.ts';
import { keysOfAccount, usageOfAccount } from './account-reports.ts';
import { creditPayment } from './payments.ts';
import type { ConfirmedPayment } from '../stripe/billing-types.ts';
import { mintApiKey } from './api-keys.ts';
import type { AccountWriter } from './account-writer.ts';
import type { KeyIndex } from './key-index.ts';

export interface AccountServices {
  store: EventStore;
  sql: SqlExecutor;
  projections: ProjectionRunner;
  keys: KeyIndex;
  writer: AccountWriter;
  /** Settlements trail the answers they belong to: reads of balances wait for this process's. */
  settled?: () => Promise<void>;
  now: () => Date;
}

export class Accounts {
  constructor(private readonly services: AccountServices) {}

  async open(input: { name: string; plan: string; creditsMicros: Micros; accountId?: string }): Promise<BalanceDocument> {
    const accountId = input.accountId ?? `acct_${randomUUID().replaceAll('-', '')}`;
    await this.run(accountId, { type: 'OpenAccount', accountId, name: input.name, plan: input.plan,
      initialCreditsMicros: input.creditsMicros });
    return (await this.balance(accountId))!;
  }

  async issueKey(accountId: string, input: { name: string; allowedModels: string[] | null; groupId?: string | null }) {
    const minted = mintApiKey();
    const keyId = `key_${randomUUID().replaceAll('-', '').slice(0, 24)}`;
    await this.run(accountId, { type: 'IssueKey', keyId, keyHash: minted.keyHash, keyPrefix: minted.keyPrefix,
      name: input.name, allowedModels: input.allowedModels, groupId: input.groupId ?? null });
    return { keyId, key: minted.key, keyPrefix: minted.keyPrefix, name: input.name, allowedModels: input.allowedModels,
      groupId: input.groupId ?? null };
  }

  async revokeKey(accountId: string, keyId: string): Promise<void> {
    await this.run(accountId, { type: 'RevokeKey', keyId });
  }

  async grant(accountId: string, amountMicros: Micros, reason: string, grantId = randomUUID()): Promise<BalanceDocument> {
    await this.run(accountId, { type: 'GrantCredits', grantId, amountMicros, reason });
    return (await this.balance(accountId))!;
  }

  async changePlan(accountId: string, plan: string, changeId = randomUUID()): Promise<BalanceDocument> {
    await this.run(accountId, { type: 'ChangePlan', changeId, plan });
    return (await this.balance(accountId))!;
  }

  async defineGroup(accountId: string, input: { groupId?: string; name: string; models: string[] | null; clients: string[] | null }) {
    const groupId = input.groupId ?? `grp_${randomUUID().replaceAll('-', '').slice(0, 20)}`;
    await this.run(accountId, { type: 'DefineKeyGroup', groupId, changeId: randomUUID(), name: input.name, models: input.models,
      clients: input.clients });
    return { groupId, ...input };
  }

  async assignGroup(accountId: string, keyId: string, groupId: string | null): Promise<void> {
    await this.run(accountId, { type: 'AssignKeyGroup', keyId, groupId, changeId: randomUUID() });
  }

  /** The account as its writer folded it (plan, groups, open holds, Stripe customer), fresh from the stream's tail. */
  state(accountId: string) {
    return this.services.writer.current(accountId);
  }

  async keysOf(accountId: string): Promise<ApiKeyDocument[]> {
    await this.caughtUp();
    return keysOfAccount(this.services.sql, accountId);
  }

  async usageOf(accountId: string, fromDay: string): Promise<UsageDocument[]> {
    await this.caughtUp();
    return usageOfAccount(this.services.sql, accountId, fromDay);
  }

  private async caughtUp(): Promise<void> {
    await this.services.settled?.();
    const last = await this.services.store.lastPosition?.();
    if (last !== undefined) await this.services.projections.waitFor(last).catch(() => undefined);
  }

  /** The account's balance document, after the projections caught up with everything written so far. */
  async balance(accountId: string): Promise<BalanceDocument | undefined> {
    await this.caughtUp();
    return readDocument<BalanceDocument>(this.services.sql, 'balances', accountId);
  }

  /** Books a payment Stripe confirmed (once per payment, see payments.ts). */
  async bookPayment(payment: ConfirmedPayment): Promise<RecordedEvent[]> {
    const events = await creditPayment(this.services.writer, payment);
    await this.seen(events);
    return events;
  }

  private async run(accountId: string, command: AccountCommand): Promise<RecordedEvent[]> {
    const { events } = await this.services.writer.execute(accountId, command);
    await this.seen(events);
    return events;
  }

  /** Waits until the read models and the key index include these events. */
  private async seen(events: RecordedEvent[]): Promise<void> {
    const last = events.at(-1);
    if (last !== undefined) {
      await Promise.all([this.services.projections.waitFor(last.global), this.services.keys.waitFor(last.global)]);
    }
  }
}

export { AccountRejected };
