// The offline entry verifier: a receipt (leaf, index, proof, signed checkpoint) either verifies or
// names exactly the check that failed.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import fc from 'fast-check';
import { CompactRange, MemoryNodeStore, hashLeaf, proveConsistency, proveInclusion } from '../../src/audit/merkle.ts';
import { signCheckpoint } from '../../src/audit/checkpoint.ts';
import { createNoteSigner, verifierKeyOf } from '../../src/audit/note-keys.ts';
import { verifyEntryProof } from '../../src/audit/verify-entry.ts';
import type { EntryProofInput, EntryVerification } from '../../src/audit/verify-entry.ts';

const origin = 'lumen.example/audit';
const signer = createNoteSigner(origin, Buffer.alloc(32, 1));
const verifierKey = verifierKeyOf(signer);
const otherVerifierKey = verifierKeyOf(createNoteSigner(origin, Buffer.alloc(32, 2)));

const leaves = Array.from({ length: 64 }, (_, index) => Buffer.from(JSON.stringify({ position: index, type: 'RequestSettled' })));
const store = new MemoryNodeStore();
const roots: Buffer[] = [];
{
  const range = CompactRange.empty();
  roots.push(range.root());
  for (const leaf of leaves) {
    store.putNodes(range.append(hashLeaf(leaf)));
    roots.push(range.root());
  }
}

function checkpointNote(treeSize: number): string {
  return signCheckpoint({ origin, treeSize, rootHash: roots[treeSize] as Buffer, extensionLines: [] }, signer);
}

function receipt(leafIndex: number, treeSize: number, oldSize?: number): EntryProofInput {
  const input: EntryProofInput = {
    leaf: { bytes: leaves[leafIndex] as Buffer },
    leafIndex,
    treeSize,
    inclusionProof: proveInclusion(store, leafIndex, treeSize).map((hash) => hash.toString('hex')),
    checkpointNote: checkpointNote(treeSize),
    verifierKey,
    origin,
  };
  if (oldSize === undefined) return input;
  const proof = proveConsistency(store, oldSize, treeSize).map((hash) => hash.toString('base64'));
  return { ...input, consistency: { oldSize, oldRoot: (roots[oldSize] as Buffer).toString('base64'), proof } };
}

const failureCodes = (result: EntryVerification) => (result.ok ? [] : result.failures.map((failure) => failure.code));
const reasons = (result: EntryVerification) => (result.ok ? [] : result.failures.map((failure) => failure.reason));

test('given a valid receipt with a consistency proof, when verified, then every check passes', () => {
  const result = verifyEntryProof(receipt(17, 50, 30));
  assert.ok(result.ok, JSON.stringify(failureCodes(result)));
  assert.equal(result.passed, ['checkpoint_signature', 'tree_size', 'inclusion_proof', 'consistency_proof']);
  if (result.ok) assert.equal(result.leafHash, hashLeaf(leaves[17] as Buffer));
});

test('given a receipt carrying the leaf hash in base64, when verified, then it passes like the leaf bytes', () => {
  const input = receipt(3, 41);
  const result = verifyEntryProof({
    ...input,
    leaf: { hash: hashLeaf(leaves[3] as Buffer).toString('base64') },
    inclusionProof: input.inclusionProof.map((hash) => Buffer.from(hash as string, 'hex').toString('base64')),
  });
  assert.ok(result.ok);
});

test('given an untrusted or broken signature, when verified, then only checkpoint_signature fails', () => {
  const input = receipt(5, 40);
  assert.equal(failureCodes(verifyEntryProof({ ...input, verifierKey: otherVerifierKey })), ['checkpoint_signature']);
  assert.equal(reasons(verifyEntryProof({ ...input, verifierKey: otherVerifierKey })), ['unverified_note']);
  const forged = input.checkpointNote.replace('\n40\n', '\n41\n');
  assert.equal(reasons(verifyEntryProof({ ...input, checkpointNote: forged, treeSize: 41 })), ['invalid_signature']);
  const unsigned = input.checkpointNote.split('\n\n')[0] + '\n';
  assert.equal(reasons(verifyEntryProof({ ...input, checkpointNote: unsigned })), ['malformed_note']);
  assert.equal(failureCodes(verifyEntryProof({ ...input, verifierKey: 'not a key' })), ['verifier_key']);
  assert.equal(failureCodes(verifyEntryProof({ ...input, origin: 'other.example/log' })), ['checkpoint_origin']);
});

test('given a receipt for another size than the checkpoint, when verified, then tree_size_mismatch fails', () => {
  const result = verifyEntryProof({ ...receipt(5, 40), checkpointNote: checkpointNote(41) });
  assert.equal(failureCodes(result), ['tree_size_mismatch']);
  assert.equal(result.passed, ['checkpoint_signature']);
});

test('given a wrong leaf, index or proof, when verified, then inclusion_proof fails with its reason', () => {
  const input = receipt(9, 33);
  assert.equal(reasons(verifyEntryProof({ ...input, leaf: { bytes: leaves[10] as Buffer } })), ['root_mismatch']);
  assert.equal(failureCodes(verifyEntryProof({ ...input, leafIndex: 8 })), ['inclusion_proof']);
  assert.equal(reasons(verifyEntryProof({ ...input, leafIndex: 33 })), ['index_out_of_range']);
  assert.equal(reasons(verifyEntryProof({ ...input, inclusionProof: input.inclusionProof.slice(1) })), ['wrong_proof_length']);
  assert.equal(reasons(verifyEntryProof({ ...input, inclusionProof: ['zz', ...input.inclusionProof.slice(1)] })), ['malformed_hash']);
  assert.equal(reasons(verifyEntryProof({ ...input, leaf: { hash: 'abc' } })), ['malformed_hash']);
});

test('given a bad consistency proof, when verified, then consistency_proof fails while inclusion still passes', () => {
  const input = receipt(20, 50, 30);
  const consistency = input.consistency as NonNullable<EntryProofInput['consistency']>;
  const wrongOldRoot = { ...consistency, oldRoot: (roots[29] as Buffer).toString('hex') };
  const result = verifyEntryProof({ ...input, consistency: wrongOldRoot });
  assert.equal(failureCodes(result), ['consistency_proof']);
  assert.equal(result.passed, ['checkpoint_signature', 'tree_size', 'inclusion_proof']);
  const both = verifyEntryProof({ ...input, leafIndex: 21, consistency: { ...consistency, oldSize: 51 } });
  assert.equal(failureCodes(both), ['inclusion_proof', 'consistency_proof']);
});

test('given any valid receipt, when one bit of one proof hash flips, then inclusion_proof fails', () => {
  const leafInTree = fc.integer({ min: 1, max: leaves.length })
    .chain((treeSize) => fc.tuple(fc.constant(treeSize), fc.nat({ max: treeSize - 1 })));
  fc.assert(fc.property(leafInTree, fc.nat(), fc.nat({ max: 255 }), ([treeSize, leafIndex], pick, bit) => {
    const input = receipt(leafIndex, treeSize);
    assert.ok(verifyEntryProof(input).ok);
    fc.pre(input.inclusionProof.length > 0);
    const position = pick % input.inclusionProof.length;
    const flipped = Buffer.from(input.inclusionProof[position] as string, 'hex');
    flipped[bit >> 3] = (flipped[bit >> 3] as number) ^ (1 << (bit & 7));
    const tampered = input.inclusionProof.map((hash, at) => (at === position ? flipped.toString('hex') : hash));
    assert.equal(failureCodes(verifyEntryProof({ ...input, inclusionProof: tampered })), ['inclusion_proof']);
  }), { numRuns: 150 });
});

test.run();
