// Proof verification exactly as RFC 9162 sections 2.1.3.2 (inclusion) and 2.1.4.2 (consistency).
// Everything here judges data from outside, so bad input is answered with a problem, never an
// exception. Sizes are plain numbers up to 2^53; JavaScript's bitwise operators truncate to 32
// bits, so "LSB" and "right-shift" are spelled as arithmetic.
import { emptyRootHash, hashChildren, hashesEqual, isHashSized } from './merkle-hash.ts';
import { isTreeCount } from './invariant.ts';

export type ProofProblemCode =
  | 'invalid_size'
  | 'index_out_of_range'
  | 'malformed_hash'
  | 'wrong_proof_length'
  | 'root_mismatch'
  | 'old_root_mismatch';

export interface ProofProblem {
  code: ProofProblemCode;
  message: string;
}

function isOdd(value: number): boolean {
  return value % 2 === 1;
}

function shiftRight(value: number): number {
  return Math.floor(value / 2);
}

function findMalformedHash(hashes: readonly Uint8Array[]): ProofProblem | null {
  const position = hashes.findIndex((hash) => !isHashSized(hash));
  if (position < 0) return null;
  return { code: 'malformed_hash', message: `hash ${position} has ${hashes[position]?.length} bytes, not 32` };
}

/**
 * Recomputes the root from a leaf hash and its audit path (RFC 9162 2.1.3.2 steps 1 to 4).
 * Returns the problem when the path has the wrong length for the index and size.
 */
export function rootFromInclusionProof(
  leafIndex: number,
  treeSize: number,
  leafHash: Uint8Array,
  proof: readonly Uint8Array[],
): { root: Buffer } | ProofProblem {
  if (!isTreeCount(leafIndex) || !isTreeCount(treeSize)) {
    return { code: 'invalid_size', message: 'leaf index and tree size must be non-negative safe integers' };
  }
  if (leafIndex >= treeSize) {
    return { code: 'index_out_of_range', message: `leaf ${leafIndex} is not in a tree of size ${treeSize}` };
  }
  const malformed = findMalformedHash([leafHash, ...proof]);
  if (malformed) return malformed;
  let fn = leafIndex;
  let sn = treeSize - 1;
  let root: Buffer = Buffer.from(leafHash);
  for (const sibling of proof) {
    if (sn === 0) return { code: 'wrong_proof_length', message: `the proof has more than the needed hashes` };
    if (isOdd(fn) || fn === sn) {
      root = hashChildren(sibling, root);
      while (!isOdd(fn) && fn !== 0) {
        fn = shiftRight(fn);
        sn = shiftRight(sn);
      }
    } else {
      root = hashChildren(root, sibling);
    }
    fn = shiftRight(fn);
    sn = shiftRight(sn);
  }
  if (sn !== 0) return { code: 'wrong_proof_length', message: `the proof has fewer than the needed hashes` };
  return { root };
}

/** RFC 9162 2.1.3.2: null when the leaf hash is at leafIndex of the tree with this root. */
export function verifyInclusion(
  leafIndex: number,
  treeSize: number,
  leafHash: Uint8Array,
  proof: readonly Uint8Array[],
  rootHash: Uint8Array,
): ProofProblem | null {
  if (!isHashSized(rootHash)) return { code: 'malformed_hash', message: 'the root hash is not 32 bytes' };
  const computed = rootFromInclusionProof(leafIndex, treeSize, leafHash, proof);
  if ('code' in computed) return computed;
  if (!hashesEqual(computed.root, rootHash)) {
    return { code: 'root_mismatch', message: 'the proof leads to a different root' };
  }
  return null;
}

/**
 * RFC 9162 2.1.4.2: null when the tree of newSize with newRoot extends the tree of oldSize with
 * oldRoot. The degenerate cases the RFC leaves out follow transparency-dev/merkle: equal sizes
 * need an empty proof and equal roots; an empty old tree needs an empty proof (and, stricter,
 * the empty-tree root).
 */
export function verifyConsistency(
  oldSize: number,
  newSize: number,
  oldRoot: Uint8Array,
  newRoot: Uint8Array,
  proof: readonly Uint8Array[],
): ProofProblem | null {
  if (!isTreeCount(oldSize) || !isTreeCount(newSize) || oldSize > newSize) {
    return { code: 'invalid_size', message: `no tree of size ${newSize} can extend one of size ${oldSize}` };
  }
  const malformed = findMalformedHash([oldRoot, newRoot, ...proof]);
  if (malformed) return malformed;
  if (oldSize === newSize || oldSize === 0) return verifyTrivialConsistency(oldSize, oldRoot, newRoot, proof);
  if (proof.length === 0) return { code: 'wrong_proof_length', message: 'the proof is empty' };
  const path = isPowerOfTwo(oldSize) ? [oldRoot, ...proof] : proof;
  return walkConsistencyPath(oldSize, newSize, oldRoot, newRoot, path);
}

function verifyTrivialConsistency(
  oldSize: number,
  oldRoot: Uint8Array,
  newRoot: Uint8Array,
  proof: readonly Uint8Array[],
): ProofProblem | null {
  if (proof.length !== 0) return { code: 'wrong_proof_length', message: 'this proof must be empty' };
  if (oldSize === 0) {
    if (hashesEqual(oldRoot, emptyRootHash())) return null;
    return { code: 'old_root_mismatch', message: 'the root of the empty tree is SHA-256 of nothing' };
  }
  if (hashesEqual(oldRoot, newRoot)) return null;
  return { code: 'root_mismatch', message: 'two trees of the same size have different roots' };
}

function isPowerOfTwo(value: number): boolean {
  let width = 1;
  while (width < value) width *= 2;
  return width === value;
}

// Steps 3 to 7 of RFC 9162 2.1.4.2: fr rebuilds the old root and sr the new one from the same path.
function walkConsistencyPath(
  oldSize: number,
  newSize: number,
  oldRoot: Uint8Array,
  newRoot: Uint8Array,
  path: readonly Uint8Array[],
): ProofProblem | null {
  let fn = oldSize - 1;
  let sn = newSize - 1;
  while (isOdd(fn)) {
    fn = shiftRight(fn);
    sn = shiftRight(sn);
  }
  let fr: Buffer = Buffer.from(path[0] as Uint8Array);
  let sr: Buffer = fr;
  for (const node of path.slice(1)) {
    if (sn === 0) return { code: 'wrong_proof_length', message: 'the proof has more than the needed hashes' };
    if (isOdd(fn) || fn === sn) {
      fr = hashChildren(node, fr);
      sr = hashChildren(node, sr);
      while (!isOdd(fn) && fn !== 0) {
        fn = shiftRight(fn);
        sn = shiftRight(sn);
      }
    } else {
      sr = hashChildren(sr, node);
    }
    fn = shiftRight(fn);
    sn = shiftRight(sn);
  }
  if (sn !== 0) return { code: 'wrong_proof_length', message: 'the proof has fewer than the needed hashes' };
  if (!hashesEqual(fr, oldRoot)) return { code: 'old_root_mismatch', message: 'the proof does not lead to the old root' };
  if (!hashesEqual(sr, newRoot)) return { code: 'root_mismatch', message: 'the proof does not lead to the new root' };
  return null;
}
