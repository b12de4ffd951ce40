// Which perfect subtrees a persistent tree keeps. Keeping every node of a million-leaf tree
// costs a million rows beside the million leaves. Keeping only every STRATUM_LEVELS-th level
// (levels 4, 8, 12, ... ; level 0 is the leaves themselves) keeps one interior node in fifteen,
// and any other node is refolded from at most 2^3 = 8 kept descendants at the kept level below
// it. An inclusion proof at a million leaves then reads about 80 hashes instead of 40, still in
// one round trip per table, and sealing writes one leaf row plus a sixteenth of a node row per
// event instead of two rows.
import { hashChildren } from './merkle-hash.ts';
import type { NodeId, StoredNode } from './merkle-nodes.ts';
import { invariant } from './invariant.ts';

export const STRATUM_LEVELS = 4;

/** Whether nodes of this level are kept (level 0, the leaves, always is). */
export function isKeptLevel(level: number): boolean {
  return level % STRATUM_LEVELS === 0;
}

/** The interior nodes among those CompactRange.append completed that a store keeps. */
export function keptInteriorNodes(completed: readonly StoredNode[]): StoredNode[] {
  return completed.filter((node) => node.level > 0 && isKeptLevel(node.level));
}

/** The kept nodes whose fold is this node, left to right: the node itself when its level is kept. */
export function keptDescendants(node: NodeId): NodeId[] {
  const base = node.level - (node.level % STRATUM_LEVELS);
  const width = 2 ** (node.level - base);
  return Array.from({ length: width }, (_, offset) => ({ level: base, index: node.index * width + offset }));
}

/** The hash of a perfect subtree from its 2^k descendants of one level, left to right. */
export function foldPerfect(hashes: readonly Buffer[]): Buffer {
  invariant(hashes.length > 0 && (hashes.length & (hashes.length - 1)) === 0, `cannot fold ${hashes.length} hashes into a perfect subtree`);
  let layer = hashes;
  while (layer.length > 1) {
    const next: Buffer[] = [];
    for (let position = 0; position < layer.length; position += 2) {
      next.push(hashChildren(layer[position] as Buffer, layer[position + 1] as Buffer));
    }
    layer = next;
  }
  return layer[0] as Buffer;
}

export interface KeptReadPlan {
  /** The distinct kept nodes to fetch. */
  kept: NodeId[];
  /** Rebuilds the asked-for hashes, in the order asked, from the fetched ones (in `kept` order). */
  assemble(keptHashes: readonly Buffer[]): Buffer[];
}

/** Plans one batched read of kept nodes for any list of node ids. */
export function planKeptReads(ids: readonly NodeId[]): KeptReadPlan {
  const positionOf = new Map<string, number>();
  const kept: NodeId[] = [];
  const descendantPositions = ids.map((id) => keptDescendants(id).map((descendant) => {
    const key = `${descendant.level}:${descendant.index}`;
    let position = positionOf.get(key);
    if (position === undefined) {
      position = kept.length;
      positionOf.set(key, position);
      kept.push(descendant);
    }
    return position;
  }));
  return {
    kept,
    assemble(keptHashes) {
      invariant(keptHashes.length === kept.length, `the plan needs ${kept.length} kept hashes, got ${keptHashes.length}`);
      return descendantPositions.map((positions) => foldPerfect(positions.map((position) => keptHashes[position] as Buffer)));
    },
  };
}
