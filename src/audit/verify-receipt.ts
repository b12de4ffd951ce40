// The offline check of an audit receipt (`lumen audit verify`): no network, no database, only
// the receipt, the log's public key and, optionally, an older checkpoint the verifier already
// trusts. Every check is reported by name, passed, failed (with the finer reason) or skipped,
// so a failure says exactly what does not hold.
import { createHash } from 'node:crypto';
import { openCheckpoint } from './checkpoint.ts';
import type { Checkpoint } from './checkpoint.ts';
import { leafInputOfEvent } from './event-leaf.ts';
import { parseVerifierKey } from './note-keys.ts';
import type { NoteVerifier } from './note-keys.ts';
import type { Receipt } from './receipt.ts';
import { verifyEntryProof } from './verify-entry.ts';
import type { EntryProofInput, EntryVerification } from './verify-entry.ts';

export type ReceiptCheckName =
  | 'verifier_key'
  | 'checkpoint_signature'
  | 'checkpoint_fields'
  | 'entry_hash'
  | 'chain_link'
  | 'inclusion_proof'
  | 'old_checkpoint'
  | 'consistency_proof';

export interface ReceiptCheck {
  name: ReceiptCheckName;
  status: 'passed' | 'failed' | 'skipped';
  /** The finer cause of a failure, e.g. root_mismatch or invalid_signature. */
  reason?: string;
  message: string;
}

export interface ReceiptReport {
  ok: boolean;
  checks: ReceiptCheck[];
}

const passed = (name: ReceiptCheckName, message: string): ReceiptCheck => ({ name, status: 'passed', message });
const failed = (name: ReceiptCheckName, reason: string, message: string): ReceiptCheck => ({ name, status: 'failed', reason, message });
const skipped = (name: ReceiptCheckName, message: string): ReceiptCheck => ({ name, status: 'skipped', message });

function report(checks: ReceiptCheck[]): ReceiptReport {
  return { ok: checks.every((check) => check.status !== 'failed'), checks };
}

/**
 * Checks a receipt against the log's verifier key (<name>+<key id>+<base64 key>) and, when given,
 * an older signed checkpoint note that the new checkpoint must extend.
 */
export function verifyReceipt(receipt: Receipt, verifierKey: string, oldCheckpointNote?: string): ReceiptReport {
  const verifier = parseVerifierKey(verifierKey.trim());
  if (!verifier.ok) {
    const later: ReceiptCheckName[] = ['checkpoint_signature', 'checkpoint_fields', 'entry_hash', 'chain_link', 'inclusion_proof',
      'old_checkpoint', 'consistency_proof'];
    return report([failed('verifier_key', verifier.problem.code, verifier.problem.message),
      ...later.map((name) => skipped(name, 'no usable verifier key'))]);
  }
  const old = oldCheckpointNote === undefined ? undefined : openOldCheckpoint(oldCheckpointNote, verifier.value);
  const consistency = consistencyInput(receipt, old);
  const proof = verifyEntryProof({
    leaf: { bytes: leafInputOfEvent(receipt.hash) },
    leafIndex: receipt.leaf_index,
    treeSize: receipt.inclusion.tree_size,
    inclusionProof: receipt.inclusion.proof,
    checkpointNote: receipt.checkpoint.signed_note,
    verifierKey: verifierKey.trim(),
    ...(consistency !== undefined && 'oldSize' in consistency ? { consistency } : {}),
  });
  return report([
    passed('verifier_key', `trusting ${verifier.value.keyName}`),
    ...checkpointChecks(receipt, proof),
    checkEntryHash(receipt),
    checkChainLink(receipt),
    inclusionCheck(proof),
    old === undefined ? skipped('old_checkpoint', 'no older checkpoint given (--checkpoint)')
      : 'checkpoint' in old ? passed('old_checkpoint', `signed checkpoint of size ${old.checkpoint.treeSize}`)
        : failed('old_checkpoint', old.reason, old.message),
    consistencyCheck(proof, consistency),
  ]);
}

type OldCheckpoint = { checkpoint: Checkpoint } | { reason: string; message: string };

function openOldCheckpoint(note: string, verifier: NoteVerifier): OldCheckpoint {
  const opened = openCheckpoint(note, [verifier]);
  if (!opened.ok) return { reason: opened.problem.code, message: `the older checkpoint does not verify: ${opened.problem.message}` };
  return { checkpoint: opened.value.checkpoint };
}

type ConsistencyInput = NonNullable<EntryProofInput['consistency']> & { againstTrusted: boolean };

/**
 * Which consistency proof to check: against the older checkpoint the verifier trusts when one is
 * given (its signed root, not the receipt's from_root), else against the receipt's own from_root.
 * A trusted checkpoint of the same size needs no proof: the roots must simply be equal.
 */
function consistencyInput(receipt: Receipt, old: OldCheckpoint | undefined): ConsistencyInput | { missing: string } | undefined {
  if (old !== undefined) {
    if (!('checkpoint' in old)) return { missing: 'the older checkpoint did not verify' };
    const { treeSize, rootHash } = old.checkpoint;
    if (treeSize === receipt.checkpoint.tree_size) return { oldSize: treeSize, oldRoot: rootHash, proof: [], againstTrusted: true };
    if (receipt.consistency === undefined || receipt.consistency.from_size !== treeSize) {
      return { missing: `the receipt has no consistency proof from size ${treeSize}: fetch it with ?from_size=${treeSize}` };
    }
    return { oldSize: treeSize, oldRoot: rootHash, proof: receipt.consistency.proof, againstTrusted: true };
  }
  if (receipt.consistency === undefined) return undefined;
  const { from_size: oldSize, from_root: oldRoot, proof } = receipt.consistency;
  return { oldSize, oldRoot, proof, againstTrusted: false };
}

