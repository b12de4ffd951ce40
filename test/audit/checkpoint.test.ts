// Checkpoints: the C2SP body format, and signing and opening them as signed notes.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import fc from 'fast-check';
import { formatCheckpoint, openCheckpoint, parseCheckpoint, signCheckpoint } from '../../src/audit/checkpoint.ts';
import type { Checkpoint } from '../../src/audit/checkpoint.ts';
import { createNoteSigner, parseVerifierKey, verifierKeyOf } from '../../src/audit/note-keys.ts';
import type { NoteVerifier } from '../../src/audit/note-keys.ts';

const origin = 'lumen.example/audit';
const signer = createNoteSigner(origin, Buffer.alloc(32, 7));
const otherSigner = createNoteSigner(origin, Buffer.alloc(32, 8));

function verifierOf(key: string): NoteVerifier {
  const parsed = parseVerifierKey(key);
  if (!parsed.ok) throw new Error(parsed.problem.message);
  return parsed.value;
}
const verifier = verifierOf(verifierKeyOf(signer));
const otherVerifier = verifierOf(verifierKeyOf(otherSigner));

const sample: Checkpoint = {
  origin,
  treeSize: 20852163,
  rootHash: Buffer.from('CsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=', 'base64'),
  extensionLines: [],
};

const problemOf = (outcome: { ok: boolean; problem?: { code: string } }) => (outcome.ok ? 'ok' : outcome.problem?.code);

test('given the C2SP example body, when parsing, then origin, size and root are read and it formats back identically', () => {
  const body = 'example.com/behind-the-sofa\n20852163\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n';
  const parsed = parseCheckpoint(body);
  assert.ok(parsed.ok);
  if (!parsed.ok) return;
  assert.is(parsed.value.origin, 'example.com/behind-the-sofa');
  assert.is(parsed.value.treeSize, 20852163);
  assert.is(parsed.value.rootHash.length, 32);
  assert.is(formatCheckpoint(parsed.value), body);
});

const checkpoints = fc.record({
  origin: fc.string({ minLength: 1, maxLength: 40 }).filter((text) => !text.includes('\n')),
  treeSize: fc.maxSafeNat(),
  rootHash: fc.uint8Array({ minLength: 32, maxLength: 32 }).map((bytes) => Buffer.from(bytes)),
  extensionLines: fc.array(fc.string({ minLength: 1, maxLength: 20 }).filter((text) => !text.includes('\n')), { maxLength: 3 }),
});

test('given any checkpoint, when formatted and parsed, then it comes back unchanged', () => {
  fc.assert(fc.property(checkpoints, (checkpoint) => {
    const parsed = parseCheckpoint(formatCheckpoint(checkpoint));
    assert.ok(parsed.ok);
    if (parsed.ok) assert.equal(parsed.value, { ...checkpoint });
  }));
});

test('given malformed bodies, when parsing, then each is refused', () => {
  const root = 'CsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=';
  const bodies = [
    `${origin}\n12\n${root}`,
    `${origin}\n12\n`,
    `${origin}\n012\n${root}\n`,
    `${origin}\n-1\n${root}\n`,
    `${origin}\n1e3\n${root}\n`,
    `${origin}\n9007199254740993\n${root}\n`,
    `\n12\n${root}\n`,
    `${origin}\n12\n${root}\n\nextension\n`,
    `${origin}\n12\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2`,
    `${origin}\n12\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2J=\n`,
    `${origin}\n12\nAAAA\n`,
  ];
  for (const body of bodies) assert.is(problemOf(parseCheckpoint(body)), 'malformed_checkpoint', JSON.stringify(body));
});

test('given a signed checkpoint, when opened with its key, then the same checkpoint comes back', () => {
  const note = signCheckpoint(sample, signer);
  assert.ok(note.startsWith(`${formatCheckpoint(sample)}\n\u2014 ${origin} `));
  const opened = openCheckpoint(note, [verifier], { origin });
  assert.ok(opened.ok);
  if (opened.ok) assert.equal(opened.value.checkpoint, sample);
});

test('given a signed checkpoint, when opened with a wrong key, without signature, or for another origin, then it is refused', () => {
  const note = signCheckpoint(sample, signer);
  assert.is(problemOf(openCheckpoint(note, [otherVerifier])), 'unverified_note');
  assert.is(problemOf(openCheckpoint(`${formatCheckpoint(sample)}\n`, [verifier])), 'malformed_note');
  assert.is(problemOf(openCheckpoint(formatCheckpoint(sample), [verifier])), 'malformed_note');
  assert.is(problemOf(openCheckpoint(note, [verifier], { origin: 'other.example/log' })), 'origin_mismatch');
  const withSize = (size: number) => signCheckpoint({ ...sample, treeSize: size }, signer);
  const swapped = withSize(5).replace('\n5\n', '\n6\n');
  assert.is(problemOf(openCheckpoint(swapped, [verifier])), 'invalid_signature');
  assert.ok(openCheckpoint(withSize(6), [verifier]).ok);
});

test('given a checkpoint cosigned by an unknown witness, when opened with the log key, then it verifies', () => {
  const cosigned = signCheckpoint(sample, signer) + signCheckpoint(sample, createNoteSigner('witness.example', Buffer.alloc(32, 9))).split('\n\n')[1];
  const opened = openCheckpoint(cosigned, [verifier]);
  assert.ok(opened.ok);
  if (opened.ok) assert.is(opened.value.note.unknown.length, 1);
});

test('given a signed checkpoint, when any one character is changed, then opening fails', () => {
  const note = signCheckpoint(sample, signer);
  const replacement = fc.constantFrom('A', 'B', '0', '1', '+', '/', '=', '\n', ' ', 'z', '\u2014');
  fc.assert(fc.property(fc.nat({ max: note.length - 1 }), replacement, (position, character) => {
    fc.pre(note[position] !== character);
    const changed = note.slice(0, position) + character + note.slice(position + 1);
    assert.not.ok(openCheckpoint(changed, [verifier]).ok, JSON.stringify(changed));
  }), { numRuns: 500 });
});

test.run();
