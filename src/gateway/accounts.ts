// Account operations for the admin API and the CLI: each is a command on the account's stream,
// through the one write path. Results wait until the read models and the key index have seen
// the new events, so a key handed out here authenticates at once.
import { randomUUID } from 'node:crypto';
import { AccountRejected, decideAccount, evolveAccount, initialAccountState, type AccountCommand, type AccountState } from '../domain/account.ts';
import type { Micros } from '../domain/money.ts';
import type { EventStore, RecordedEvent } from '../ledger/event-store.ts';
import type { ProjectionRunner } from '../ledger/sql/projection-runner.ts';
import { readDocument } from '../ledger/sql/projection-runner.ts';
import type { SqlExecutor } from '../ledger/sql/sql-client.ts';
import type { BalanceDocument } from '../../projections/balances.ts';
import { mintApiKey } from './api-keys.ts';
import { handleCommand, type Decider } from './handle-command.ts';
import type { KeyIndex } from './key-index.ts';

const accountDecider: Decider<AccountState, AccountCommand> = {
  initial: initialAccountState,
  decide: decideAccount,
  evolve: evolveAccount,
};

export const accountStream = (accountId: string) => `account-${accountId}`;

export interface AccountServices {
  store: EventStore;
  sql: SqlExecutor;
  projections: ProjectionRunner;
  keys: KeyIndex;
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

  async issueKey(accountId: string, input: { name: string; allowedModels: string[] | null }) {
    const minted = mintApiKey();
    const keyId = `key_${randomUUID().replaceAll('-', '').slice(0, 24)}`;
    await this.run(accountId, { type: 'IssueKey', keyId, keyHash: minted.keyHash, keyPrefix: minted.keyPrefix,
      name: input.name, allowedModels: input.allowedModels });
    return { keyId, key: minted.key, keyPrefix: minted.keyPrefix, name: input.name, allowedModels: input.allowedModels };
  }

  async revokeKey(accountId: string, keyId: string): Promise<void> {
    await this.run(accountId, { type: 'RevokeKey', keyId });
  }

  async grant(accountId: string, amountMicros: Micros, reason: string, grantId = randomUUID()): Promise<BalanceDocument> {
    await this.run(accountId, { type: 'GrantCredits', grantId, amountMicros, reason });
    return (await this.balance(accountId))!;
  }

  /** The account's balance document, after the projections caught up with everything written so far. */
  async balance(accountId: string): Promise<BalanceDocument | undefined> {
    const last = await this.services.store.lastPosition?.();
    if (last !== undefined) await this.services.projections.waitFor(last).catch(() => undefined);
    return readDocument<BalanceDocument>(this.services.sql, 'balances', accountId);
  }

  private async run(accountId: string, command: AccountCommand): Promise<RecordedEvent[]> {
    const { events } = await handleCommand(this.services.store, accountStream(accountId), accountDecider, command, this.services.now());
    const last = events.at(-1);
    if (last !== undefined) {
      await Promise.all([this.services.projections.waitFor(last.global), this.services.keys.waitFor(last.global)]);
    }
    return events;
  }
}

export { AccountRejected };
