// The incremental appender, the in-memory node store, and proofs at sizes far beyond 2^32, where
// JavaScript's 32-bit bitwise operators would silently go wrong.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import fc from 'fast-check';
import {
  CompactRange,
  MemoryNodeStore,
  frontierNodeIds,
  hashChildren,
  hashLeaf,
  inclusionProofPlan,
  isNodeComplete,
  proveConsistency,
  proveConsistencyBatched,
  proveInclusion,
  proveInclusionBatched,
  treeRoot,
  treeRootBatched,
  verifyConsistency,
  verifyInclusion,
} from '../../src/audit/merkle.ts';
import type { NodeReader } from '../../src/audit/merkle.ts';
import { ReferenceTree } from './reference-merkle.ts';

const leafHashes = Array.from({ length: 200 }, (_, index) => hashLeaf(Buffer.from([index, index >> 8])));

test('given appended leaves, when each append returns its completed nodes, then they are the leaf and its merged parents', () => {
  const range = CompactRange.empty();
  const completed = leafHashes.slice(0, 8).map((leafHash) => range.append(leafHash).map(({ level, index }) => `${level}:${index}`));
  assert.equal(completed, [['0:0'], ['0:1', '1:0'], ['0:2'], ['0:3', '1:1', '2:0'], ['0:4'], ['0:5', '1:2'], ['0:6'], ['0:7', '1:3', '2:1', '3:0']]);
  assert.equal(range.nodes().map(({ level, index }) => `${level}:${index}`), ['3:0']);
  assert.is(range.size, 8);
});

test('given a tree stopped at any size, when resumed from its stored frontier, then appending continues with the same roots', () => {
  fc.assert(fc.property(fc.integer({ min: 0, max: 120 }), fc.integer({ min: 1, max: 80 }), (stopAt, more) => {
    const store = new MemoryNodeStore();
    const first = CompactRange.empty();
    for (const leafHash of leafHashes.slice(0, stopAt)) store.putNodes(first.append(leafHash));
    const frontierHashes = frontierNodeIds(stopAt).map((id) => store.getNode(id.level, id.index));
    const resumed = CompactRange.resume(stopAt, frontierHashes);
    assert.equal(resumed.root().toString('hex'), first.root().toString('hex'));
    for (const leafHash of leafHashes.slice(stopAt, stopAt + more)) store.putNodes(resumed.append(leafHash));
    const size = Math.min(stopAt + more, leafHashes.length);
    assert.is(resumed.size, size);
    assert.equal(resumed.root().toString('hex'), new ReferenceTree(leafHashes.slice(0, size)).root().toString('hex'));
    assert.equal(treeRoot(store, size).toString('hex'), resumed.root().toString('hex'));
  }), { numRuns: 60 });
});

test('given a store, when the same node is written again, then the same hash is accepted and a different one is refused', () => {
  const store = new MemoryNodeStore();
  const range = CompactRange.empty();
  const nodes = [...range.append(leafHashes[0] as Buffer), ...range.append(leafHashes[1] as Buffer)];
  store.putNodes(nodes);
  store.putNodes(nodes);
  assert.is(store.countAt(0), 2);
  assert.is(store.countAt(1), 1);
  assert.throws(() => store.putNodes([{ level: 0, index: 1, hash: leafHashes[5] as Buffer }]), /another hash/);
  assert.throws(() => store.putNodes([{ level: 0, index: 3, hash: leafHashes[3] as Buffer }]), /skips ahead/);
  assert.throws(() => store.getNode(2, 0), /not stored/);
});

test('given a store, when proving through the batched reader, then the proofs equal the synchronous ones', async () => {
  const store = new MemoryNodeStore();
  const range = CompactRange.empty();
  for (const leafHash of leafHashes.slice(0, 77)) store.putNodes(range.append(leafHash));
  assert.equal(await proveInclusionBatched(store, 40, 77), proveInclusion(store, 40, 77));
  assert.equal(await proveConsistencyBatched(store, 13, 77), proveConsistency(store, 13, 77));
  assert.equal(await treeRootBatched(store, 77), range.root());
});

// A virtual tree whose leaves are all equal: every node of a level has the same hash, so any
// node of a tree with 2^52 leaves costs one lookup. Indices then cannot be checked by hashes,
// which is why every requested node is also checked to be complete at the tree size.
const uniformHashes = [hashLeaf(Buffer.from('same'))];
for (let level = 1; level <= 53; level += 1) {
  const below = uniformHashes[level - 1] as Buffer;
  uniformHashes.push(hashChildren(below, below));
}
function uniformReader(treeSize: number): NodeReader {
  return {
    getNode(level, index) {
      assert.ok(isNodeComplete({ level, index }, treeSize), `node (${level}, ${index}) is not complete at ${treeSize}`);
      return uniformHashes[level] as Buffer;
    },
  };
}

function expectedInclusionLength(leafIndex: number, treeSize: number): number {
  const index = BigInt(leafIndex);
  const inner = (index ^ BigInt(treeSize - 1)).toString(2).replace(/^0+/, '').length;
  const border = [...(index >> BigInt(inner)).toString(2)].filter((digit) => digit === '1').length;
  return inner + border;
}

const hugeSize = fc.integer({ min: 2 ** 32 - 5, max: 2 ** 52 });

test('given trees far beyond 2^32 leaves, when proving inclusion, then the proof has the expected length and verifies', () => {
  fc.assert(fc.property(hugeSize, fc.double({ min: 0, max: 1, noNaN: true }), (treeSize, fraction) => {
    const leafIndex = Math.min(treeSize - 1, Math.floor(fraction * treeSize));
    const proof = proveInclusion(uniformReader(treeSize), leafIndex, treeSize);
    assert.is(proof.length, expectedInclusionLength(leafIndex, treeSize));
    assert.is(inclusionProofPlan(leafIndex, treeSize).elements.length, proof.length);
    const root = treeRoot(uniformReader(treeSize), treeSize);
    assert.is(verifyInclusion(leafIndex, treeSize, uniformHashes[0] as Buffer, proof, root), null);
    const tampered = proof.map((hash, position) => (position === 0 ? hashLeaf(hash) : hash));
    if (proof.length > 0) assert.ok(verifyInclusion(leafIndex, treeSize, uniformHashes[0] as Buffer, tampered, root));
  }), { numRuns: 200 });
});

test('given trees far beyond 2^32 leaves, when proving consistency, then the proof verifies', () => {
  fc.assert(fc.property(hugeSize, hugeSize, (first, second) => {
    const oldSize = Math.min(first, second);
    const newSize = Math.max(first, second);
    const proof = proveConsistency(uniformReader(newSize), oldSize, newSize);
    const oldRoot = treeRoot(uniformReader(oldSize), oldSize);
    const newRoot = treeRoot(uniformReader(newSize), newSize);
    assert.is(verifyConsistency(oldSize, newSize, oldRoot, newRoot, proof), null);
  }), { numRuns: 200 });
});

test.run();
