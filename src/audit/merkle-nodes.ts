// Which stored nodes a proof or a root needs (RFC 9162 sections 2.1.3.1 and 2.1.4.1).
//
// A stored node is a perfect subtree: node (level, index) covers leaves
// [index * 2^level, (index + 1) * 2^level), and level 0 holds the leaf hashes. Only perfect
// subtrees are ever stored, because they never change once complete. A proof element that is
// not a perfect subtree lies on the ragged right edge of the tree; it is computed from the
// perfect subtrees that tile it, so a proof for size n only touches nodes complete at size n.
//
// Planning is separate from fetching so that a database-backed store can load every node of a
// proof in one query, then call assembleProof.
import { hashChildren } from './merkle-hash.ts';
import { invariant, isTreeCount } from './invariant.ts';

export interface NodeId {
  level: number;
  index: number;
}

export interface StoredNode extends NodeId {
  hash: Buffer;
}

/** Synchronous access to stored perfect-subtree hashes, e.g. an in-memory store or a cache. */
export interface NodeReader {
  getNode(level: number, index: number): Buffer;
}

/** Batched access for stores behind I/O: returns one hash per id, in the order asked. */
export interface BatchNodeReader {
  getNodes(ids: readonly NodeId[]): Promise<readonly Buffer[]>;
}

/**
 * Each element is one hash of the proof (or the root), given as the perfect subtrees that tile
 * it from left to right; a single id means the element is that stored node itself.
 */
export interface ProofPlan {
  elements: NodeId[][];
}

export function nodeWidth(level: number): number {
  return 2 ** level;
}

/** Whether a node is a complete perfect subtree in the tree of the given size. */
export function isNodeComplete(node: NodeId, treeSize: number): boolean {
  return (node.index + 1) * nodeWidth(node.level) <= treeSize;
}

/** The largest power of two strictly smaller than count, the split point k of RFC 9162 (count > 1). */
export function splitPoint(count: number): number {
  invariant(count > 1, `a tree of ${count} leaves has no split point`);
  let width = 1;
  while (width * 2 < count) width *= 2;
  return width;
}

/**
 * The perfect subtrees tiling leaves [start, start + count), largest first. RFC trees only ask
 * for ranges whose start is a multiple of every width in the tiling, which is asserted.
 */
export function subtreeTiling(start: number, count: number): NodeId[] {
  invariant(count > 0 && isTreeCount(start), `cannot tile ${count} leaves at ${start}`);
  let level = 0;
  while (nodeWidth(level + 1) <= count) level += 1;
  const nodes: NodeId[] = [];
  let position = start;
  let remaining = count;
  for (; level >= 0; level -= 1) {
    const width = nodeWidth(level);
    if (remaining < width) continue;
    invariant(position % width === 0, `leaf ${position} does not start a subtree of width ${width}`);
    nodes.push({ level, index: position / width });
    position += width;
    remaining -= width;
  }
  return nodes;
}

/** PATH(m, D[n]) of RFC 9162 2.1.3.1: sibling subtrees from the leaf up to the root. */
export function inclusionProofPlan(leafIndex: number, treeSize: number): ProofPlan {
  invariant(isTreeCount(treeSize) && isTreeCount(leafIndex) && leafIndex < treeSize,
    `leaf ${leafIndex} is not in a tree of size ${treeSize}`);
  const siblingsTopDown: NodeId[][] = [];
  let start = 0;
  let count = treeSize;
  while (count > 1) {
    const split = splitPoint(count);
    if (leafIndex < start + split) {
      siblingsTopDown.push(subtreeTiling(start + split, count - split));
      count = split;
    } else {
      siblingsTopDown.push(subtreeTiling(start, split));
      start += split;
      count -= split;
    }
  }
  return { elements: siblingsTopDown.reverse() };
}

/**
 * PROOF(m, D[n]) of RFC 9162 2.1.4.1. The old tree's own root is left out while the old tree is
 * still the whole left part of the subtree being descended (the flag b of SUBPROOF), because
 * the verifier already holds it.
 */
export function consistencyProofPlan(oldSize: number, newSize: number): ProofPlan {
  invariant(isTreeCount(oldSize) && isTreeCount(newSize) && oldSize <= newSize,
    `no consistency proof from size ${oldSize} to size ${newSize}`);
  if (oldSize === 0 || oldSize === newSize) return { elements: [] };
  const siblingsTopDown: NodeId[][] = [];
  let start = 0;
  let count = newSize;
  let oldCount = oldSize;
  let oldIsWholeLeftPart = true;
  while (oldCount !== count) {
    const split = splitPoint(count);
    if (oldCount <= split) {
      siblingsTopDown.push(subtreeTiling(start + split, count - split));
      count = split;
    } else {
      siblingsTopDown.push(subtreeTiling(start, split));
      start += split;
      count -= split;
      oldCount -= split;
      oldIsWholeLeftPart = false;
    }
  }
  const oldSubtree = oldIsWholeLeftPart ? [] : [subtreeTiling(start, count)];
  return { elements: [...oldSubtree, ...siblingsTopDown.reverse()] };
}

/** The root of a non-empty tree as a one-element plan: the tiling of [0, size). */
export function rootPlan(treeSize: number): ProofPlan {
  invariant(isTreeCount(treeSize) && treeSize > 0, `the root of size ${treeSize} needs no stored nodes`);
  return { elements: [subtreeTiling(0, treeSize)] };
}

/** The ids to fetch for a plan, in the order assembleProof expects their hashes. */
export function planNodeIds(plan: ProofPlan): NodeId[] {
  return plan.elements.flat();
}

/**
 * The hash of a range tiled by perfect subtrees (largest first). With the RFC's split the left
 * part is always the largest tile, so MTH of the range is a right fold over the tiles.
 */
export function foldTiling(tileHashes: readonly Buffer[]): Buffer {
  const last = tileHashes[tileHashes.length - 1];
  invariant(last !== undefined, 'cannot fold an empty tiling');
  let folded = last;
  for (let position = tileHashes.length - 2; position >= 0; position -= 1) {
    folded = hashChildren(tileHashes[position] as Buffer, folded);
  }
  return folded;
}

/** Turns fetched node hashes (in planNodeIds order) into the proof's hashes. */
export function assembleProof(plan: ProofPlan, nodeHashes: readonly Buffer[]): Buffer[] {
  const expected = plan.elements.reduce((total, element) => total + element.length, 0);
  invariant(nodeHashes.length === expected, `plan needs ${expected} node hashes, got ${nodeHashes.length}`);
  let cursor = 0;
  return plan.elements.map((element) => {
    const tileHashes = nodeHashes.slice(cursor, cursor + element.length);
    cursor += element.length;
    return foldTiling(tileHashes);
  });
}
