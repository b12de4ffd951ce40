// Receipts for `GET /v1/audit/{hash}`: the entry (to its owner), its place in its stream, its
// leaf index, an inclusion proof to the latest signed checkpoint and, on request, a consistency
// proof from an earlier tree size. Every proof is checked against the signed root before it is
// served: a tree that cannot prove what it holds is an error, never a receipt.
import { openCheckpoint } from '../checkpoint.ts';
import { CHECKPOINT_STREAM, isEventHashHex, leafHashOfEvent } from '../event-leaf.ts';
import { proveConsistencyBatched, proveInclusionBatched, treeRootBatched, verifyConsistency, verifyInclusion } from '../merkle.ts';
import { createNoteVerifier, formatKeyId, verifierKeyOf } from '../note-keys.ts';
import type { NoteSigner } from '../note-keys.ts';
import { RECEIPT_OBJECT, type Receipt } from '../receipt.ts';
import { canonicalEventText, checkEvent } from '../../ledger/hash-chain.ts';
import { findEventByHash, type StoredEvent } from '../../ledger/sql/event-rows.ts';
import type { SqlExecutor } from '../../ledger/sql/sql-client.ts';
import { readLatestCheckpoint, type PublishedCheckpoint } from './checkpoint-stream.ts';
import { findLeafIndex, SqlNodeReader } from './sql-tree.ts';

/** Who asks: the operator (admin key) or an account (its API key). */
export type Viewer = { kind: 'operator' } | { kind: 'account'; accountId: string };

export type EntryAnswer =
  | { kind: 'not_found' }
  | { kind: 'pending'; reason: 'not_sealed' | 'not_checkpointed'; leafIndex: number | null }
  | { kind: 'invalid_from_size'; message: string }
  | { kind: 'receipt'; receipt: Receipt };

/** The log cannot back what it stores: a row or a proof that does not check out. */
export class AuditIntegrityError extends Error {
  override name = 'AuditIntegrityError';
  constructor(readonly code: 'entry_hash_mismatch' | 'proof_does_not_verify' | 'checkpoint_does_not_verify', message: string) {
    super(message);
  }
}

export interface AuditKey {
  origin: string;
  keyName: string;
  keyId: string;
  /** <name>+<key id>+<base64 key>, the text clients configure to trust this log. */
  verifierKey: string;
}

export function auditKeyOf(signer: NoteSigner): AuditKey {
  return { origin: signer.keyName, keyName: signer.keyName, keyId: formatKeyId(signer.keyId), verifierKey: verifierKeyOf(signer) };
}

/** The owner sees the payload: its account, or the operator; checkpoints are public facts. */
export function mayReadPayload(event: StoredEvent, viewer: Viewer): boolean {
  if (viewer.kind === 'operator' || event.streamId === CHECKPOINT_STREAM) return true;
  return typeof event.data.accountId === 'string' && event.data.accountId === viewer.accountId;
}

export class EntryReceipts {
  private readonly verifier;

  constructor(private readonly sql: SqlExecutor, signer: NoteSigner) {
    this.verifier = createNoteVerifier(signer.keyName, signer.publicKey);
  }

  async latestCheckpoint(): Promise<PublishedCheckpoint | undefined> {
    const checkpoint = await readLatestCheckpoint(this.sql);
    if (checkpoint === undefined) return undefined;
    const opened = openCheckpoint(checkpoint.signedNote, [this.verifier], { origin: checkpoint.origin });
    if (!opened.ok) throw new AuditIntegrityError('checkpoint_does_not_verify', `the latest checkpoint: ${opened.problem.message}`);
    return checkpoint;
  }

  async entry(hash: string, viewer: Viewer, fromSize?: number): Promise<EntryAnswer> {
    if (!isEventHashHex(hash)) return { kind: 'not_found' };
    const event = await findEventByHash(this.sql, hash);
    if (event === undefined) return { kind: 'not_found' };
    const problem = checkEvent(event, undefined);
    if (problem !== null) throw new AuditIntegrityError('entry_hash_mismatch', `${event.streamId}@${event.version}: ${problem.message}`);
    const leafIndex = await findLeafIndex(this.sql, hash);
    if (leafIndex === undefined) return { kind: 'pending', reason: 'not_sealed', leafIndex: null };
    const checkpoint = await this.latestCheckpoint();
    if (checkpoint === undefined || leafIndex >= checkpoint.treeSize) return { kind: 'pending', reason: 'not_checkpointed', leafIndex };
    if (fromSize !== undefined && (fromSize < 1 || fromSize > checkpoint.treeSize)) {
      return { kind: 'invalid_from_size', message: `from_size must be between 1 and the checkpoint's tree size ${checkpoint.treeSize}` };
    }
    const reader = new SqlNodeReader(this.sql);
    const proof = await proveInclusionBatched(reader, leafIndex, checkpoint.treeSize);
    const inclusionProblem = verifyInclusion(leafIndex, checkpoint.treeSize, leafHashOfEvent(hash), proof, checkpoint.rootHash);
    if (inclusionProblem !== null) {
      throw new AuditIntegrityError('proof_does_not_verify', `leaf ${leafIndex} of ${checkpoint.treeSize}: ${inclusionProblem.message}`);
    }
    const receipt: Receipt = {
      object: RECEIPT_OBJECT,
      hash,
      leaf_index: leafIndex,
      payload_visible: mayReadPayload(event, viewer),
      entry: null,
      chain: { previous_hash: event.previousHash, next_hash: await this.nextHash(event) },
      inclusion: { tree_size: checkpoint.treeSize, proof: proof.map((item) => item.toString('hex')) },
      checkpoint: { origin: checkpoint.origin, tree_size: checkpoint.treeSize, root_hash: checkpoint.rootHash.toString('hex'),
        signed_note: checkpoint.signedNote },
    };
    if (receipt.payload_visible) {
      receipt.entry = { stream_id: event.streamId, version: event.version, type: event.type, canonical: canonicalEventText(event) };
    }
    if (fromSize !== undefined) receipt.consistency = await this.consistency(reader, fromSize, checkpoint);
    return { kind: 'receipt', receipt };
  }

  private async nextHash(event: StoredEvent): Promise<string | null> {
    const rows = await this.sql.query(`select encode(hash, 'hex') as hash from lumen_events where stream_id = $1 and stream_version = $2`,
      [event.streamId, event.version + 1]);
    return rows[0] === undefined ? null : String(rows[0].hash);
  }

  private async consistency(reader: SqlNodeReader, fromSize: number, checkpoint: PublishedCheckpoint): Promise<NonNullable<Receipt['consistency']>> {
    const fromRoot = await treeRootBatched(reader, fromSize);
    const proof = await proveConsistencyBatched(reader, fromSize, checkpoint.treeSize);
    const problem = verifyConsistency(fromSize, checkpoint.treeSize, fromRoot, checkpoint.rootHash, proof);
    if (problem !== null) {
      throw new AuditIntegrityError('proof_does_not_verify', `consistency ${fromSize} -> ${checkpoint.treeSize}: ${problem.message}`);
    }
    return { from_size: fromSize, from_root: fromRoot.toString('hex'), proof: proof.map((item) => item.toString('hex')) };
  }
}
