// The deep check, run when a sealer starts and by `lumen audit check`: rebuilds the whole tree
// from the stored leaves and compares every kept interior node with the stored one. Proofs and
// roots are read from those nodes, so a node edited on its own (without its leaves) would
// otherwise only show up as proofs that fail for some clients. It reads every leaf once, so it
// costs about a second per million leaves; the per-checkpoint checks stay cheaper.
import { CompactRange } from '../compact-range.ts';
import { hashesEqual, hashLeaf } from '../merkle-hash.ts';
import type { StoredNode } from '../merkle-nodes.ts';
import { keptInteriorNodes } from '../strata.ts';
import type { SqlExecutor } from '../../ledger/sql/sql-client.ts';
import type { LogProblem } from './log-checks.ts';

const LEAVES_PER_PAGE = 20_000;

export async function checkNodesMatchLeaves(executor: SqlExecutor, treeSize: number): Promise<LogProblem | null> {
  const range = CompactRange.empty();
  let nodesExpected = 0;
  for (let start = 0; start < treeSize; start += LEAVES_PER_PAGE) {
    const end = Math.min(treeSize, start + LEAVES_PER_PAGE);
    const rows = await executor.query(
      `select leaves.leaf_index::text as leaf_text, encode(leaves.event_hash, 'hex') as event_hash from lumen_audit_leaves leaves
       where leaves.leaf_index >= $1 and leaves.leaf_index < $2 order by leaves.leaf_index`, [start, end]);
    const completed: StoredNode[] = [];
    for (const [offset, row] of rows.entries()) {
      if (Number(row.leaf_text) !== start + offset) return { code: 'missing_node', message: `leaf ${start + offset} is not stored` };
      completed.push(...keptInteriorNodes(range.append(hashLeaf(Buffer.from(String(row.event_hash), 'hex')))));
    }
    if (rows.length !== end - start) return { code: 'missing_node', message: `leaf ${start + rows.length} is not stored` };
    const problem = await compareNodes(executor, completed);
    if (problem !== null) return problem;
    nodesExpected += completed.length;
  }
  const [count] = await executor.query('select count(*)::text as nodes from lumen_audit_nodes');
  if (Number(count?.nodes) !== nodesExpected) {
    return { code: 'missing_node', message: `the tree of ${treeSize} leaves has ${nodesExpected} kept nodes, ${String(count?.nodes)} are stored` };
  }
  return null;
}

async function compareNodes(executor: SqlExecutor, expected: StoredNode[]): Promise<LogProblem | null> {
  if (expected.length === 0) return null;
  const rows = await executor.query(
    `select level, node_index::text as node_index, encode(hash, 'hex') as hash from lumen_audit_nodes
     where (level, node_index) in (select * from unnest($1::int2[], $2::int8[]))`,
    [expected.map((node) => node.level), expected.map((node) => node.index)]);
  const stored = new Map(rows.map((row) => [`${Number(row.level)}:${String(row.node_index)}`, String(row.hash)]));
  for (const node of expected) {
    const hash = stored.get(`${node.level}:${node.index}`);
    if (hash === undefined) return { code: 'missing_node', message: `tree node (${node.level}, ${node.index}) is not stored` };
    if (!hashesEqual(Buffer.from(hash, 'hex'), node.hash)) {
      return { code: 'node_mismatch', message: `tree node (${node.level}, ${node.index}) does not match the leaves below it` };
    }
  }
  return null;
}
