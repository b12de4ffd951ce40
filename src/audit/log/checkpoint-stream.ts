// The log's signed checkpoints are ledger events (CheckpointPublished in the audit-checkpoints
// stream), so they are hash-linked and sealed like every other fact. This reads the latest one
// and checks its event hash right after reading; its signature is checked by whoever relies on it.
import { CHECKPOINT_STREAM } from '../event-leaf.ts';
import { asLumenEvent } from '../../domain/events.ts';
import { checkEvent } from '../../ledger/hash-chain.ts';
import { decodeEventRow, EVENT_COLUMNS } from '../../ledger/sql/event-rows.ts';
import type { SqlExecutor } from '../../ledger/sql/sql-client.ts';

export interface PublishedCheckpoint {
  /** The CheckpointPublished event's own hash and its version in the checkpoint stream. */
  eventHash: string;
  streamVersion: number;
  origin: string;
  treeSize: number;
  rootHash: Buffer;
  signedNote: string;
}

/** The stored checkpoint event no longer hashes to its hash. */
export class DamagedCheckpoint extends Error {
  readonly code = 'checkpoint_event_damaged';
  override name = 'DamagedCheckpoint';
}

export async function readLatestCheckpoint(executor: SqlExecutor): Promise<PublishedCheckpoint | undefined> {
  const rows = await executor.query(
    `select ${EVENT_COLUMNS} from lumen_events where stream_id = $1 order by stream_version desc limit 1`, [CHECKPOINT_STREAM]);
  if (rows[0] === undefined) return undefined;
  const event = decodeEventRow(rows[0]);
  const problem = checkEvent(event, undefined);
  const published = asLumenEvent(event);
  if (problem !== null) throw new DamagedCheckpoint(`${CHECKPOINT_STREAM}@${event.version}: ${problem.message}`);
  if (published.type !== 'CheckpointPublished') {
    throw new DamagedCheckpoint(`${CHECKPOINT_STREAM}@${event.version} is a ${event.type}, not a CheckpointPublished`);
  }
  return {
    eventHash: event.hash,
    streamVersion: event.version,
    origin: published.data.origin,
    treeSize: published.data.treeSize,
    rootHash: Buffer.from(published.data.rootHash, 'hex'),
    signedNote: published.data.signedNote,
  };
}
