// The frontier of an append-only Merkle tree: the perfect subtrees that tile leaves [0, size),
// largest first (at most one per level, so at most 53 for any safe-integer size). Appending a
// leaf merges equal-sized neighbours, and every merge completes a perfect subtree that will
// never change again; append returns those so a store can persist them as they are born.
// This is the one place with mutable state in the audit core, because the sealer appends every
// ledger event and copying the frontier per leaf would cost more than the hashing.
import { emptyRootHash, hashChildren, isHashSized } from './merkle-hash.ts';
import { subtreeTiling, foldTiling } from './merkle-nodes.ts';
import type { NodeId, StoredNode } from './merkle-nodes.ts';
import { invariant, isTreeCount } from './invariant.ts';

/** The ids of the frontier of a tree of this size: what a store must load to resume appending. */
export function frontierNodeIds(treeSize: number): NodeId[] {
  invariant(isTreeCount(treeSize), `${treeSize} is not a tree size`);
  return treeSize === 0 ? [] : subtreeTiling(0, treeSize);
}

export class CompactRange {
  private readonly frontier: StoredNode[];
  private leafCount: number;

  private constructor(treeSize: number, frontier: StoredNode[]) {
    this.leafCount = treeSize;
    this.frontier = frontier;
  }

  static empty(): CompactRange {
    return new CompactRange(0, []);
  }

  /** Resumes from stored hashes of frontierNodeIds(treeSize), in that order. */
  static resume(treeSize: number, frontierHashes: readonly Buffer[]): CompactRange {
    const ids = frontierNodeIds(treeSize);
    invariant(ids.length === frontierHashes.length,
      `a frontier of size ${treeSize} has ${ids.length} nodes, got ${frontierHashes.length} hashes`);
    const frontier = ids.map((id, position) => {
      const hash = frontierHashes[position] as Buffer;
      invariant(isHashSized(hash), `frontier hash ${position} is not 32 bytes`);
      return { ...id, hash };
    });
    return new CompactRange(treeSize, frontier);
  }

  get size(): number {
    return this.leafCount;
  }

  /**
   * Appends one leaf hash (already hashLeaf'ed) and returns the nodes completed by it: the leaf
   * itself at level 0, then each merged parent, lowest first.
   */
  append(leafHash: Buffer): StoredNode[] {
    invariant(isHashSized(leafHash), 'a leaf hash is 32 bytes');
    invariant(Number.isSafeInteger(this.leafCount + 1), 'the tree is full');
    let node: StoredNode = { level: 0, index: this.leafCount, hash: leafHash };
    const completed = [node];
    let left = this.frontier[this.frontier.length - 1];
    while (left !== undefined && left.level === node.level) {
      this.frontier.pop();
      node = { level: node.level + 1, index: left.index / 2, hash: hashChildren(left.hash, node.hash) };
      completed.push(node);
      left = this.frontier[this.frontier.length - 1];
    }
    this.frontier.push(node);
    this.leafCount += 1;
    return completed;
  }

  /** The Merkle Tree Hash of the leaves appended so far. */
  root(): Buffer {
    if (this.frontier.length === 0) return emptyRootHash();
    return foldTiling(this.frontier.map((node) => node.hash));
  }

  /** A copy of the frontier, largest subtree first. */
  nodes(): StoredNode[] {
    return this.frontier.map((node) => ({ ...node }));
  }
}
