// Checkpoints (c2sp.org/tlog-checkpoint): the signed head of the log at one size.
//
//   <origin>\n<tree size>\n<base64 root hash>\n[<extension line>\n]...
//
// wrapped in a signed note. Lumen signs with Ed25519 under a key named after the origin.
import { HASH_SIZE_BYTES } from './merkle-hash.ts';
import { decodeStrictBase64, fail, succeed } from './outcome.ts';
import type { Outcome } from './outcome.ts';
import { openNote, signNote } from './signed-note.ts';
import type { NoteProblemCode, OpenedNote } from './signed-note.ts';
import type { NoteSigner, NoteVerifier } from './note-keys.ts';
import { invariant, isTreeCount } from './invariant.ts';

export interface Checkpoint {
  origin: string;
  treeSize: number;
  rootHash: Buffer;
  /** Opaque, non-empty lines after the root hash; the spec advises against using them. */
  extensionLines: string[];
}

export type CheckpointProblemCode = NoteProblemCode | 'malformed_checkpoint' | 'origin_mismatch';

export interface OpenedCheckpoint {
  checkpoint: Checkpoint;
  note: OpenedNote;
}

const DECIMAL_WITHOUT_LEADING_ZEROS = /^(0|[1-9][0-9]*)$/;

/** The note text of a checkpoint. An invalid checkpoint is a programmer error. */
export function formatCheckpoint(checkpoint: Checkpoint): string {
  const lines = [checkpoint.origin, ...checkpoint.extensionLines];
  invariant(lines.every((line) => line.length > 0 && !line.includes('\n')), 'checkpoint lines are non-empty single lines');
  invariant(isTreeCount(checkpoint.treeSize), `${checkpoint.treeSize} is not a tree size`);
  invariant(checkpoint.rootHash.length === HASH_SIZE_BYTES, 'a root hash is 32 bytes');
  const head = `${checkpoint.origin}\n${checkpoint.treeSize}\n${checkpoint.rootHash.toString('base64')}\n`;
  return head + checkpoint.extensionLines.map((line) => `${line}\n`).join('');
}

/** Parses the note text of a checkpoint (the part a signature covers). */
export function parseCheckpoint(text: string): Outcome<Checkpoint, 'malformed_checkpoint'> {
  if (!text.endsWith('\n')) return fail('malformed_checkpoint', 'a checkpoint ends in a newline');
  const lines = text.slice(0, -1).split('\n');
  const [origin, sizeText, rootText, ...extensionLines] = lines;
  if (origin === undefined || sizeText === undefined || rootText === undefined) {
    return fail('malformed_checkpoint', 'a checkpoint has an origin, a tree size and a root hash');
  }
  if (lines.some((line) => line.length === 0)) return fail('malformed_checkpoint', 'checkpoint lines are non-empty');
  const treeSize = Number(sizeText);
  if (!DECIMAL_WITHOUT_LEADING_ZEROS.test(sizeText) || !Number.isSafeInteger(treeSize)) {
    return fail('malformed_checkpoint', `tree size ${JSON.stringify(sizeText)} is not a decimal below 2^53`);
  }
  const rootHash = decodeStrictBase64(rootText);
  if (rootHash === null || rootHash.length !== HASH_SIZE_BYTES) {
    return fail('malformed_checkpoint', 'the root hash is not the base64 of 32 bytes');
  }
  return succeed({ origin, treeSize, rootHash, extensionLines });
}

export function signCheckpoint(checkpoint: Checkpoint, signer: NoteSigner): string {
  return signNote(formatCheckpoint(checkpoint), [signer]);
}

/**
 * Verifies a signed checkpoint against trusted keys, then parses it. Only a verified text is
 * parsed, as the signed-note spec demands. With an expected origin, a checkpoint of another log
 * signed by the same key is refused.
 */
export function openCheckpoint(
  noteText: string,
  verifiers: readonly NoteVerifier[],
  expected: { origin?: string } = {},
): Outcome<OpenedCheckpoint, CheckpointProblemCode> {
  const opened = openNote(noteText, verifiers);
  if (!opened.ok) return opened;
  const parsed = parseCheckpoint(opened.value.text);
  if (!parsed.ok) return parsed;
  if (expected.origin !== undefined && parsed.value.origin !== expected.origin) {
    return fail('origin_mismatch', `the checkpoint is for ${JSON.stringify(parsed.value.origin)}`);
  }
  return succeed({ checkpoint: parsed.value, note: opened.value });
}