function checkpointChecks(receipt: Receipt, proof: EntryVerification): ReceiptCheck[] {
  const signatureFailure = proof.ok ? undefined
    : proof.failures.find((failure) => ['checkpoint_signature', 'checkpoint_format', 'checkpoint_origin'].includes(failure.code));
  if (signatureFailure !== undefined || proof.checkpoint === undefined) {
    const reason = signatureFailure?.reason ?? 'unverified_note';
    return [failed('checkpoint_signature', reason, signatureFailure?.message ?? 'the checkpoint does not verify'),
      skipped('checkpoint_fields', 'the checkpoint did not verify')];
  }
  const signed = proof.checkpoint;
  const claimed = receipt.checkpoint;
  const mismatches = [
    claimed.origin !== signed.origin ? `origin ${JSON.stringify(claimed.origin)} is signed as ${JSON.stringify(signed.origin)}` : undefined,
    claimed.tree_size !== signed.treeSize ? `tree_size ${claimed.tree_size} is signed as ${signed.treeSize}` : undefined,
    claimed.root_hash !== signed.rootHash.toString('hex') ? `root_hash ${claimed.root_hash} is signed as ${signed.rootHash.toString('hex')}` : undefined,
  ].filter((mismatch): mismatch is string => mismatch !== undefined);
  return [
    passed('checkpoint_signature', `checkpoint of size ${signed.treeSize} signed by the trusted key`),
    mismatches.length === 0 ? passed('checkpoint_fields', 'origin, tree size and root hash match the signed note')
      : failed('checkpoint_fields', 'unsigned_field_mismatch', mismatches.join('; ')),
  ];
}

function checkEntryHash(receipt: Receipt): ReceiptCheck {
  if (receipt.entry === null) return skipped('entry_hash', 'no canonical bytes in this receipt (only the owning account sees the payload)');
  const recomputed = createHash('sha256').update(receipt.entry.canonical, 'utf8').digest('hex');
  if (recomputed !== receipt.hash) return failed('entry_hash', 'hash_mismatch', `the canonical bytes hash to ${recomputed}, not ${receipt.hash}`);
  return passed('entry_hash', 'SHA-256 of the canonical bytes is the entry hash');
}

interface HashedEntry { previous: unknown; stream: unknown; version: unknown; type: unknown }

function checkChainLink(receipt: Receipt): ReceiptCheck {
  const entry = receipt.entry;
  if (entry === null) return skipped('chain_link', 'no canonical bytes in this receipt');
  let hashed: HashedEntry;
  try {
    hashed = JSON.parse(entry.canonical) as HashedEntry;
  } catch {
    return failed('chain_link', 'malformed_entry', 'the canonical bytes are not JSON');
  }
  if (typeof hashed !== 'object' || hashed === null) return failed('chain_link', 'malformed_entry', 'the canonical bytes are not an object');
  if (hashed.previous !== receipt.chain.previous_hash) {
    return failed('chain_link', 'previous_mismatch',
      `the entry names ${JSON.stringify(hashed.previous)} as its predecessor, the receipt ${JSON.stringify(receipt.chain.previous_hash)}`);
  }
  if ((hashed.version === 0) !== (hashed.previous === null)) {
    return failed('chain_link', 'broken_link', `version ${String(hashed.version)} with predecessor ${JSON.stringify(hashed.previous)}`);
  }
  if (hashed.stream !== entry.stream_id || hashed.version !== entry.version || hashed.type !== entry.type) {
    return failed('chain_link', 'field_mismatch', 'stream, version or type differ from the canonical bytes');
  }
  const next = receipt.chain.next_hash === null ? 'the last of its stream' : `followed by ${receipt.chain.next_hash} (whose own receipt links back)`;
  return passed('chain_link', `${entry.stream_id}@${entry.version} links to ${receipt.chain.previous_hash ?? 'nothing (first event)'}; ${next}`);
}

function inclusionCheck(proof: EntryVerification): ReceiptCheck {
  if (proof.ok || proof.passed.includes('inclusion_proof')) {
    return passed('inclusion_proof', `leaf included in the tree of size ${proof.checkpoint?.treeSize}`);
  }
  const failure = proof.failures.find((item) => item.code === 'inclusion_proof' || item.code === 'tree_size_mismatch');
  if (failure === undefined) return skipped('inclusion_proof', 'the checkpoint did not verify');
  return failed('inclusion_proof', failure.reason, failure.message);
}

function consistencyCheck(proof: EntryVerification, input: ConsistencyInput | { missing: string } | undefined): ReceiptCheck {
  if (input === undefined) return skipped('consistency_proof', 'no older checkpoint given and no consistency proof in the receipt');
  if ('missing' in input) return failed('consistency_proof', 'missing_proof', input.missing);
  const against = input.againstTrusted ? 'the trusted older checkpoint' : "the receipt's own from_root (pass --checkpoint to check against one you trust)";
  if (proof.passed.includes('consistency_proof')) {
    return passed('consistency_proof', `the checkpoint extends size ${input.oldSize}, checked against ${against}`);
  }
  const failure = proof.ok ? undefined : proof.failures.find((item) => item.code === 'consistency_proof');
  if (failure === undefined) return skipped('consistency_proof', 'not checked: the checkpoint or its tree size did not verify');
  return failed('consistency_proof', failure.reason, `${failure.message} (against ${against})`);
}
