// The sealer's checks, run on start and before every checkpoint (and by `lumen audit check`):
//
//  1. the stored leaves still match the log: leaf i holds the hash of the i-th event in global
//     order, for every sealed event, and there is no event the leaves skip;
//  2. the stored tree still has the root of the last published checkpoint at its size, and the
//     tree now is consistent with it (an RFC 9162 consistency proof built from the stored nodes
//     verifies against the signed old root and the current root).
//
// (1) catches rows altered with their hashes recomputed, deleted, inserted or reordered; (2)
// catches a rewrite that also rebuilt the leaves and nodes to match, since no one without the
// signing key can make a checkpoint for the rewritten tree.
import { openCheckpoint, parseCheckpoint } from '../checkpoint.ts';
import type { Checkpoint } from '../checkpoint.ts';
import { hashesEqual } from '../merkle-hash.ts';
import { proveConsistencyBatched, treeRootBatched, verifyConsistency } from '../merkle.ts';
import type { NoteVerifier } from '../note-keys.ts';
import { parseNote } from '../signed-note.ts';
import type { SqlExecutor } from '../../ledger/sql/sql-client.ts';
import { DamagedCheckpoint, readLatestCheckpoint, type PublishedCheckpoint } from './checkpoint-stream.ts';
import { EMPTY_TREE, MissingTreeNode, SqlNodeReader, type TreeState } from './sql-tree.ts';

export type LogProblemCode =
  | 'leaf_mismatch'
  | 'checkpoint_event_damaged'
  | 'checkpoint_signature'
  | 'checkpoint_event_mismatch'
  | 'checkpoint_beyond_tree'
  | 'checkpoint_root_mismatch'
  | 'inconsistent_tree'
  | 'missing_node'
  | 'node_mismatch'
  | 'event_hash_mismatch';

export interface LogProblem {
  code: LogProblemCode;
  message: string;
}

export interface LogCheckReport {
  problem: LogProblem | null;
  /** Findings that do not stop sealing, e.g. a checkpoint signed by a key since rotated. */
  warnings: string[];
  lastCheckpoint: PublishedCheckpoint | undefined;
}

/**
 * Compares the leaves with the log in one statement: numbering the sealed part of the log in
 * global order and joining it to the leaves by index finds the first leaf whose event differs,
 * is gone, or has an unsealed event in its place, and any leaf beyond the sealed log. Only the
 * first finding comes back. With `since` (a state an earlier full check passed) only what was
 * sealed after it is compared: the full comparison reads the whole events table.
 */
export async function checkLeavesMatchLog(executor: SqlExecutor, state: TreeState, since: TreeState = EMPTY_TREE): Promise<LogProblem | null> {
  const rows = await executor.query(
    `with log as (
       select hash, position, $5::int8 + row_number() over (order by transaction_id, position) - 1 as leaf_index
       from lumen_events where (transaction_id, position) <= ($1::text::xid8, $2::int8)
         and (transaction_id, position) > ($3::text::xid8, $4::int8)
     ), leaves as (
       select leaf_index, event_hash from lumen_audit_leaves where leaf_index >= $5
     )
     select coalesce(leaves.leaf_index, log.leaf_index)::text as leaf_text, log.position::text as position_text,
       encode(leaves.event_hash, 'hex') as sealed_hash, encode(log.hash, 'hex') as log_hash
     from log full join leaves on leaves.leaf_index = log.leaf_index
     where log.hash is distinct from leaves.event_hash
     order by coalesce(leaves.leaf_index, log.leaf_index) limit 1`,
    [state.sealedThrough.transactionId.toString(), state.sealedThrough.position.toString(),
      since.sealedThrough.transactionId.toString(), since.sealedThrough.position.toString(), since.treeSize]);
  const row = rows[0];
  if (row === undefined) return null;
  const sealed = row.sealed_hash === null ? 'no leaf' : `a leaf sealing ${String(row.sealed_hash)}`;
  const logged = row.log_hash === null ? 'no event' : `the event at position ${String(row.position_text)} with hash ${String(row.log_hash)}`;
  return { code: 'leaf_mismatch', message: `leaf ${String(row.leaf_text)}: the tree has ${sealed}, the log has ${logged}` };
}

