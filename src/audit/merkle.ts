// The verifiable log's Merkle tree (RFC 9162 section 2.1): one import for hashing, appending,
// proving and verifying. Proofs are built from stored perfect-subtree hashes through a small
// reader interface, so the same code serves the in-memory store and a database.
import { emptyRootHash } from './merkle-hash.ts';
import {
  assembleProof,
  consistencyProofPlan,
  inclusionProofPlan,
  planNodeIds,
  rootPlan,
} from './merkle-nodes.ts';
import type { BatchNodeReader, NodeReader, ProofPlan } from './merkle-nodes.ts';

export { HASH_SIZE_BYTES, emptyRootHash, hashChildren, hashLeaf, hashesEqual } from './merkle-hash.ts';
export {
  assembleProof,
  consistencyProofPlan,
  inclusionProofPlan,
  isNodeComplete,
  planNodeIds,
  rootPlan,
} from './merkle-nodes.ts';
export type { BatchNodeReader, NodeId, NodeReader, ProofPlan, StoredNode } from './merkle-nodes.ts';
export { rootFromInclusionProof, verifyConsistency, verifyInclusion } from './merkle-verify.ts';
export type { ProofProblem, ProofProblemCode } from './merkle-verify.ts';
export { CompactRange, frontierNodeIds } from './compact-range.ts';
export { MemoryNodeStore } from './memory-node-store.ts';

function resolve(plan: ProofPlan, reader: NodeReader): Buffer[] {
  return assembleProof(plan, planNodeIds(plan).map((id) => reader.getNode(id.level, id.index)));
}

async function resolveBatch(plan: ProofPlan, reader: BatchNodeReader): Promise<Buffer[]> {
  return assembleProof(plan, await reader.getNodes(planNodeIds(plan)));
}

/** The audit path of a leaf in the tree of treeSize leaves, leaf side first. */
export function proveInclusion(reader: NodeReader, leafIndex: number, treeSize: number): Buffer[] {
  return resolve(inclusionProofPlan(leafIndex, treeSize), reader);
}

/** The consistency proof from the tree of oldSize leaves to the tree of newSize leaves. */
export function proveConsistency(reader: NodeReader, oldSize: number, newSize: number): Buffer[] {
  return resolve(consistencyProofPlan(oldSize, newSize), reader);
}

/** The Merkle Tree Hash of the first treeSize leaves. */
export function treeRoot(reader: NodeReader, treeSize: number): Buffer {
  if (treeSize === 0) return emptyRootHash();
  return resolve(rootPlan(treeSize), reader)[0] as Buffer;
}

export async function proveInclusionBatched(
  reader: BatchNodeReader,
  leafIndex: number,
  treeSize: number,
): Promise<Buffer[]> {
  return resolveBatch(inclusionProofPlan(leafIndex, treeSize), reader);
}

export async function proveConsistencyBatched(
  reader: BatchNodeReader,
  oldSize: number,
  newSize: number,
): Promise<Buffer[]> {
  return resolveBatch(consistencyProofPlan(oldSize, newSize), reader);
}

export async function treeRootBatched(reader: BatchNodeReader, treeSize: number): Promise<Buffer> {
  if (treeSize === 0) return emptyRootHash();
  return (await resolveBatch(rootPlan(treeSize), reader))[0] as Buffer;
}
