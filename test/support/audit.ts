// Helpers for audit-log tests: a fixed signing key, a logger that keeps what it was told, a
// seeded ledger, and the Merkle root the log must have, computed independently in memory.
import { signCheckpoint } from '../../src/audit/checkpoint.ts';
import { CompactRange } from '../../src/audit/compact-range.ts';
import { leafHashOfEvent } from '../../src/audit/event-leaf.ts';
import { MemoryNodeStore, proveConsistency, proveInclusion } from '../../src/audit/merkle.ts';
import { createNoteSigner, verifierKeyOf } from '../../src/audit/note-keys.ts';
import type { Receipt } from '../../src/audit/receipt.ts';
import { canonicalEventText, eventHash } from '../../src/ledger/hash-chain.ts';
import type { AuditLogger } from '../../src/audit/log/sealer.ts';
import type { EventStore, RecordedEvent } from '../../src/ledger/event-store.ts';
import { requestCompleted } from './events.ts';

export const AUDIT_ORIGIN = 'lumen.test/ledger';
export const auditSigner = createNoteSigner(AUDIT_ORIGIN, Buffer.alloc(32, 7));
export const auditVerifierKey = verifierKeyOf(auditSigner);

export interface KeptLog extends AuditLogger {
  lines: { level: string; message: string; details: object }[];
}

export function keptLogger(): KeptLog {
  const lines: KeptLog['lines'] = [];
  const keep = (level: string) => (details: object, message: string) => { lines.push({ level, message, details }); };
  return { lines, info: keep('info'), warn: keep('warn'), error: keep('error') };
}

/** Opens `accounts` accounts with a grant each and one request per account. */
export async function seedLedger(store: EventStore, prefix: string, accounts: number): Promise<void> {
  for (let index = 0; index < accounts; index += 1) {
    const accountId = `${prefix}${index}`;
    await store.append(`account-${accountId}`, [
      { id: `${prefix}-open-${index}`, type: 'AccountOpened', schemaVersion: 1, data: { accountId, name: `Audit ${index}`, plan: 'free' } },
      { id: `${prefix}-grant-${index}`, type: 'CreditsGranted', schemaVersion: 1, data: { accountId, amountMicros: 1000 + index, reason: 'seed' } },
    ], 'no_stream');
    await store.append(`request-${prefix}-${index}`, [requestCompleted({ id: `${prefix}-request-${index}`, accountId })], 'no_stream');
  }
}

/** The RFC 9162 root over these events' hashes, in this order, built in memory. */
export function referenceRoot(events: readonly Pick<RecordedEvent, 'hash'>[]): Buffer {
  const range = CompactRange.empty();
  for (const event of events) range.append(leafHashOfEvent(event.hash));
  return range.root();
}

/**
 * A log of `count` synthetic events (one stream, hash-linked) and a tree over them, to build
 * receipts exactly as the gateway shapes them without a database.
 */
export function syntheticLog(count: number) {
  const events: { hash: string; previousHash: string | null; canonical: string; version: number }[] = [];
  for (let version = 0; version < count; version += 1) {
    const fields = { id: `event-${version}`, streamId: 'account-a1', version, type: 'CreditsGranted', schemaVersion: 1,
      dataJson: `{"accountId":"a1","amountMicros":${version + 1},"reason":"seed"}`, metadataJson: '{}',
      recordedAt: '2026-11-23T10:00:00.000000Z', previousHash: events.at(-1)?.hash ?? null };
    events.push({ hash: eventHash(fields), previousHash: fields.previousHash, canonical: canonicalEventText(fields), version });
  }
  const nodes = new MemoryNodeStore();
  const range = CompactRange.empty();
  const roots = [range.root()];
  for (const event of events) {
    nodes.putNodes(range.append(leafHashOfEvent(event.hash)));
    roots.push(range.root());
  }
  const note = (treeSize: number, signer = auditSigner) =>
    signCheckpoint({ origin: signer.keyName, treeSize, rootHash: roots[treeSize]!, extensionLines: [] }, signer);
  const receipt = (leafIndex: number, treeSize: number, fromSize?: number): Receipt => {
    const event = events[leafIndex]!;
    return {
      object: 'audit.entry', hash: event.hash, leaf_index: leafIndex, payload_visible: true,
      entry: { stream_id: 'account-a1', version: event.version, type: 'CreditsGranted', canonical: event.canonical },
      chain: { previous_hash: event.previousHash, next_hash: events[leafIndex + 1]?.hash ?? null },
      inclusion: { tree_size: treeSize, proof: proveInclusion(nodes, leafIndex, treeSize).map((hash) => hash.toString('hex')) },
      checkpoint: { origin: auditSigner.keyName, tree_size: treeSize, root_hash: roots[treeSize]!.toString('hex'), signed_note: note(treeSize) },
      ...(fromSize === undefined ? {} : { consistency: { from_size: fromSize, from_root: roots[fromSize]!.toString('hex'),
        proof: proveConsistency(nodes, fromSize, treeSize).map((hash) => hash.toString('hex')) } }),
    };
  };
  return { events, roots, note, receipt };
}