/** The checkpoint in the note, verified with our key; a note by another (rotated) key only parsed. */
function openPublished(published: PublishedCheckpoint, verifier: NoteVerifier, warnings: string[]): Checkpoint | LogProblem {
  const opened = openCheckpoint(published.signedNote, [verifier]);
  if (opened.ok) return opened.value.checkpoint;
  if (opened.problem.code !== 'unverified_note') {
    return { code: 'checkpoint_signature', message: `the last checkpoint does not verify: ${opened.problem.message}` };
  }
  const note = parseNote(published.signedNote);
  const parsed = note.ok ? parseCheckpoint(note.value.text) : undefined;
  if (parsed === undefined || !parsed.ok) return { code: 'checkpoint_signature', message: 'the last checkpoint is not a checkpoint note' };
  warnings.push(`the last checkpoint (size ${parsed.value.treeSize}) is signed by another key than the configured one`);
  return parsed.value;
}

/** Check (2): the stored tree at the last checkpoint's size, and consistency from it to `current`. */
export async function checkAgainstCheckpoint(
  executor: SqlExecutor,
  current: { treeSize: number; root: Buffer },
  published: PublishedCheckpoint,
  verifier: NoteVerifier,
  warnings: string[] = [],
): Promise<LogProblem | null> {
  const signed = openPublished(published, verifier, warnings);
  if ('code' in signed) return signed;
  if (signed.treeSize !== published.treeSize || !hashesEqual(signed.rootHash, published.rootHash) || signed.origin !== published.origin) {
    return { code: 'checkpoint_event_mismatch', message: 'the checkpoint event says otherwise than its signed note' };
  }
  if (signed.treeSize > current.treeSize) {
    return { code: 'checkpoint_beyond_tree', message: `the last checkpoint has ${signed.treeSize} leaves, the tree only ${current.treeSize}` };
  }
  const reader = new SqlNodeReader(executor);
  try {
    const storedRoot = await treeRootBatched(reader, signed.treeSize);
    if (!hashesEqual(storedRoot, signed.rootHash)) {
      return { code: 'checkpoint_root_mismatch', message: `the stored tree of size ${signed.treeSize} has root ${storedRoot.toString('hex')}, `
        + `the signed checkpoint ${signed.rootHash.toString('hex')}` };
    }
    const proof = await proveConsistencyBatched(reader, signed.treeSize, current.treeSize);
    const problem = verifyConsistency(signed.treeSize, current.treeSize, signed.rootHash, current.root, proof);
    if (problem !== null) {
      return { code: 'inconsistent_tree', message: `the tree of size ${current.treeSize} does not extend the checkpoint of size `
        + `${signed.treeSize}: ${problem.message}` };
    }
  } catch (error) {
    if (error instanceof MissingTreeNode) return { code: 'missing_node', message: error.message };
    throw error;
  }
  return null;
}

/**
 * Both checks against the stored state; `root` is the current root (from the sealer's range).
 * `since` narrows the leaves check to what was sealed after an earlier full check.
 */
export async function checkSealedLog(
  executor: SqlExecutor,
  state: TreeState,
  root: Buffer,
  verifier: NoteVerifier,
  since?: TreeState,
): Promise<LogCheckReport> {
  const warnings: string[] = [];
  let lastCheckpoint: PublishedCheckpoint | undefined;
  try {
    lastCheckpoint = await readLatestCheckpoint(executor);
  } catch (error) {
    if (!(error instanceof DamagedCheckpoint)) throw error;
    return { problem: { code: error.code, message: error.message }, warnings, lastCheckpoint };
  }
  const leaves = await checkLeavesMatchLog(executor, state, since);
  if (leaves !== null) return { problem: leaves, warnings, lastCheckpoint };
  if (lastCheckpoint === undefined) return { problem: null, warnings, lastCheckpoint };
  const problem = await checkAgainstCheckpoint(executor, { treeSize: state.treeSize, root }, lastCheckpoint, verifier, warnings);
  return { problem, warnings, lastCheckpoint };
}
