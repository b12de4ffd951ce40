// Properties of proof generation and verification: the stored-node generator agrees with the
// recursive definition, every proof it makes verifies, and any tampering makes verification fail.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import fc from 'fast-check';
import {
  CompactRange,
  MemoryNodeStore,
  hashLeaf,
  isNodeComplete,
  proveConsistency,
  proveInclusion,
  treeRoot,
  verifyConsistency,
  verifyInclusion,
} from '../../src/audit/merkle.ts';
import type { NodeReader } from '../../src/audit/merkle.ts';
import { ReferenceTree } from './reference-merkle.ts';
import { consistencyShape, inclusionShape } from './proof-shapes.ts';

const EXHAUSTIVE_SIZE_MAX = 257;
const SAMPLED_SIZE_MAX = 3000;

const leafHashes = Array.from({ length: SAMPLED_SIZE_MAX }, (_, index) => hashLeaf(Buffer.from(`leaf ${index}`)));
const store = new MemoryNodeStore();
const rootsBySize: Buffer[] = [];
{
  const range = CompactRange.empty();
  rootsBySize.push(range.root());
  for (const leafHash of leafHashes) {
    store.putNodes(range.append(leafHash));
    rootsBySize.push(range.root());
  }
}
const rootAt = (size: number) => rootsBySize[size] as Buffer;

/** A view of the full store that refuses any node not yet complete at treeSize. */
function readerAtSize(treeSize: number): NodeReader {
  return {
    getNode(level, index) {
      assert.ok(isNodeComplete({ level, index }, treeSize), `node (${level}, ${index}) is not complete at size ${treeSize}`);
      return store.getNode(level, index);
    },
  };
}

const hexList = (hashes: readonly Buffer[]) => hashes.map((hash) => hash.toString('hex'));

function flipBit(hashes: readonly Buffer[], position: number, bit: number): Buffer[] {
  return hashes.map((hash, at) => {
    if (at !== position) return hash;
    const changed = Buffer.from(hash);
    changed[bit >> 3] = (changed[bit >> 3] as number) ^ (1 << (bit & 7));
    return changed;
  });
}

test('given every tree up to the exhaustive size, when proving every leaf, then proofs match the RFC definition and verify', () => {
  for (let size = 1; size <= EXHAUSTIVE_SIZE_MAX; size += 1) {
    const leaves = leafHashes.slice(0, size);
    const reference = new ReferenceTree(leaves);
    assert.equal(rootAt(size).toString('hex'), reference.root().toString('hex'), `root of ${size}`);
    assert.equal(treeRoot(readerAtSize(size), size).toString('hex'), rootAt(size).toString('hex'));
    for (let leafIndex = 0; leafIndex < size; leafIndex += 1) {
      const proof = proveInclusion(readerAtSize(size), leafIndex, size);
      assert.equal(hexList(proof), hexList(reference.inclusionProof(leafIndex)), `leaf ${leafIndex} of ${size}`);
      assert.is(verifyInclusion(leafIndex, size, leaves[leafIndex] as Buffer, proof, rootAt(size)), null);
    }
  }
});

test('given every pair of sizes up to the exhaustive size, when proving consistency, then proofs match the RFC definition and verify', () => {
  const reference = new ReferenceTree(leafHashes.slice(0, EXHAUSTIVE_SIZE_MAX));
  for (let newSize = 1; newSize <= EXHAUSTIVE_SIZE_MAX; newSize += 1) {
    for (let oldSize = 0; oldSize <= newSize; oldSize += 1) {
      const proof = proveConsistency(readerAtSize(newSize), oldSize, newSize);
      assert.equal(hexList(proof), hexList(reference.consistencyProof(oldSize, newSize)), `${oldSize} to ${newSize}`);
      assert.is(verifyConsistency(oldSize, newSize, rootAt(oldSize), rootAt(newSize), proof), null);
    }
  }
});

const leafInTree = fc.integer({ min: 1, max: SAMPLED_SIZE_MAX })
  .chain((treeSize) => fc.record({ treeSize: fc.constant(treeSize), leafIndex: fc.nat({ max: treeSize - 1 }) }));

