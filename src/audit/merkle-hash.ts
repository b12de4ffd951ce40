// The hash functions of RFC 9162 section 2.1.1 with SHA-256. The one-byte prefixes keep leaf and
// interior hashes in separate domains, so no leaf can be passed off as an interior node.
import * as crypto from 'node:crypto';

export const HASH_SIZE_BYTES = 32;

const LEAF_PREFIX = Buffer.from([0x00]);
const NODE_PREFIX = Buffer.from([0x01]);

// crypto.hash (Node 20.12+) is about twice as fast as createHash for 65-byte inputs; older
// Node 20 releases lack it, so fall back rather than fail to load.
const sha256: (data: Uint8Array) => Buffer = typeof crypto.hash === 'function'
  ? (data) => crypto.hash('sha256', data, 'buffer')
  : (data) => crypto.createHash('sha256').update(data).digest();

/** SHA-256(0x00 || leaf bytes). */
export function hashLeaf(leaf: Uint8Array): Buffer {
  return sha256(Buffer.concat([LEAF_PREFIX, leaf]));
}

/** SHA-256(0x01 || left || right). */
export function hashChildren(left: Uint8Array, right: Uint8Array): Buffer {
  return sha256(Buffer.concat([NODE_PREFIX, left, right]));
}

/** The Merkle Tree Hash of the empty tree: SHA-256 of the empty string. */
export function emptyRootHash(): Buffer {
  return sha256(Buffer.alloc(0));
}

export function isHashSized(value: Uint8Array): boolean {
  return value.length === HASH_SIZE_BYTES;
}

/** Constant-time comparison is not needed (all inputs are public), only exact equality. */
export function hashesEqual(left: Uint8Array, right: Uint8Array): boolean {
  return Buffer.compare(left, right) === 0;
}
