// API keys by the hash of the key, so a presented key is found without storing it; and, per
// account, what every request must check: the plan and the key groups.
import { asLumenEvent, type EventType } from '../src/domain/events.ts';
import type { Projection } from '../src/ledger/projection.ts';

export interface ApiKeyDocument {
  [key: string]: string | boolean | string[] | null;
  keyId: string;
  accountId: string;
  keyPrefix: string;
  name: string;
  revoked: boolean;
  allowedModels: string[] | null;
  groupId: string | null;
}

export interface KeyGroupDocument {
  [key: string]: string | string[] | null;
  name: string;
  models: string[] | null;
  clients: string[] | null;
}

export interface AccountAccessDocument {
  [key: string]: string | { [groupId: string]: KeyGroupDocument };
  accountId: string;
  plan: string;
  groups: { [groupId: string]: KeyGroupDocument };
}

const handles = ['ApiKeyIssued', 'ApiKeyRevoked', 'ApiKeyGroupAssigned', 'AccountOpened', 'AccountPlanChanged',
  'KeyGroupDefined'] as const satisfies readonly EventType[];

type Document = (ApiKeyDocument & { keyHash?: string }) | AccountAccessDocument;

/** Revocations and group changes name the key id, not its hash, so documents are also kept under the id. */
export const apiKeysProjection: Projection<Document> = {
  name: 'api_keys',
  version: 2,
  handles,
  keysOf(recorded) {
    const event = asLumenEvent(recorded);
    switch (event.type) {
      case 'ApiKeyIssued': return [`hash:${event.data.keyHash}`, `id:${event.data.keyId}`];
      case 'ApiKeyRevoked': case 'ApiKeyGroupAssigned': return [`id:${event.data.keyId}`];
      case 'AccountOpened': case 'AccountPlanChanged': case 'KeyGroupDefined': return [`account:${event.data.accountId}`];
      default: return [];
    }
  },
  evolve(document, recorded, key) {
    const event = asLumenEvent(recorded);
    switch (event.type) {
      case 'ApiKeyIssued': {
        const base = { keyId: event.data.keyId, accountId: event.data.accountId, keyPrefix: event.data.keyPrefix,
          name: event.data.name, revoked: false, allowedModels: event.data.allowedModels, groupId: null };
        return key.startsWith('id:') ? { ...base, keyHash: event.data.keyHash } : base;
      }
      case 'ApiKeyRevoked':
        return document === null ? null : { ...document, revoked: true } as Document;
      case 'ApiKeyGroupAssigned':
        return document === null ? null : { ...document, groupId: event.data.groupId } as Document;
      case 'AccountOpened':
        return { accountId: event.data.accountId, plan: event.data.plan, groups: {} };
      case 'AccountPlanChanged':
        return document === null ? null : { ...document, plan: event.data.plan } as Document;
      case 'KeyGroupDefined': {
        if (document === null) return null;
        const access = document as AccountAccessDocument;
        return { ...access, groups: { ...access.groups,
          [event.data.groupId]: { name: event.data.name, models: event.data.models, clients: event.data.clients } } };
      }
      default:
        return document;
    }
  },
};
