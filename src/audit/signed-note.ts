// Signed notes (c2sp.org/signed-note, as implemented by golang.org/x/mod/sumdb/note): a text
// ending in a newline, a blank line, then one or more lines "— <key name> <base64(key ID ||
// signature)>". The signature covers the UTF-8 bytes of the text, final newline included.
import { decodeStrictBase64, fail, succeed } from './outcome.ts';
import type { Outcome } from './outcome.ts';
import { isValidKeyName } from './note-keys.ts';
import type { NoteSigner, NoteVerifier } from './note-keys.ts';
import { invariant } from './invariant.ts';

/** The spec asks verifiers to accept at least 16; sumdb/note stops at 100. */
export const NOTE_SIGNATURES_MAX = 100;
/** Checkpoints are a few hundred bytes; this leaves room for many post-quantum cosignatures. */
export const NOTE_CHARACTERS_MAX = 256 * 1024;

const SIGNATURE_PREFIX = '\u2014 ';
const KEY_ID_BYTES = 4;

export interface NoteSignature {
  keyName: string;
  keyId: number;
  /** The signature proper, without the four key ID bytes. */
  signature: Buffer;
  /** The base64 text of the line, key ID included. */
  encoded: string;
}

export interface ParsedNote {
  text: string;
  signatures: NoteSignature[];
}

export interface OpenedNote {
  text: string;
  verifiedBy: NoteSignature[];
  /** Signatures from keys not asked about; the spec says to ignore them (e.g. witnesses). */
  unknown: NoteSignature[];
}

export type NoteProblemCode = 'malformed_note' | 'unverified_note' | 'invalid_signature' | 'ambiguous_key';

// Valid UTF-8 in a JavaScript string means no unpaired surrogate (with the u flag a surrogate
// range only matches unpaired halves); control characters other than newline are banned
// because they could hide text from a human reader.
const FORBIDDEN_CHARACTER = /[\u0000-\u0009\u000b-\u001f\ud800-\udfff]/u;

function isValidNoteCharacters(message: string): boolean {
  return !FORBIDDEN_CHARACTER.test(message);
}

function parseSignatureLine(line: string): NoteSignature | null {
  if (!line.startsWith(SIGNATURE_PREFIX)) return null;
  const rest = line.slice(SIGNATURE_PREFIX.length);
  const space = rest.indexOf(' ');
  const keyName = space < 0 ? rest : rest.slice(0, space);
  const encoded = space < 0 ? '' : rest.slice(space + 1);
  const bytes = decodeStrictBase64(encoded);
  if (!isValidKeyName(keyName) || bytes === null || bytes.length <= KEY_ID_BYTES) return null;
  return { keyName, keyId: bytes.readUInt32BE(0), signature: bytes.subarray(KEY_ID_BYTES), encoded };
}

/** Splits a note into its text and signature lines without checking any signature. */
export function parseNote(message: string): Outcome<ParsedNote, 'malformed_note'> {
  if (message.length > NOTE_CHARACTERS_MAX) return fail('malformed_note', `a note is at most ${NOTE_CHARACTERS_MAX} characters`);
  if (!isValidNoteCharacters(message)) return fail('malformed_note', 'a note is UTF-8 without control characters but newline');
  const split = message.lastIndexOf('\n\n');
  if (split < 0) return fail('malformed_note', 'no blank line before the signatures');
  const text = message.slice(0, split + 1);
  const block = message.slice(split + 2);
  if (block.length === 0 || !block.endsWith('\n')) return fail('malformed_note', 'the signature block must end in a newline');
  const lines = block.slice(0, -1).split('\n');
  if (lines.length > NOTE_SIGNATURES_MAX) return fail('malformed_note', `more than ${NOTE_SIGNATURES_MAX} signatures`);
  const signatures: NoteSignature[] = [];
  for (const line of lines) {
    const signature = parseSignatureLine(line);
    if (signature === null) return fail('malformed_note', `not a signature line: ${JSON.stringify(line.slice(0, 80))}`);
    signatures.push(signature);
  }
  return succeed({ text, signatures });
}

function signatureLine(keyName: string, keyId: number, signature: Uint8Array): string {
  const keyIdBytes = Buffer.alloc(KEY_ID_BYTES);
  keyIdBytes.writeUInt32BE(keyId);
  return `${SIGNATURE_PREFIX}${keyName} ${Buffer.concat([keyIdBytes, signature]).toString('base64')}\n`;
}

/** Signs a text with every signer, in order. A text that cannot form a note is a programmer error. */
export function signNote(text: string, signers: readonly NoteSigner[]): string {
  invariant(text.endsWith('\n') && isValidNoteCharacters(text), 'a note text ends in a newline and has no control characters');
  invariant(signers.length > 0 && signers.length <= NOTE_SIGNATURES_MAX, 'a note needs between 1 and 100 signers');
  const message = Buffer.from(text, 'utf8');
  const lines = signers.map((signer) => signatureLine(signer.keyName, signer.keyId, signer.sign(message)));
  return `${text}\n${lines.join('')}`;
}

/**
 * Parses a note and checks every signature from a known key (same name and key ID). Any known
 * signature that fails rejects the whole note; a note with no verified signature is rejected.
 * Repeated signatures by one key are checked once, as sumdb/note does.
 */
export function openNote(message: string, verifiers: readonly NoteVerifier[]): Outcome<OpenedNote, NoteProblemCode> {
  const parsed = parseNote(message);
  if (!parsed.ok) return parsed;
  const textBytes = Buffer.from(parsed.value.text, 'utf8');
  const verifiedBy: NoteSignature[] = [];
  const unknown: NoteSignature[] = [];
  for (const signature of parsed.value.signatures) {
    const matching = verifiers.filter((verifier) => verifier.keyName === signature.keyName && verifier.keyId === signature.keyId);
    const label = `${signature.keyName}+${signature.keyId.toString(16).padStart(8, '0')}`;
    if (matching.length > 1) return fail('ambiguous_key', `more than one verifier for ${label}`);
    const verifier = matching[0];
    if (verifier === undefined) {
      if (!unknown.some((seen) => seen.encoded === signature.encoded && seen.keyName === signature.keyName)) unknown.push(signature);
      continue;
    }
    if (verifiedBy.some((seen) => seen.keyName === signature.keyName && seen.keyId === signature.keyId)) continue;
    if (!verifier.verify(textBytes, signature.signature)) return fail('invalid_signature', `invalid signature for key ${label}`);
    verifiedBy.push(signature);
  }
  if (verifiedBy.length === 0) return fail('unverified_note', 'no signature from a known key');
  return succeed({ text: parsed.value.text, verifiedBy, unknown });
}
