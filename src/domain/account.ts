// The account decider: opening accounts, issuing and revoking keys, granting credits. Pure:
// ids, key hashes and amounts arrive in the command; nothing here reads a clock or does I/O.
import { exhaustive, type LumenEvent } from './events.ts';
import type { Micros } from './money.ts';

export interface AccountState {
  opened: boolean;
  accountId: string;
  plan: string;
  keys: Map<string, { revoked: boolean }>;
  grantIds: Set<string>;
}

export type AccountCommand =
  | { type: 'OpenAccount'; accountId: string; name: string; plan: string; initialCreditsMicros: Micros }
  | { type: 'IssueKey'; keyId: string; keyHash: string; keyPrefix: string; name: string; allowedModels: string[] | null }
  | { type: 'RevokeKey'; keyId: string }
  | { type: 'GrantCredits'; grantId: string; amountMicros: Micros; reason: string }
  | { type: 'ChangePlan'; changeId: string; plan: string };

export class AccountRejected extends Error {
  constructor(readonly code: 'account_exists' | 'account_not_found' | 'key_not_found' | 'invalid_amount', message: string) {
    super(message);
  }
}

export function initialAccountState(): AccountState {
  return { opened: false, accountId: '', plan: '', keys: new Map(), grantIds: new Set() };
}

/** A proposed event with the id that makes retrying the same command idempotent. */
export interface DecidedEvent { id: string; event: LumenEvent }

export function decideAccount(command: AccountCommand, state: AccountState): DecidedEvent[] {
  if (command.type === 'OpenAccount') {
    if (state.opened) throw new AccountRejected('account_exists', `account ${command.accountId} already exists`);
    const opened: DecidedEvent = { id: `${command.accountId}:opened`,
      event: { type: 'AccountOpened', data: { accountId: command.accountId, name: command.name, plan: command.plan } } };
    if (command.initialCreditsMicros <= 0) return [opened];
    return [opened, { id: `${command.accountId}:grant:initial`, event: { type: 'CreditsGranted',
      data: { accountId: command.accountId, amountMicros: command.initialCreditsMicros, reason: 'initial credits' } } }];
  }
  if (!state.opened) throw new AccountRejected('account_not_found', 'no such account');
  const accountId = state.accountId;
  switch (command.type) {
    case 'IssueKey':
      return [{ id: `${accountId}:key:${command.keyId}`, event: { type: 'ApiKeyIssued', data: { accountId, keyId: command.keyId,
        keyHash: command.keyHash, keyPrefix: command.keyPrefix, name: command.name, allowedModels: command.allowedModels } } }];
    case 'RevokeKey': {
      const key = state.keys.get(command.keyId);
      if (key === undefined) throw new AccountRejected('key_not_found', `no key ${command.keyId} on this account`);
      if (key.revoked) return [];
      return [{ id: `${accountId}:revoke:${command.keyId}`, event: { type: 'ApiKeyRevoked', data: { accountId, keyId: command.keyId } } }];
    }
    case 'GrantCredits':
      if (!Number.isSafeInteger(command.amountMicros) || command.amountMicros <= 0) {
        throw new AccountRejected('invalid_amount', 'credits must be a positive amount');
      }
      if (state.grantIds.has(command.grantId)) return [];
      return [{ id: `${accountId}:grant:${command.grantId}`, event: { type: 'CreditsGranted',
        data: { accountId, amountMicros: command.amountMicros, reason: command.reason } } }];
    case 'ChangePlan':
      return command.plan === state.plan ? [] : [{ id: `${accountId}:plan:${command.changeId}`,
        event: { type: 'AccountPlanChanged', data: { accountId, plan: command.plan } } }];
    default:
      return exhaustive(command);
  }
}

export function evolveAccount(state: AccountState, event: LumenEvent, eventId: string): AccountState {
  switch (event.type) {
    case 'AccountOpened':
      return { ...state, opened: true, accountId: event.data.accountId, plan: event.data.plan };
    case 'AccountPlanChanged':
      return { ...state, plan: event.data.plan };
    case 'ApiKeyIssued':
      return { ...state, keys: new Map(state.keys).set(event.data.keyId, { revoked: false }) };
    case 'ApiKeyRevoked':
      return { ...state, keys: new Map(state.keys).set(event.data.keyId, { revoked: true }) };
    case 'CreditsGranted': {
      const grantId = eventId.split(':grant:')[1];
      return grantId === undefined ? state : { ...state, grantIds: new Set(state.grantIds).add(grantId) };
    }
    case 'RequestCompleted':
    case 'CreditsHeld': case 'HoldSettled': case 'HoldExpired': case 'CreditsToppedUp': case 'StripeCustomerLinked':
    case 'KeyGroupDefined': case 'ApiKeyGroupAssigned': case 'CheckpointPublished':
      return state;
    default:
      return exhaustive(event);
  }
}
