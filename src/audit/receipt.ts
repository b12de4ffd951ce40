// The audit receipt: what `GET /v1/audit/{hash}` answers and what `lumen audit verify` checks
// offline. Hashes are lowercase hex, as everywhere in the ledger. The parts a verifier relies on
// are signed (the checkpoint note) or recomputed (entry hash, leaf hash, roots); every other
// field is a convenience that the verifier compares against the signed or recomputed value.
import { z } from 'zod';

const hashHex = z.string().regex(/^[0-9a-f]{64}$/, 'must be 64 lowercase hex digits');
const treeCount = z.number().int().nonnegative().refine(Number.isSafeInteger, 'must be a safe integer');
/** Receipts stay small: 64 proof hashes cover any tree below 2^63 leaves twice over. */
const proofHashes = z.array(hashHex).max(128);

export const RECEIPT_OBJECT = 'audit.entry';

export const receiptSchema = z.object({
  object: z.literal(RECEIPT_OBJECT),
  /** The event hash: the leaf's input (see event-leaf.ts). */
  hash: hashHex,
  leaf_index: treeCount,
  /** Whether `entry` is present: only the owning account (and the operator) sees the payload. */
  payload_visible: z.boolean(),
  entry: z.object({
    stream_id: z.string().max(400),
    version: treeCount,
    type: z.string().max(200),
    /** The canonical bytes (UTF-8 text) whose SHA-256 is `hash`. */
    canonical: z.string().max(4 * 1024 * 1024),
  }).nullable(),
  chain: z.object({
    previous_hash: hashHex.nullable(),
    /** The next event of the same stream, when there is one; its own receipt links back here. */
    next_hash: hashHex.nullable(),
  }),
  inclusion: z.object({ tree_size: treeCount, proof: proofHashes }),
  checkpoint: z.object({
    origin: z.string().max(200),
    tree_size: treeCount,
    root_hash: hashHex,
    /** The C2SP signed note, exactly as signed. */
    signed_note: z.string().max(10_000),
  }),
  consistency: z.object({ from_size: treeCount, from_root: hashHex, proof: proofHashes }).optional(),
});

export type Receipt = z.infer<typeof receiptSchema>;
