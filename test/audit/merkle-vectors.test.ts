// Published interop vectors: the RFC 6962 example tree of eight leaves, with the roots, inclusion
// proofs and consistency proofs from transparency-dev/merkle (proof/verify_test.go).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import {
  CompactRange,
  MemoryNodeStore,
  emptyRootHash,
  hashLeaf,
  proveConsistency,
  proveInclusion,
  treeRoot,
  verifyConsistency,
  verifyInclusion,
} from '../../src/audit/merkle.ts';

const hex = (text: string) => Buffer.from(text, 'hex');
const toHex = (hashes: readonly Buffer[]) => hashes.map((hash) => hash.toString('hex'));

const leaves = ['', '00', '10', '2021', '3031', '40414243', '5051525354555657', '606162636465666768696a6b6c6d6e6f'].map(hex);

const rootsBySize = [
  '6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d',
  'fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125',
  'aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77',
  'd37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7',
  '4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4',
  '76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef',
  'ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c',
  '5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328',
];
const rootAt = (size: number) => hex(rootsBySize[size - 1] as string);

// The vectors number leaves from 1; these are converted to 0-based indices.
const inclusionVectors = [
  { leafIndex: 0, treeSize: 1, proof: [] },
  { leafIndex: 0, treeSize: 8, proof: [
    '96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7',
    '5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e',
    '6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4'] },
  { leafIndex: 5, treeSize: 8, proof: [
    'bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b',
    'ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0',
    'd37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7'] },
  { leafIndex: 2, treeSize: 3, proof: ['fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125'] },
  { leafIndex: 1, treeSize: 5, proof: [
    '6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d',
    '5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e',
    'bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b'] },
];

const consistencyVectors = [
  { oldSize: 1, newSize: 1, proof: [] },
  { oldSize: 1, newSize: 8, proof: [
    '96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7',
    '5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e',
    '6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4'] },
  { oldSize: 6, newSize: 8, proof: [
    '0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a',
    'ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0',
    'd37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7'] },
  { oldSize: 2, newSize: 5, proof: [
    '5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e',
    'bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b'] },
  { oldSize: 6, newSize: 7, proof: [
    '0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a',
    'b08693ec2e721597130641e8211e7eedccb4c26413963eee6c1e2ed16ffb1a5f',
    'd37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7'] },
];

function exampleStore(): { store: MemoryNodeStore; range: CompactRange } {
  const store = new MemoryNodeStore();
  const range = CompactRange.empty();
  for (const leaf of leaves) store.putNodes(range.append(hashLeaf(leaf)));
  return { store, range };
}

function flipBit(proof: readonly Buffer[], position: number, mask: number): Buffer[] {
  return proof.map((hash, at) => {
    if (at !== position) return hash;
    const changed = Buffer.from(hash);
    changed[0] = (changed[0] as number) ^ mask;
    return changed;
  });
}

