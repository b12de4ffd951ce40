// The recursive definitions of RFC 9162 section 2.1, written as literally as possible over an
// array of leaf hashes D[0:n]. It is the yardstick the stored-node code is held to. Only MTH of
// a range is memoized, so exhaustive checks over a few hundred sizes stay fast.
import { emptyRootHash, hashChildren } from '../../src/audit/merkle-hash.ts';

function splitPoint(count: number): number {
  let width = 1;
  while (width * 2 < count) width *= 2;
  return width;
}

export class ReferenceTree {
  private readonly memo = new Map<string, Buffer>();

  constructor(private readonly leafHashes: readonly Buffer[]) {}

  /** MTH(D[start:end]). */
  root(start = 0, end = this.leafHashes.length): Buffer {
    const count = end - start;
    if (count === 0) return emptyRootHash();
    if (count === 1) return this.leafHashes[start] as Buffer;
    const key = `${start}:${end}`;
    const known = this.memo.get(key);
    if (known) return known;
    const split = splitPoint(count);
    const computed = hashChildren(this.root(start, start + split), this.root(start + split, end));
    this.memo.set(key, computed);
    return computed;
  }

  /** PATH(m, D[start:end]), m counted from start. */
  inclusionProof(leafIndex: number, start = 0, end = this.leafHashes.length): Buffer[] {
    const count = end - start;
    if (count <= 1) return [];
    const split = splitPoint(count);
    if (leafIndex < split) {
      return [...this.inclusionProof(leafIndex, start, start + split), this.root(start + split, end)];
    }
    return [...this.inclusionProof(leafIndex - split, start + split, end), this.root(start, start + split)];
  }

  /** PROOF(m, D[0:n]) for 0 < m <= n; empty for m = 0. */
  consistencyProof(oldSize: number, newSize: number): Buffer[] {
    if (oldSize === 0) return [];
    return this.subproof(oldSize, 0, newSize, true);
  }

  /** SUBPROOF(m, D[start:end], b). */
  private subproof(oldSize: number, start: number, end: number, oldIsWholeLeftPart: boolean): Buffer[] {
    const count = end - start;
    if (oldSize === count) return oldIsWholeLeftPart ? [] : [this.root(start, end)];
    const split = splitPoint(count);
    if (oldSize <= split) {
      return [...this.subproof(oldSize, start, start + split, oldIsWholeLeftPart), this.root(start + split, end)];
    }
    return [...this.subproof(oldSize - split, start + split, end, false), this.root(start, start + split)];
  }
}
