// EventStoreDB identifies events by UUID and only deduplicates repeated appends by that UUID, so
// Lumen's free-form idempotency key is mapped to a UUID that is the same on every machine.
import { createHash } from 'node:crypto';

/**
 * A fixed namespace, hashed in front of every name, so these UUIDs never collide with UUIDs
 * that other software derives from the same strings.
 */
const LUMEN_EVENT_NAMESPACE = Buffer.from('5b0e3f4c9a2d4e7f8c1b6a3d2e9f0a47', 'hex');

/**
 * A name-based UUID: the first 16 bytes of SHA-256(namespace || id) with the version and variant
 * bits set. RFC 9562 reserves version 5 for SHA-1, and recommends version 8 for name-based UUIDs
 * over other hashes (its appendix B.2 shows exactly this SHA-256 construction), so the version
 * nibble is 8; otherwise this is built the way a version 5 UUID is.
 */
export function eventUuid(lumenEventId: string): string {
  const digest = createHash('sha256').update(LUMEN_EVENT_NAMESPACE).update(lumenEventId, 'utf8').digest();
  const bytes = Buffer.from(digest.subarray(0, 16));
  bytes[6] = (bytes[6]! & 0x0f) | 0x80;
  bytes[8] = (bytes[8]! & 0x3f) | 0x80;
  const hex = bytes.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
