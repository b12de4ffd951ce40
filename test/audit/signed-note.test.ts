// Signed notes against the vectors of golang.org/x/mod/sumdb/note (note_test.go): the
// PeterNeumann key signs deterministically (Ed25519), so our output must match Go's byte for byte.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { generateKeyPairSync } from 'node:crypto';
import {
  createNoteSigner,
  parseSignerKey,
  parseVerifierKey,
  signerKeyOf,
  verifierKeyOf,
} from '../../src/audit/note-keys.ts';
import type { NoteSigner, NoteVerifier } from '../../src/audit/note-keys.ts';
import { openNote, parseNote, signNote } from '../../src/audit/signed-note.ts';

const peterSignerKey = 'PRIVATE+KEY+PeterNeumann+c74f20a3+AYEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKDFz';
const peterVerifierKey = 'PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW';
const enochVerifierKey = 'EnochRoot+af0cfe78+ATtqJ7zOtqQtYqOo0CpvDXNlMhV3HeJDpjrASKGLWdop';
const text = "If you think cryptography is the answer to your problem,\nthen you don't know what your problem is.\n";
const peterSignature = '\u2014 PeterNeumann x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=\n';
const enochSignature = '\u2014 EnochRoot rwz+eBzmZa0SO3NbfRGzPCpDckykFXSdeX+MNtCOXm2/5n2tiOHp+vAF1aGrQ5ovTG01oOTGwnWLox33WWd1RvMc+QQ=\n';

function unwrap<Value>(outcome: { ok: true; value: Value } | { ok: false; problem: { code: string; message: string } }): Value {
  if (!outcome.ok) throw new Error(`${outcome.problem.code}: ${outcome.problem.message}`);
  return outcome.value;
}

const peterSigner: NoteSigner = unwrap(parseSignerKey(peterSignerKey));
const peterVerifier: NoteVerifier = unwrap(parseVerifierKey(peterVerifierKey));
const enochVerifier: NoteVerifier = unwrap(parseVerifierKey(enochVerifierKey));

test('given the PeterNeumann signer key, when signing the Go test text, then the note equals the Go output', () => {
  assert.is(peterSigner.keyId, 0xc74f20a3);
  assert.is(verifierKeyOf(peterSigner), peterVerifierKey);
  assert.is(signNote(text, [peterSigner]), `${text}\n${peterSignature}`);
});

test('given the seed of the PeterNeumann key, when encoding the signer key, then it equals the Go signer key', () => {
  const seed = Buffer.from('AYEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKDFz', 'base64').subarray(1);
  assert.is(signerKeyOf('PeterNeumann', seed), peterSignerKey);
});

test('given a note signed by Peter and Enoch, when opening with one or both keys, then the known ones verify and the rest are kept apart', () => {
  const message = `${text}\n${peterSignature}${enochSignature}`;
  const peterOnly = unwrap(openNote(message, [peterVerifier]));
  assert.is(peterOnly.text, text);
  assert.equal(peterOnly.verifiedBy.map((signature) => signature.keyName), ['PeterNeumann']);
  assert.equal(peterOnly.unknown.map((signature) => [signature.keyName, signature.keyId]), [['EnochRoot', 0xaf0cfe78]]);
  const both = unwrap(openNote(message, [peterVerifier, enochVerifier]));
  assert.equal(both.verifiedBy.map((signature) => signature.keyName), ['PeterNeumann', 'EnochRoot']);
});

test('given no known key or a duplicated verifier, when opening, then the note is unverified or ambiguous', () => {
  const message = `${text}\n${peterSignature}${enochSignature}`;
  const unknown = openNote(message, []);
  assert.is(unknown.ok ? 'ok' : unknown.problem.code, 'unverified_note');
  const ambiguous = openNote(`${text}\n${enochSignature}`, [enochVerifier, peterVerifier, enochVerifier]);
  assert.is(ambiguous.ok ? 'ok' : ambiguous.problem.code, 'ambiguous_key');
});

test('given a corrupted signature or too many signatures, when opening, then it is invalid or malformed', () => {
  const corrupted = openNote(`${text}\n${peterSignature.slice(0, 60)}ABCD${peterSignature.slice(60)}`, [peterVerifier]);
  assert.is(corrupted.ok ? 'ok' : corrupted.problem.code, 'invalid_signature');
  const tooMany = openNote(`${text}\n${peterSignature.repeat(101)}`, [peterVerifier]);
  assert.is(tooMany.ok ? 'ok' : tooMany.problem.code, 'malformed_note');
  assert.ok(openNote(`${text}\n${peterSignature.repeat(100)}`, [peterVerifier]).ok);
});

test('given the malformed messages of the Go tests, when parsing, then each is a malformed note', () => {
  const badMessages = [
    text,
    `${text}\n`,
    `${text}\n${peterSignature.slice(0, -1)}`,
    `\u0001${text}\n${peterSignature}`,
    `\ud800${text}\n${peterSignature}`,
    `${text}\n\u2014 Bad Name x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=`,
    `${text}\n${peterSignature}Unexpected line.\n`,
    `${text}\n\u2014 PeterNeumann\n`,
    `${text}\n\u2014 PeterNeumann AAAAAA==\n`,
    `${text}\r\n${peterSignature}`,
  ];
  for (const message of badMessages) {
    const parsed = parseNote(message);
    assert.is(parsed.ok ? 'ok' : parsed.problem.code, 'malformed_note', JSON.stringify(message.slice(-40)));
  }
});

test('given the Go verifier key, when any part of it is cut off or any character changed, then it is refused', () => {
  for (let start = 0; start <= peterVerifierKey.length; start += 1) {
    for (let end = start + 1; end <= peterVerifierKey.length; end += 1) {
      if (start === 0 && end === peterVerifierKey.length) continue;
      assert.not.ok(parseVerifierKey(peterVerifierKey.slice(start, end)).ok, peterVerifierKey.slice(start, end));
    }
  }
  for (let position = 0; position < peterVerifierKey.length; position += 1) {
    const changed = peterVerifierKey.slice(0, position)
      + String.fromCharCode(peterVerifierKey.charCodeAt(position) + 1) + peterVerifierKey.slice(position + 1);
    assert.not.ok(parseVerifierKey(changed).ok, changed);
  }
  const wrongLength = parseVerifierKey('PeterNeumann+cc469956+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TWBADKEY==');
  assert.is(wrongLength.ok ? 'ok' : wrongLength.problem.code, 'malformed_key');
  const unknownType = parseVerifierKey('PeterNeumann+173116ae+ZRpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW');
  assert.is(unknownType.ok ? 'ok' : unknownType.problem.code, 'unknown_signature_type');
});

test('given a node KeyObject and its raw seed, when creating signers, then both sign verifiably under the same key', () => {
  const { privateKey } = generateKeyPairSync('ed25519');
  const seed = Buffer.from(privateKey.export({ format: 'jwk' }).d as string, 'base64url');
  const fromKeyObject = createNoteSigner('lumen.example/audit', privateKey);
  const fromSeed = createNoteSigner('lumen.example/audit', seed);
  assert.is(verifierKeyOf(fromKeyObject), verifierKeyOf(fromSeed));
  const verifier = unwrap(parseVerifierKey(verifierKeyOf(fromSeed)));
  assert.ok(openNote(signNote('hello\n', [fromKeyObject]), [verifier]).ok);
  assert.ok(unwrap(parseSignerKey(signerKeyOf('lumen.example/audit', seed))).publicKey.equals(fromKeyObject.publicKey));
});

test.run();
