// The account decider: opening accounts, keys and key groups, credits in (grants, Stripe
// top-ups) and out (holds settled to a request's cost). Pure: ids, key hashes, amounts and times
// arrive in the command; nothing here reads a clock or does I/O. Credit decisions live in
// credit-holds.ts; this file folds the stream and dispatches.
import { exhaustive, type LumenEvent } from './events.ts';
import type { Micros } from './money.ts';
import { decideCredits, isCreditCommand, type CreditCommand } from './credit-holds.ts';

export interface OpenHold { amountMicros: Micros; expiresAt: string; keyId: string }
export interface KeyGroup { name: string; models: string[] | null; clients: string[] | null }

export interface AccountState {
  opened: boolean;
  accountId: string;
  plan: string;
  keys: Map<string, { revoked: boolean; groupId: string | null }>;
  grantIds: Set<string>;
  /** Grants and top-ups. */
  creditedMicros: Micros;
  /** Settled charges. */
  chargedMicros: Micros;
  /** The sum of the open holds. */
  heldMicros: Micros;
  writtenOffMicros: Micros;
  openHolds: Map<string, OpenHold>;
  /** Settled charges per calendar month (YYYY-MM), for the plan's monthly cap. */
  chargedByMonth: Map<string, Micros>;
  paymentKeys: Set<string>;
  stripeCustomerId: string | null;
  groups: Map<string, KeyGroup>;
}

export type AccountCommand =
  | { type: 'OpenAccount'; accountId: string; name: string; plan: string; initialCreditsMicros: Micros }
  | { type: 'IssueKey'; keyId: string; keyHash: string; keyPrefix: string; name: string; allowedModels: string[] | null;
    groupId?: string | null }
  | { type: 'RevokeKey'; keyId: string }
  | { type: 'GrantCredits'; grantId: string; amountMicros: Micros; reason: string }
  | { type: 'ChangePlan'; changeId: string; plan: string }
  | { type: 'DefineKeyGroup'; groupId: string; changeId: string; name: string; models: string[] | null; clients: string[] | null }
  | { type: 'AssignKeyGroup'; keyId: string; groupId: string | null; changeId: string }
  | CreditCommand;

export type AccountRejectionCode = 'account_exists' | 'account_not_found' | 'key_not_found' | 'group_not_found'
  | 'invalid_amount' | 'insufficient_credits' | 'spend_cap_reached';

export class AccountRejected extends Error {
  constructor(readonly code: AccountRejectionCode, message: string, readonly details: Record<string, number> = {}) {
    super(message);
  }
}

export function initialAccountState(): AccountState {
  return { opened: false, accountId: '', plan: '', keys: new Map(), grantIds: new Set(), creditedMicros: 0, chargedMicros: 0,
    heldMicros: 0, writtenOffMicros: 0, openHolds: new Map(), chargedByMonth: new Map(), paymentKeys: new Set(),
    stripeCustomerId: null, groups: new Map() };
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
  if (isCreditCommand(command)) return decideCredits(command, state);
  const accountId = state.accountId;
  switch (command.type) {
    case 'IssueKey': {
      const groupId = command.groupId ?? null;
      if (groupId !== null && !state.groups.has(groupId)) throw new AccountRejected('group_not_found', `no key group ${groupId}`);
      const issued: DecidedEvent = { id: `${accountId}:key:${command.keyId}`, event: { type: 'ApiKeyIssued', data: { accountId,
        keyId: command.keyId, keyHash: command.keyHash, keyPrefix: command.keyPrefix, name: command.name, allowedModels: command.allowedModels } } };
      if (groupId === null) return [issued];
      return [issued, { id: `${accountId}:key:${command.keyId}:group:initial`,
        event: { type: 'ApiKeyGroupAssigned', data: { accountId, keyId: command.keyId, groupId } } }];
    }
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
    case 'DefineKeyGroup':
      return [{ id: `${accountId}:group:${command.groupId}:${command.changeId}`, event: { type: 'KeyGroupDefined',
        data: { accountId, groupId: command.groupId, name: command.name, models: command.models, clients: command.clients } } }];
    case 'AssignKeyGroup': {
      const key = state.keys.get(command.keyId);
      if (key === undefined) throw new AccountRejected('key_not_found', `no key ${command.keyId} on this account`);
      if (command.groupId !== null && !state.groups.has(command.groupId)) {
        throw new AccountRejected('group_not_found', `no key group ${command.groupId}`);
      }
      if (key.groupId === command.groupId) return [];
      return [{ id: `${accountId}:key:${command.keyId}:group:${command.changeId}`,
        event: { type: 'ApiKeyGroupAssigned', data: { accountId, keyId: command.keyId, groupId: command.groupId } } }];
    }
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
      return { ...state, keys: new Map(state.keys).set(event.data.keyId, { revoked: false, groupId: null }) };
    case 'ApiKeyRevoked': {
      const key = state.keys.get(event.data.keyId);
      return { ...state, keys: new Map(state.keys).set(event.data.keyId, { groupId: key?.groupId ?? null, revoked: true }) };
    }
    case 'ApiKeyGroupAssigned': {
      const key = state.keys.get(event.data.keyId);
      return { ...state, keys: new Map(state.keys).set(event.data.keyId, { revoked: key?.revoked ?? false, groupId: event.data.groupId }) };
    }
    case 'KeyGroupDefined':
      return { ...state, groups: new Map(state.groups).set(event.data.groupId,
        { name: event.data.name, models: event.data.models, clients: event.data.clients }) };
    case 'CreditsGranted': {
      const grantId = eventId.split(':grant:')[1];
      const grantIds = grantId === undefined ? state.grantIds : new Set(state.grantIds).add(grantId);
      return { ...state, grantIds, creditedMicros: state.creditedMicros + event.data.amountMicros };
    }
    case 'CreditsToppedUp':
      return { ...state, paymentKeys: new Set(state.paymentKeys).add(event.data.paymentKey),
        creditedMicros: state.creditedMicros + event.data.amountMicros };
    case 'StripeCustomerLinked':
      return { ...state, stripeCustomerId: event.data.customerId };
    case 'CreditsHeld': {
      const hold = { amountMicros: event.data.amountMicros, expiresAt: event.data.expiresAt, keyId: event.data.keyId };
      return { ...state, openHolds: new Map(state.openHolds).set(event.data.requestId, hold),
        heldMicros: state.heldMicros + hold.amountMicros };
    }
    case 'HoldSettled': {
      const released = withoutHold(state, event.data.requestId);
      const month = event.data.day.slice(0, 7);
      return { ...released, chargedMicros: state.chargedMicros + event.data.chargedMicros,
        writtenOffMicros: state.writtenOffMicros + event.data.writtenOffMicros,
        chargedByMonth: new Map(state.chargedByMonth).set(month, (state.chargedByMonth.get(month) ?? 0) + event.data.chargedMicros) };
    }
    case 'HoldExpired':
      return withoutHold(state, event.data.requestId);
    case 'RequestCompleted':
    case 'CheckpointPublished':
    case 'RoutingDecided':
    case 'ResponseRated':
    case 'RouterVersionPublished':
      return state;
    default:
      return exhaustive(event);
  }
}

function withoutHold(state: AccountState, requestId: string): AccountState {
  const hold = state.openHolds.get(requestId);
  if (hold === undefined) return state;
  const openHolds = new Map(state.openHolds);
  openHolds.delete(requestId);
  return { ...state, openHolds, heldMicros: state.heldMicros - hold.amountMicros };
}
