// Ed25519 keys for signed notes (c2sp.org/signed-note, signature type 0x01) in the text formats
// of golang.org/x/mod/sumdb/note, so Go tooling can check Lumen's checkpoints:
//   verifier key  <name>+<8 hex key id>+<base64(0x01 || 32-byte public key)>
//   signer key    PRIVATE+KEY+<name>+<8 hex key id>+<base64(0x01 || 32-byte seed)>
import { createHash, createPrivateKey, createPublicKey, sign, verify } from 'node:crypto';
import type { KeyObject } from 'node:crypto';
import { decodeStrictBase64, fail, succeed } from './outcome.ts';
import type { Outcome } from './outcome.ts';
import { invariant } from './invariant.ts';

export const ED25519_SIGNATURE_TYPE = 0x01;
const ED25519_KEY_BYTES = 32;
// DER headers that turn a raw Ed25519 seed or public key into PKCS #8 / SPKI for node:crypto.
const PKCS8_ED25519_PREFIX = Buffer.from('302e020100300506032b657004220420', 'hex');
const SPKI_ED25519_PREFIX = Buffer.from('302a300506032b6570032100', 'hex');

export interface NoteSigner {
  keyName: string;
  keyId: number;
  publicKey: Buffer;
  sign(message: Uint8Array): Buffer;
}

export interface NoteVerifier {
  keyName: string;
  keyId: number;
  verify(message: Uint8Array, signature: Uint8Array): boolean;
}

export type NoteKeyProblemCode = 'malformed_key' | 'key_id_mismatch' | 'unknown_signature_type';

/** Key names are non-empty and have no Unicode spaces and no plus signs (they delimit keys). */
export function isValidKeyName(name: string): boolean {
  return name.length > 0 && !/[\s\u0085+]/u.test(name);
}

/** key ID = SHA-256(key name || 0x0A || 0x01 || public key)[:4], read big-endian. */
export function noteKeyId(keyName: string, publicKey: Uint8Array): number {
  const digest = createHash('sha256')
    .update(keyName, 'utf8')
    .update(Buffer.from([0x0a, ED25519_SIGNATURE_TYPE]))
    .update(publicKey)
    .digest();
  return digest.readUInt32BE(0);
}

export function formatKeyId(keyId: number): string {
  return keyId.toString(16).padStart(8, '0');
}

function privateKeyFrom(privateKey: KeyObject | Uint8Array): KeyObject {
  if (privateKey instanceof Uint8Array) {
    invariant(privateKey.length === ED25519_KEY_BYTES, 'an Ed25519 seed is 32 bytes');
    return createPrivateKey({ key: Buffer.concat([PKCS8_ED25519_PREFIX, privateKey]), format: 'der', type: 'pkcs8' });
  }
  invariant(privateKey.type === 'private' && privateKey.asymmetricKeyType === 'ed25519', 'an Ed25519 private key is needed');
  return privateKey;
}

/** A signer from a node KeyObject or the raw 32-byte seed of RFC 8032. */
export function createNoteSigner(keyName: string, privateKey: KeyObject | Uint8Array): NoteSigner {
  invariant(isValidKeyName(keyName), `"${keyName}" is not a valid key name`);
  const key = privateKeyFrom(privateKey);
  const jwk = createPublicKey(key).export({ format: 'jwk' });
  const publicKey = Buffer.from(jwk.x as string, 'base64url');
  return {
    keyName,
    keyId: noteKeyId(keyName, publicKey),
    publicKey,
    sign: (message) => sign(null, message, key),
  };
}

export function createNoteVerifier(keyName: string, publicKey: Uint8Array): NoteVerifier {
  invariant(isValidKeyName(keyName) && publicKey.length === ED25519_KEY_BYTES, 'an Ed25519 verifier needs a name and 32 bytes');
  const key = createPublicKey({ key: Buffer.concat([SPKI_ED25519_PREFIX, publicKey]), format: 'der', type: 'spki' });
  return {
    keyName,
    keyId: noteKeyId(keyName, publicKey),
    verify(message, signature) {
      if (signature.length !== 64) return false;
      return verify(null, message, key, signature);
    },
  };
}

/** The verifier key string that clients configure to trust this signer. */
export function verifierKeyOf(signer: Pick<NoteSigner, 'keyName' | 'publicKey'>): string {
  const encoded = Buffer.concat([Buffer.from([ED25519_SIGNATURE_TYPE]), signer.publicKey]).toString('base64');
  return `${signer.keyName}+${formatKeyId(noteKeyId(signer.keyName, signer.publicKey))}+${encoded}`;
}

/** The signer key string of sumdb/note for a raw 32-byte seed; it is a secret. */
export function signerKeyOf(keyName: string, seed: Uint8Array): string {
  const signer = createNoteSigner(keyName, seed);
  const encoded = Buffer.concat([Buffer.from([ED25519_SIGNATURE_TYPE]), seed]).toString('base64');
  return `PRIVATE+KEY+${keyName}+${formatKeyId(signer.keyId)}+${encoded}`;
}

interface KeyParts {
  keyName: string;
  keyId: number;
  key: Buffer;
}

// name + hex id + base64(type || key); the base64 part may itself hold plus signs.
function splitKey(text: string): Outcome<KeyParts, NoteKeyProblemCode> {
  const nameEnd = text.indexOf('+');
  const idEnd = text.indexOf('+', nameEnd + 1);
  const keyName = text.slice(0, nameEnd);
  const hexId = text.slice(nameEnd + 1, idEnd);
  const encoded = decodeStrictBase64(text.slice(idEnd + 1));
  if (nameEnd < 0 || idEnd < 0 || !isValidKeyName(keyName) || !/^[0-9a-fA-F]{8}$/.test(hexId) || encoded === null) {
    return fail('malformed_key', 'a key is <name>+<8 hex digits>+<base64 key>');
  }
  if (encoded[0] !== ED25519_SIGNATURE_TYPE) return fail('unknown_signature_type', `signature type ${encoded[0]} is not Ed25519`);
  if (encoded.length !== 1 + ED25519_KEY_BYTES) return fail('malformed_key', 'an Ed25519 key is 32 bytes');
  return succeed({ keyName, keyId: Number.parseInt(hexId, 16), key: encoded.subarray(1) });
}

export function parseVerifierKey(text: string): Outcome<NoteVerifier, NoteKeyProblemCode> {
  const parts = splitKey(text);
  if (!parts.ok) return parts;
  const verifier = createNoteVerifier(parts.value.keyName, parts.value.key);
  if (verifier.keyId !== parts.value.keyId) return fail('key_id_mismatch', 'the key id does not match the name and key');
  return succeed(verifier);
}

export function parseSignerKey(text: string): Outcome<NoteSigner, NoteKeyProblemCode> {
  if (!text.startsWith('PRIVATE+KEY+')) return fail('malformed_key', 'a signer key starts with PRIVATE+KEY+');
  const parts = splitKey(text.slice('PRIVATE+KEY+'.length));
  if (!parts.ok) return parts;
  const signer = createNoteSigner(parts.value.keyName, parts.value.key);
  if (signer.keyId !== parts.value.keyId) return fail('key_id_mismatch', 'the key id does not match the name and key');
  return succeed(signer);
}