test('given the example leaves, when appended one by one, then the root at every size matches the vectors', () => {
  const range = CompactRange.empty();
  assert.equal(range.root().toString('hex'), emptyRootHash().toString('hex'));
  assert.equal(emptyRootHash().toString('hex'), 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
  leaves.forEach((leaf, position) => {
    range.append(hashLeaf(leaf));
    assert.equal(range.root().toString('hex'), rootsBySize[position], `size ${position + 1}`);
  });
});

test('given the stored example tree, when asking the root at each earlier size, then it matches the vectors', () => {
  const { store } = exampleStore();
  for (let size = 1; size <= 8; size += 1) assert.equal(treeRoot(store, size).toString('hex'), rootsBySize[size - 1]);
  assert.equal(treeRoot(store, 0).toString('hex'), emptyRootHash().toString('hex'));
});

test('given the inclusion vectors, when proving from the store, then the proofs are byte-identical and verify', () => {
  const { store } = exampleStore();
  for (const vector of inclusionVectors) {
    const proof = proveInclusion(store, vector.leafIndex, vector.treeSize);
    assert.equal(toHex(proof), vector.proof, `leaf ${vector.leafIndex} of ${vector.treeSize}`);
    const leafHash = hashLeaf(leaves[vector.leafIndex] as Buffer);
    assert.is(verifyInclusion(vector.leafIndex, vector.treeSize, leafHash, proof, rootAt(vector.treeSize)), null);
  }
});

test('given the inclusion vectors, when the index, size, leaf, root or a proof bit is wrong, then verification fails', () => {
  for (const vector of inclusionVectors.filter((candidate) => candidate.proof.length > 0)) {
    const proof = vector.proof.map(hex);
    const leafHash = hashLeaf(leaves[vector.leafIndex] as Buffer);
    const root = rootAt(vector.treeSize);
    const { leafIndex, treeSize } = vector;
    const probes = [
      verifyInclusion(leafIndex + 1, treeSize, leafHash, proof, root),
      verifyInclusion(leafIndex ^ 2, treeSize, leafHash, proof, root),
      verifyInclusion(leafIndex, treeSize * 2, leafHash, proof, root),
      verifyInclusion(leafIndex, Math.floor(treeSize / 2), leafHash, proof, root),
      verifyInclusion(leafIndex, treeSize, hashLeaf(Buffer.from('WrongLeaf')), proof, root),
      verifyInclusion(leafIndex, treeSize, leafHash, proof, emptyRootHash()),
      verifyInclusion(leafIndex, treeSize, leafHash, [...proof, root], root),
      verifyInclusion(leafIndex, treeSize, leafHash, [root, ...proof], root),
      verifyInclusion(leafIndex, treeSize, leafHash, [...proof, Buffer.alloc(0)], root),
      verifyInclusion(leafIndex, treeSize, leafHash, proof.slice(0, -1), root),
      ...proof.map((_, position) => verifyInclusion(leafIndex, treeSize, leafHash, flipBit(proof, position, 8), root)),
    ];
    if (leafIndex > 0) probes.push(verifyInclusion(leafIndex - 1, treeSize, leafHash, proof, root));
    probes.forEach((problem, position) => assert.ok(problem !== null, `probe ${position} of leaf ${leafIndex}/${treeSize} verified`));
  }
});

test('given the consistency vectors, when proving from the store, then the proofs are byte-identical and verify', () => {
  const { store } = exampleStore();
  for (const vector of consistencyVectors) {
    const proof = proveConsistency(store, vector.oldSize, vector.newSize);
    assert.equal(toHex(proof), vector.proof, `${vector.oldSize} to ${vector.newSize}`);
    assert.is(verifyConsistency(vector.oldSize, vector.newSize, rootAt(vector.oldSize), rootAt(vector.newSize), proof), null);
  }
});

test('given the consistency vectors, when a size, root or proof bit is wrong, then verification fails', () => {
  for (const vector of consistencyVectors.filter((candidate) => candidate.proof.length > 0)) {
    const proof = vector.proof.map(hex);
    const { oldSize, newSize } = vector;
    const oldRoot = rootAt(oldSize);
    const newRoot = rootAt(newSize);
    const probes = [
      verifyConsistency(oldSize - 1, newSize, oldRoot, newRoot, proof),
      verifyConsistency(oldSize + 1, newSize, oldRoot, newRoot, proof),
      verifyConsistency(oldSize ^ 2, newSize, oldRoot, newRoot, proof),
      verifyConsistency(oldSize, newSize * 2, oldRoot, newRoot, proof),
      verifyConsistency(oldSize, Math.floor(newSize / 2), oldRoot, newRoot, proof),
      verifyConsistency(oldSize, newSize, emptyRootHash(), newRoot, proof),
      verifyConsistency(oldSize, newSize, oldRoot, emptyRootHash(), proof),
      verifyConsistency(oldSize, newSize, newRoot, oldRoot, proof),
      verifyConsistency(oldSize, newSize, oldRoot, newRoot, []),
      verifyConsistency(oldSize, newSize, oldRoot, newRoot, [...proof, oldRoot]),
      verifyConsistency(oldSize, newSize, oldRoot, newRoot, [...proof, newRoot]),
      verifyConsistency(oldSize, newSize, oldRoot, newRoot, [oldRoot, ...proof]),
      verifyConsistency(oldSize, newSize, oldRoot, newRoot, [newRoot, ...proof]),
      verifyConsistency(oldSize, newSize, oldRoot, newRoot, [proof[0] as Buffer, ...proof]),
      verifyConsistency(oldSize, newSize, oldRoot, newRoot, proof.slice(0, -1)),
      ...proof.map((_, position) => verifyConsistency(oldSize, newSize, oldRoot, newRoot, flipBit(proof, position, 16))),
    ];
    probes.forEach((problem, position) => assert.ok(problem !== null, `probe ${position} of ${oldSize} to ${newSize} verified`));
  }
});

test('given degenerate sizes, when verifying consistency, then only empty proofs between matching roots pass', () => {
  const some = rootAt(3);
  const other = rootAt(4);
  assert.is(verifyConsistency(0, 0, emptyRootHash(), emptyRootHash(), []), null);
  assert.is(verifyConsistency(0, 5, emptyRootHash(), other, []), null);
  assert.is(verifyConsistency(3, 3, some, some, []), null);
  assert.is(verifyConsistency(3, 3, some, other, [])?.code, 'root_mismatch');
  assert.is(verifyConsistency(3, 3, some, some, [some])?.code, 'wrong_proof_length');
  assert.is(verifyConsistency(0, 5, some, other, [])?.code, 'old_root_mismatch');
  assert.is(verifyConsistency(0, 5, emptyRootHash(), other, [some])?.code, 'wrong_proof_length');
  assert.is(verifyConsistency(2, 1, some, other, [])?.code, 'invalid_size');
  assert.is(verifyConsistency(1, 2, some, other, [])?.code, 'wrong_proof_length');
});

test('given out-of-range or malformed inputs, when verifying inclusion, then a typed problem is returned', () => {
  const leafHash = hashLeaf(leaves[0] as Buffer);
  assert.is(verifyInclusion(0, 0, leafHash, [], emptyRootHash())?.code, 'index_out_of_range');
  assert.is(verifyInclusion(2, 1, leafHash, [], leafHash)?.code, 'index_out_of_range');
  assert.is(verifyInclusion(-1, 1, leafHash, [], leafHash)?.code, 'invalid_size');
  assert.is(verifyInclusion(0.5, 1, leafHash, [], leafHash)?.code, 'invalid_size');
  assert.is(verifyInclusion(0, 1, leafHash, [], leafHash), null);
  assert.is(verifyInclusion(0, 1, Buffer.alloc(0), [], leafHash)?.code, 'malformed_hash');
  assert.is(verifyInclusion(0, 1, leafHash, [], Buffer.alloc(0))?.code, 'malformed_hash');
});

test.run();
