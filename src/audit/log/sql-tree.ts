// The Merkle log's tables (migration 5): lumen_audit_leaves maps each leaf index to the event
// hash it seals, lumen_audit_nodes keeps the interior perfect subtrees of the kept levels
// (strata.ts), and lumen_audit_state says how far the log is sealed: the tree size and the last
// sealed event's global position. Everything takes an executor, so the sealer's writes, its
// checks and a tamper test's rolled-back transaction all see the same rows.
import { CompactRange, frontierNodeIds } from '../compact-range.ts';
import { hashLeaf } from '../merkle-hash.ts';
import type { BatchNodeReader, NodeId, StoredNode } from '../merkle-nodes.ts';
import { planKeptReads } from '../strata.ts';
import { LOG_START, type GlobalPosition } from '../../ledger/event-store.ts';
import { toBigInt, type SqlExecutor } from '../../ledger/sql/sql-client.ts';

export interface TreeState {
  treeSize: number;
  /** The global position of the last sealed event (LOG_START for the empty tree). */
  sealedThrough: GlobalPosition;
}

export const EMPTY_TREE: TreeState = { treeSize: 0, sealedThrough: LOG_START };

/** A stored node the tree needs is not there: the tables were damaged or edited. */
export class MissingTreeNode extends Error {
  readonly code = 'missing_node';
  override name = 'MissingTreeNode';
}

export async function readTreeState(executor: SqlExecutor): Promise<TreeState> {
  const rows = await executor.query(
    'select tree_size::text as tree_size, transaction_id::text as transaction_text, position::text as position from lumen_audit_state');
  const row = rows[0];
  if (row === undefined) return EMPTY_TREE;
  return {
    treeSize: Number(row.tree_size),
    sealedThrough: { transactionId: toBigInt(row.transaction_text), position: toBigInt(row.position) },
  };
}

/** Stored hashes through one executor; nodes of levels that are not kept are refolded on read. */
export class SqlNodeReader implements BatchNodeReader {
  constructor(private readonly executor: SqlExecutor) {}

  async getNodes(ids: readonly NodeId[]): Promise<readonly Buffer[]> {
    if (ids.length === 0) return [];
    const plan = planKeptReads(ids);
    const leafIndexes = plan.kept.filter((id) => id.level === 0).map((id) => id.index);
    const interior = plan.kept.filter((id) => id.level > 0);
    const found = new Map<string, Buffer>();
    if (leafIndexes.length > 0) {
      const rows = await this.executor.query(
        `select leaf_index::text as leaf_index, encode(event_hash, 'hex') as event_hash from lumen_audit_leaves
         where leaf_index = any($1::int8[])`, [leafIndexes]);
      for (const row of rows) found.set(`0:${String(row.leaf_index)}`, hashLeaf(Buffer.from(String(row.event_hash), 'hex')));
    }
    if (interior.length > 0) {
      const rows = await this.executor.query(
        `select level, node_index::text as node_index, encode(hash, 'hex') as hash from lumen_audit_nodes
         where (level, node_index) in (select * from unnest($1::int2[], $2::int8[]))`,
        [interior.map((id) => id.level), interior.map((id) => id.index)]);
      for (const row of rows) found.set(`${Number(row.level)}:${String(row.node_index)}`, Buffer.from(String(row.hash), 'hex'));
    }
    return plan.assemble(plan.kept.map((id) => {
      const hash = found.get(`${id.level}:${id.index}`);
      if (hash === undefined || hash.length !== 32) throw new MissingTreeNode(`tree node (${id.level}, ${id.index}) is not stored`);
      return hash;
    }));
  }
}

/** The compact range of a stored tree, to resume appending where the last sealer stopped. */
export async function loadRange(executor: SqlExecutor, treeSize: number): Promise<CompactRange> {
  if (treeSize === 0) return CompactRange.empty();
  const hashes = await new SqlNodeReader(executor).getNodes(frontierNodeIds(treeSize));
  return CompactRange.resume(treeSize, [...hashes]);
}

export interface SealedBatch {
  /** Event hashes (hex) of leaves firstLeafIndex, firstLeafIndex + 1, ... */
  eventHashes: string[];
  firstLeafIndex: number;
  /** The kept interior nodes the batch completed. */
  nodes: StoredNode[];
  after: TreeState;
}

/** Writes a batch of leaves, their completed nodes and the new state, in the caller's transaction. */
export async function writeSealedBatch(executor: SqlExecutor, batch: SealedBatch): Promise<void> {
  // Rows travel as one JSON parameter each, as the event store's own append does.
  await executor.query(
    `insert into lumen_audit_leaves (leaf_index, event_hash)
     select leaf_index, decode(event_hash, 'hex') from json_to_recordset($1::json) as leaves(leaf_index int8, event_hash text)`,
    [JSON.stringify(batch.eventHashes.map((eventHash, offset) => ({ leaf_index: batch.firstLeafIndex + offset, event_hash: eventHash })))]);
  if (batch.nodes.length > 0) {
    await executor.query(
      `insert into lumen_audit_nodes (level, node_index, hash)
       select level, node_index, decode(hash, 'hex') from json_to_recordset($1::json) as nodes(level int2, node_index int8, hash text)`,
      [JSON.stringify(batch.nodes.map((node) => ({ level: node.level, node_index: node.index, hash: node.hash.toString('hex') })))]);
  }
  await executor.query(
    `insert into lumen_audit_state (singleton, tree_size, transaction_id, position) values (true, $1, $2::text::xid8, $3)
     on conflict (singleton) do update set tree_size = excluded.tree_size, transaction_id = excluded.transaction_id,
       position = excluded.position`,
    [batch.after.treeSize, batch.after.sealedThrough.transactionId.toString(), batch.after.sealedThrough.position.toString()]);
}

/** The leaf index of an event, or undefined while it is not sealed. */
export async function findLeafIndex(executor: SqlExecutor, eventHashHex: string): Promise<number | undefined> {
  const rows = await executor.query(
    `select leaf_index::text as leaf_index from lumen_audit_leaves where event_hash = decode($1, 'hex')`, [eventHashHex]);
  return rows[0] === undefined ? undefined : Number(rows[0].leaf_index);
}

/** The event hash sealed at a leaf index, or undefined beyond the tree. */
export async function eventHashAt(executor: SqlExecutor, leafIndex: number): Promise<string | undefined> {
  const rows = await executor.query(
    `select encode(event_hash, 'hex') as event_hash from lumen_audit_leaves where leaf_index = $1`, [leafIndex]);
  return rows[0] === undefined ? undefined : String(rows[0].event_hash);
}
