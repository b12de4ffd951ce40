// `lumen audit check`: every check the sealer makes when it starts, run against the database by
// an operator (read only, no lock): the tree rebuilt from its leaves, the leaves against the
// ledger, and the tree against the last signed checkpoint.
import type { NoteVerifier } from '../note-keys.ts';
import type { SqlExecutor } from '../../ledger/sql/sql-client.ts';
import { checkSealedLog, type LogProblem } from './log-checks.ts';
import { checkNodesMatchLeaves } from './rebuild-check.ts';
import { loadRange, MissingTreeNode, readTreeState } from './sql-tree.ts';

export interface StoredTreeReport {
  treeSize: number;
  checkpointSize: number | null;
  problem: LogProblem | null;
  warnings: string[];
}

export async function checkStoredTree(executor: SqlExecutor, verifier: NoteVerifier): Promise<StoredTreeReport> {
  const state = await readTreeState(executor);
  const report = (problem: LogProblem | null, checkpointSize: number | null = null, warnings: string[] = []) =>
    ({ treeSize: state.treeSize, checkpointSize, problem, warnings });
  const deep = await checkNodesMatchLeaves(executor, state.treeSize);
  if (deep !== null) return report(deep);
  let root: Buffer;
  try {
    root = (await loadRange(executor, state.treeSize)).root();
  } catch (error) {
    if (error instanceof MissingTreeNode) return report({ code: 'missing_node', message: error.message });
    throw error;
  }
  const checked = await checkSealedLog(executor, state, root, verifier);
  return report(checked.problem, checked.lastCheckpoint?.treeSize ?? null, checked.warnings);
}
