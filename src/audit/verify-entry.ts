// The offline check a client runs on an audit receipt: is this leaf in the log, at this index,
// under a checkpoint signed by the key I trust, and (optionally) does that checkpoint extend the
// one I saw before? Pure: no clock, no network; everything arrives in the input. Hashes may be
// hex (64 digits) or base64 (44 characters), since receipts travel as JSON.
import { hashLeaf, isHashSized } from './merkle-hash.ts';
import { verifyConsistency, verifyInclusion } from './merkle-verify.ts';
import { parseVerifierKey } from './note-keys.ts';
import { openCheckpoint } from './checkpoint.ts';
import type { Checkpoint, CheckpointProblemCode } from './checkpoint.ts';
import { decodeStrictBase64 } from './outcome.ts';

export type EncodedHash = string | Uint8Array;

export interface EntryProofInput {
  /** The leaf's bytes (hashed here with the 0x00 prefix) or its leaf hash. */
  leaf: { bytes: Uint8Array } | { hash: EncodedHash };
  leafIndex: number;
  treeSize: number;
  inclusionProof: readonly EncodedHash[];
  /** The signed checkpoint note, exactly as served. */
  checkpointNote: string;
  /** The trusted key, as <name>+<hex key id>+<base64 key>. */
  verifierKey: string;
  /** The log's origin, when the client wants to refuse checkpoints of other logs. */
  origin?: string;
  /** Proof that the checkpoint extends an earlier, already trusted tree head. */
  consistency?: { oldSize: number; oldRoot: EncodedHash; proof: readonly EncodedHash[] };
}

export type EntryFailureCode =
  | 'verifier_key'
  | 'checkpoint_signature'
  | 'checkpoint_format'
  | 'checkpoint_origin'
  | 'tree_size_mismatch'
  | 'inclusion_proof'
  | 'consistency_proof';

export interface EntryFailure {
  code: EntryFailureCode;
  /** The finer cause from the layer below, e.g. invalid_signature or root_mismatch. */
  reason: string;
  message: string;
}

export type EntryCheck = 'checkpoint_signature' | 'tree_size' | 'inclusion_proof' | 'consistency_proof';

export type EntryVerification =
  | { ok: true; checkpoint: Checkpoint; leafHash: Buffer; passed: EntryCheck[] }
  | { ok: false; failures: EntryFailure[]; passed: EntryCheck[]; checkpoint?: Checkpoint };

/** A 32-byte hash from raw bytes, 64 hex digits or canonical base64; null for anything else. */
export function decodeHash(encoded: EncodedHash): Buffer | null {
  if (typeof encoded !== 'string') return isHashSized(encoded) ? Buffer.from(encoded) : null;
  if (/^[0-9a-fA-F]{64}$/.test(encoded)) return Buffer.from(encoded, 'hex');
  const decoded = decodeStrictBase64(encoded);
  return decoded !== null && isHashSized(decoded) ? decoded : null;
}

function decodeHashes(encoded: readonly EncodedHash[]): Buffer[] | number {
  const hashes: Buffer[] = [];
  for (const [position, item] of encoded.entries()) {
    const hash = decodeHash(item);
    if (hash === null) return position;
    hashes.push(hash);
  }
  return hashes;
}

const SIGNATURE_CODES: readonly CheckpointProblemCode[] = ['malformed_note', 'unverified_note', 'invalid_signature', 'ambiguous_key'];

function openTrustedCheckpoint(input: EntryProofInput): { checkpoint: Checkpoint } | EntryFailure {
  const verifier = parseVerifierKey(input.verifierKey);
  if (!verifier.ok) return { code: 'verifier_key', reason: verifier.problem.code, message: verifier.problem.message };
  const origin = input.origin === undefined ? {} : { origin: input.origin };
  const opened = openCheckpoint(input.checkpointNote, [verifier.value], origin);
  if (opened.ok) return { checkpoint: opened.value.checkpoint };
  const { code, message } = opened.problem;
  if (SIGNATURE_CODES.includes(code)) return { code: 'checkpoint_signature', reason: code, message };
  if (code === 'origin_mismatch') return { code: 'checkpoint_origin', reason: code, message };
  return { code: 'checkpoint_format', reason: code, message };
}

function checkInclusion(input: EntryProofInput, checkpoint: Checkpoint): { leafHash: Buffer } | EntryFailure {
  const leafHash = 'bytes' in input.leaf ? hashLeaf(input.leaf.bytes) : decodeHash(input.leaf.hash);
  if (leafHash === null) return { code: 'inclusion_proof', reason: 'malformed_hash', message: 'the leaf hash is not 32 bytes in hex or base64' };
  const proof = decodeHashes(input.inclusionProof);
  if (typeof proof === 'number') {
    return { code: 'inclusion_proof', reason: 'malformed_hash', message: `proof hash ${proof} is not 32 bytes in hex or base64` };
  }
  const problem = verifyInclusion(input.leafIndex, checkpoint.treeSize, leafHash, proof, checkpoint.rootHash);
  if (problem !== null) return { code: 'inclusion_proof', reason: problem.code, message: problem.message };
  return { leafHash };
}

function checkConsistency(
  consistency: NonNullable<EntryProofInput['consistency']>,
  checkpoint: Checkpoint,
): EntryFailure | null {
  const oldRoot = decodeHash(consistency.oldRoot);
  const proof = decodeHashes(consistency.proof);
  if (oldRoot === null || typeof proof === 'number') {
    return { code: 'consistency_proof', reason: 'malformed_hash', message: 'the old root or a proof hash is not 32 bytes in hex or base64' };
  }
  const problem = verifyConsistency(consistency.oldSize, checkpoint.treeSize, oldRoot, checkpoint.rootHash, proof);
  return problem === null ? null : { code: 'consistency_proof', reason: problem.code, message: problem.message };
}

/**
 * Checks the checkpoint signature first: nothing in an unsigned checkpoint means anything. Then
 * the tree size the receipt claims must be the signed one. Inclusion and consistency are
 * independent, so both are checked and every failure is reported.
 */
export function verifyEntryProof(input: EntryProofInput): EntryVerification {
  const opened = openTrustedCheckpoint(input);
  if ('code' in opened) return { ok: false, failures: [opened], passed: [] };
  const { checkpoint } = opened;
  const passed: EntryCheck[] = ['checkpoint_signature'];
  if (input.treeSize !== checkpoint.treeSize) {
    const message = `the proof is for size ${input.treeSize} but the checkpoint is for size ${checkpoint.treeSize}`;
    return { ok: false, failures: [{ code: 'tree_size_mismatch', reason: 'tree_size_mismatch', message }], passed, checkpoint };
  }
  passed.push('tree_size');
  const failures: EntryFailure[] = [];
  const inclusion = checkInclusion(input, checkpoint);
  if ('code' in inclusion) failures.push(inclusion);
  else passed.push('inclusion_proof');
  if (input.consistency !== undefined) {
    const problem = checkConsistency(input.consistency, checkpoint);
    if (problem === null) passed.push('consistency_proof');
    else failures.push(problem);
  }
  if (failures.length > 0 || 'code' in inclusion) return { ok: false, failures, passed, checkpoint };
  return { ok: true, checkpoint, leafHash: inclusion.leafHash, passed };
}