test('given a random leaf of a larger tree, when its proof is tampered with, then verification fails', () => {
  fc.assert(fc.property(leafInTree, fc.nat(), fc.nat({ max: 255 }), ({ treeSize, leafIndex }, pick, bit) => {
    const proof = proveInclusion(readerAtSize(treeSize), leafIndex, treeSize);
    const leafHash = leafHashes[leafIndex] as Buffer;
    assert.is(verifyInclusion(leafIndex, treeSize, leafHash, proof, rootAt(treeSize)), null);
    assert.ok(verifyInclusion(leafIndex, treeSize, flipBit([leafHash], 0, bit)[0] as Buffer, proof, rootAt(treeSize)));
    assert.ok(verifyInclusion(leafIndex, treeSize, leafHash, proof, flipBit([rootAt(treeSize)], 0, bit)[0] as Buffer));
    if (proof.length > 0) {
      const tampered = flipBit(proof, pick % proof.length, bit);
      assert.ok(verifyInclusion(leafIndex, treeSize, leafHash, tampered, rootAt(treeSize)));
      assert.ok(verifyInclusion(leafIndex, treeSize, leafHash, proof.slice(1), rootAt(treeSize)));
    }
    assert.ok(verifyInclusion(leafIndex, treeSize, leafHash, [...proof, rootAt(treeSize)], rootAt(treeSize)));
  }), { numRuns: 300 });
});

test('given a random leaf, when verified at another index or size, then it fails unless the verifier does the very same hashing', () => {
  fc.assert(fc.property(leafInTree, fc.nat({ max: SAMPLED_SIZE_MAX * 2 }), fc.nat({ max: SAMPLED_SIZE_MAX }),
    ({ treeSize, leafIndex }, otherSize, otherIndex) => {
      const proof = proveInclusion(readerAtSize(treeSize), leafIndex, treeSize);
      const leafHash = leafHashes[leafIndex] as Buffer;
      if (otherIndex !== leafIndex) {
        assert.ok(verifyInclusion(otherIndex, treeSize, leafHash, proof, rootAt(treeSize)), `index ${otherIndex}`);
      }
      const sameHashing = inclusionShape(leafIndex, otherSize, proof.length) === inclusionShape(leafIndex, treeSize, proof.length);
      const problem = verifyInclusion(leafIndex, otherSize, leafHash, proof, rootAt(treeSize));
      assert.is(problem === null, sameHashing, `size ${otherSize}: ${problem?.code}`);
    }), { numRuns: 300 });
});

const sizePair = fc.tuple(fc.integer({ min: 1, max: SAMPLED_SIZE_MAX }), fc.integer({ min: 1, max: SAMPLED_SIZE_MAX }))
  .map(([first, second]) => ({ oldSize: Math.min(first, second), newSize: Math.max(first, second) }))
  .filter(({ oldSize, newSize }) => oldSize < newSize);

test('given random sizes of a larger tree, when a consistency proof is tampered with, then verification fails', () => {
  fc.assert(fc.property(sizePair, fc.nat(), fc.nat({ max: 255 }), ({ oldSize, newSize }, pick, bit) => {
    const proof = proveConsistency(readerAtSize(newSize), oldSize, newSize);
    const oldRoot = rootAt(oldSize);
    const newRoot = rootAt(newSize);
    assert.is(verifyConsistency(oldSize, newSize, oldRoot, newRoot, proof), null);
    assert.ok(verifyConsistency(oldSize, newSize, oldRoot, newRoot, flipBit(proof, pick % proof.length, bit)));
    assert.ok(verifyConsistency(oldSize, newSize, flipBit([oldRoot], 0, bit)[0] as Buffer, newRoot, proof));
    assert.ok(verifyConsistency(oldSize, newSize, oldRoot, flipBit([newRoot], 0, bit)[0] as Buffer, proof));
    assert.ok(verifyConsistency(oldSize, newSize, newRoot, oldRoot, proof));
    assert.ok(verifyConsistency(oldSize, newSize, oldRoot, newRoot, proof.slice(0, -1)));
    assert.ok(verifyConsistency(oldSize, newSize, oldRoot, newRoot, [...proof, newRoot]));
  }), { numRuns: 300 });
});

test('given random sizes, when verified with other sizes, then it fails unless the verifier does the very same hashing', () => {
  const otherSize = fc.nat({ max: SAMPLED_SIZE_MAX * 2 });
  fc.assert(fc.property(sizePair, otherSize, otherSize, ({ oldSize, newSize }, otherOld, otherNew) => {
    const proof = proveConsistency(readerAtSize(newSize), oldSize, newSize);
    const expected = consistencyShape(oldSize, newSize, proof.length);
    for (const [claimedOld, claimedNew] of [[otherOld, newSize], [oldSize, otherNew], [otherOld, otherNew]] as const) {
      const sameHashing = consistencyShape(claimedOld, claimedNew, proof.length) === expected;
      const problem = verifyConsistency(claimedOld, claimedNew, rootAt(oldSize), rootAt(newSize), proof);
      assert.is(problem === null, sameHashing, `${claimedOld} to ${claimedNew} for ${oldSize} to ${newSize}`);
    }
  }), { numRuns: 300 });
});

test.run();
