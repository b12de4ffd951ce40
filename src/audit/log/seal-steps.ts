// The sealer's transactional steps, each run inside one transaction that holds the sealer's
// advisory lock: with several gateway processes on one database, only the holder seals or
// prepares a checkpoint, and it re-reads the sealed state under the lock, so nothing is sealed
// twice or skipped. Steps read the log through the transaction's own connection (the embedded
// store has only one).
import { CompactRange } from '../compact-range.ts';
import { leafHashOfEvent } from '../event-leaf.ts';
import type { StoredNode } from '../merkle-nodes.ts';
import { keptInteriorNodes } from '../strata.ts';
import { checkEvent } from '../../ledger/hash-chain.ts';
import { decodeEventRow, READ_ALL_SQL, readAllParams } from '../../ledger/sql/event-rows.ts';
import type { SqlExecutor } from '../../ledger/sql/sql-client.ts';
import type { NoteVerifier } from '../note-keys.ts';
import { DamagedCheckpoint, readLatestCheckpoint, type PublishedCheckpoint } from './checkpoint-stream.ts';
import { checkSealedLog, type LogProblem } from './log-checks.ts';
import { eventHashAt, MissingTreeNode, writeSealedBatch, type TreeState } from './sql-tree.ts';

/** The sealer found the log or its tree damaged and will neither seal nor publish. */
export class LogRefusal extends Error {
  override name = 'LogRefusal';
  constructor(readonly problem: LogProblem) {
    super(`${problem.code}: ${problem.message}`);
  }
}

/** The finding in an error, when it is one (the log or tree is damaged) rather than an operating error. */
export function findingOf(error: unknown): LogProblem | undefined {
  if (error instanceof LogRefusal) return error.problem;
  if (error instanceof MissingTreeNode || error instanceof DamagedCheckpoint) return { code: error.code, message: error.message };
  return undefined;
}

export type LockMode = 'try' | 'wait';

/** Takes the sealer's lock for the rest of the transaction; false when another holder has it ('try'). */
export async function lockSealer(executor: SqlExecutor, mode: LockMode, waitMs: number): Promise<boolean> {
  if (mode === 'try') {
    const [row] = await executor.query(`select pg_try_advisory_xact_lock(hashtext('lumen_audit_sealer')) as locked`);
    return row?.locked === true;
  }
  await executor.query(`select set_config('lock_timeout', $1, true)`, [`${waitMs}ms`]);
  await executor.query(`select pg_advisory_xact_lock(hashtext('lumen_audit_sealer'))`);
  return true;
}

export function copyRange(range: CompactRange): CompactRange {
  return CompactRange.resume(range.size, range.nodes().map((node) => node.hash));
}

/**
 * Seals the next events of the global log (at most `limit`) onto `range`, which it advances, and
 * writes leaves, kept nodes and state. Each event's hash is recomputed first: a stored row that
 * no longer hashes to its hash is never sealed.
 */
export async function sealNextEvents(executor: SqlExecutor, state: TreeState, range: CompactRange, limit: number): Promise<TreeState> {
  const rows = await executor.query(READ_ALL_SQL, readAllParams(state.sealedThrough, limit));
  if (rows.length === 0) return state;
  const eventHashes: string[] = [];
  const nodes: StoredNode[] = [];
  let sealedThrough = state.sealedThrough;
  for (const row of rows) {
    const event = decodeEventRow(row);
    const problem = checkEvent(event, undefined);
    if (problem !== null) {
      throw new LogRefusal({ code: 'event_hash_mismatch',
        message: `${event.streamId}@${event.version} (position ${event.global.position}): ${problem.message}` });
    }
    eventHashes.push(event.hash);
    nodes.push(...keptInteriorNodes(range.append(leafHashOfEvent(event.hash))));
    sealedThrough = event.global;
  }
  const after = { treeSize: range.size, sealedThrough };
  await writeSealedBatch(executor, { eventHashes, firstLeafIndex: state.treeSize, nodes, after });
  return after;
}

export type CheckpointMode = 'interval' | 'demand' | 'now';

export interface PreparedCheckpoint {
  last: PublishedCheckpoint | undefined;
  /** Whether a new checkpoint would say anything new. */
  grown: boolean;
  problem: LogProblem | null;
  warnings: string[];
}

/**
 * Decides whether to checkpoint and, if so, runs the checks first: the leaves against the log
 * (since `since` only, when given) and the tree against the last checkpoint. A log that has not
 * grown costs one small read, so a quiet gateway does not scan the log every interval.
 */
export async function prepareCheckpoint(
  executor: SqlExecutor,
  state: TreeState,
  root: Buffer,
  verifier: NoteVerifier,
  mode: CheckpointMode,
  since?: TreeState,
): Promise<PreparedCheckpoint> {
  const last = await readLatestCheckpoint(executor);
  if (!(await grewSince(executor, state, last, mode))) return { last, grown: false, problem: null, warnings: [] };
  const report = await checkSealedLog(executor, state, root, verifier, since);
  return { last: report.lastCheckpoint, grown: true, problem: report.problem, warnings: report.warnings };
}

/**
 * Whether a checkpoint would say anything new. Every checkpoint is itself an event and so a
 * later leaf; a checkpoint over nothing but the previous checkpoint's own event is skipped, or a
 * quiet log would publish one checkpoint per interval forever. Only a demand (a receipt asked
 * for that very event) publishes one.
 */
async function grewSince(executor: SqlExecutor, state: TreeState, last: PublishedCheckpoint | undefined, mode: CheckpointMode): Promise<boolean> {
  if (state.treeSize === 0) return false;
  if (last === undefined) return true;
  if (state.treeSize <= last.treeSize) return false;
  if (mode === 'demand' || state.treeSize > last.treeSize + 1) return true;
  return (await eventHashAt(executor, last.treeSize)) !== last.eventHash;
}
