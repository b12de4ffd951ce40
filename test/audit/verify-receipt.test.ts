// The offline receipt check: a genuine receipt passes every check; each kind of forgery or
// mismatch fails exactly the check it should, with its reason, and nothing else.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { createNoteSigner, verifierKeyOf } from '../../src/audit/note-keys.ts';
import type { Receipt } from '../../src/audit/receipt.ts';
import { verifyReceipt, type ReceiptReport } from '../../src/audit/verify-receipt.ts';
import { auditVerifierKey, syntheticLog } from '../support/audit.ts';

const log = syntheticLog(40);

function failures(report: ReceiptReport): string[] {
  return report.checks.filter((check) => check.status === 'failed').map((check) => `${check.name}:${check.reason}`);
}

function edited(receipt: Receipt, edit: (copy: Receipt) => void): Receipt {
  const copy = structuredClone(receipt);
  edit(copy);
  return copy;
}

const flipHex = (hex: string) => `${hex[0] === '0' ? '1' : '0'}${hex.slice(1)}`;

test('given a genuine receipt with a consistency proof from a trusted older checkpoint, every check passes', () => {
  const report = verifyReceipt(log.receipt(17, 33, 20), auditVerifierKey, log.note(20));
  assert.ok(report.ok, JSON.stringify(report.checks));
  assert.equal(report.checks.map((check) => check.status), Array(8).fill('passed'));
});

test('given a receipt of the same size as the trusted checkpoint, consistency needs no proof', () => {
  assert.ok(verifyReceipt(log.receipt(3, 20), auditVerifierKey, log.note(20)).ok);
});

test('given each forgery, exactly the matching check fails', () => {
  const genuine = log.receipt(17, 33, 20);
  const cases: [string, Receipt, string[], string?][] = [
    ['payload edited', edited(genuine, (copy) => { copy.entry!.canonical = copy.entry!.canonical.replace('"amountMicros":18', '"amountMicros":19'); }),
      ['entry_hash:hash_mismatch']],
    ['predecessor claimed wrongly', edited(genuine, (copy) => { copy.chain.previous_hash = log.events[3]!.hash; }), ['chain_link:previous_mismatch']],
    ['stream relabelled', edited(genuine, (copy) => { copy.entry!.stream_id = 'account-other'; }), ['chain_link:field_mismatch']],
    ['proof hash flipped', edited(genuine, (copy) => { copy.inclusion.proof[2] = flipHex(copy.inclusion.proof[2]!); }),
      ['inclusion_proof:root_mismatch']],
    ['proof truncated', edited(genuine, (copy) => { copy.inclusion.proof.pop(); }), ['inclusion_proof:wrong_proof_length']],
    ['another leaf index', edited(genuine, (copy) => { copy.leaf_index = 16; }), ['inclusion_proof:root_mismatch']],
    ['hash swapped for another entry', edited(genuine, (copy) => { copy.hash = log.events[16]!.hash; }),
      ['entry_hash:hash_mismatch', 'inclusion_proof:root_mismatch']],
    ['unsigned root edited', edited(genuine, (copy) => { copy.checkpoint.root_hash = flipHex(copy.checkpoint.root_hash); }),
      ['checkpoint_fields:unsigned_field_mismatch']],
    ['signed by another key', edited(genuine, (copy) => {
      copy.checkpoint.signed_note = log.note(33, createNoteSigner('lumen.test/ledger', Buffer.alloc(32, 9)));
    }), ['checkpoint_signature:unverified_note']],
    ['signature tampered', edited(genuine, (copy) => { copy.checkpoint.signed_note = copy.checkpoint.signed_note.replace('\n33\n', '\n34\n'); }),
      ['checkpoint_signature:invalid_signature']],
    ['proof for another size', edited(genuine, (copy) => { copy.inclusion.tree_size = 32; }), ['inclusion_proof:tree_size_mismatch']],
    ['consistency proof flipped', edited(genuine, (copy) => { copy.consistency!.proof[0] = flipHex(copy.consistency!.proof[0]!); }),
      ['consistency_proof:old_root_mismatch'], log.note(20)],
  ];
  for (const [label, receipt, expected, oldNote] of cases) {
    const report = verifyReceipt(receipt, auditVerifierKey, oldNote);
    assert.not.ok(report.ok, label);
    assert.equal(failures(report), expected, label);
  }
});

test('given an older checkpoint, a missing, mismatched or forged consistency is named', () => {
  const withoutProof = log.receipt(5, 33);
  assert.equal(failures(verifyReceipt(withoutProof, auditVerifierKey, log.note(20))), ['consistency_proof:missing_proof']);
  assert.equal(failures(verifyReceipt(log.receipt(5, 33, 21), auditVerifierKey, log.note(20))), ['consistency_proof:missing_proof']);
  // An older checkpoint is only trusted with its signature: its root edited afterwards is refused.
  const editedOld = log.note(20).replace(/\n[A-Za-z0-9+/=]{44}\n\n/, `\n${Buffer.alloc(32, 1).toString('base64')}\n\n`);
  assert.equal(failures(verifyReceipt(log.receipt(5, 33, 20), auditVerifierKey, editedOld)), ['old_checkpoint:invalid_signature',
    'consistency_proof:missing_proof']);
  const otherSigner = createNoteSigner('lumen.test/ledger', Buffer.alloc(32, 3));
  const otherOld = log.note(20, otherSigner);
  assert.equal(failures(verifyReceipt(log.receipt(5, 33, 20), auditVerifierKey, otherOld)), ['old_checkpoint:unverified_note',
    'consistency_proof:missing_proof']);
});

test('given a malformed or wrong verifier key, the key is named and nothing else is claimed', () => {
  const report = verifyReceipt(log.receipt(1, 2), 'not a key');
  assert.equal(failures(report), ['verifier_key:malformed_key']);
  assert.ok(report.checks.slice(1).every((check) => check.status === 'skipped'));
  const wrongKey = verifierKeyOf(createNoteSigner('lumen.test/ledger', Buffer.alloc(32, 4)));
  assert.equal(failures(verifyReceipt(log.receipt(1, 2), wrongKey)), ['checkpoint_signature:unverified_note']);
});

test('given a receipt without payload, entry hash and chain link are skipped, the proofs still checked', () => {
  const hidden = edited(log.receipt(9, 12), (copy) => { copy.entry = null; copy.payload_visible = false; });
  const report = verifyReceipt(hidden, auditVerifierKey);
  assert.ok(report.ok);
  assert.equal(report.checks.filter((check) => check.status === 'skipped').map((check) => check.name),
    ['entry_hash', 'chain_link', 'old_checkpoint', 'consistency_proof']);
});

test.run();
