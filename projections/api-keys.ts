// API keys by the hash of the key, so a presented key is found without storing it.
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
}

const handles = ['ApiKeyIssued', 'ApiKeyRevoked'] as const satisfies readonly EventType[];

/** Revocations name the key id, not its hash, so documents are also kept under the id. */
export const apiKeysProjection: Projection<ApiKeyDocument & { keyHash?: string }> = {
  name: 'api_keys',
  version: 1,
  handles,
  keysOf(recorded) {
    const event = asLumenEvent(recorded);
    if (event.type === 'ApiKeyIssued') return [`hash:${event.data.keyHash}`, `id:${event.data.keyId}`];
    if (event.type === 'ApiKeyRevoked') return [`id:${event.data.keyId}`];
    return [];
  },
  evolve(document, recorded, key) {
    const event = asLumenEvent(recorded);
    if (event.type === 'ApiKeyIssued') {
      const base = { keyId: event.data.keyId, accountId: event.data.accountId, keyPrefix: event.data.keyPrefix,
        name: event.data.name, revoked: false, allowedModels: event.data.allowedModels };
      return key.startsWith('id:') ? { ...base, keyHash: event.data.keyHash } : base;
    }
    if (event.type === 'ApiKeyRevoked' && document !== null) return { ...document, revoked: true };
    return document;
  },
};
