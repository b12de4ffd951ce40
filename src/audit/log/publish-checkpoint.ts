// Publishing a checkpoint: sign the tree head as a C2SP checkpoint note and append it as a
// CheckpointPublished event, expecting the checkpoint stream where the last checkpoint left it.
// Two processes racing both sign; the store lets one append win and the other reads the winner.
import { signCheckpoint } from '../checkpoint.ts';
import { CHECKPOINT_STREAM, checkpointEventId } from '../event-leaf.ts';
import type { NoteSigner } from '../note-keys.ts';
import { StoreError, type EventStore } from '../../ledger/event-store.ts';
import type { SqlExecutor } from '../../ledger/sql/sql-client.ts';
import { readLatestCheckpoint, type PublishedCheckpoint } from './checkpoint-stream.ts';

export interface CheckpointOutcome {
  checkpoint: PublishedCheckpoint | undefined;
  published: boolean;
}

export interface PublishDependencies {
  store: Pick<EventStore, 'append'>;
  sql: SqlExecutor;
  signer: NoteSigner;
  now: () => Date;
}

export async function publishCheckpoint(
  { store, sql, signer, now }: PublishDependencies,
  treeSize: number,
  root: Buffer,
  last: PublishedCheckpoint | undefined,
): Promise<CheckpointOutcome> {
  const origin = signer.keyName;
  const signedNote = signCheckpoint({ origin, treeSize, rootHash: root, extensionLines: [] }, signer);
  try {
    const result = await store.append(CHECKPOINT_STREAM, [{ id: checkpointEventId(treeSize), type: 'CheckpointPublished', schemaVersion: 1,
      data: { origin, treeSize, rootHash: root.toString('hex'), signedNote }, recordedAt: now() }],
    last === undefined ? 'no_stream' : last.streamVersion);
    const recorded = result.events[0]!;
    return { checkpoint: { eventHash: recorded.hash, streamVersion: recorded.version, origin, treeSize, rootHash: root, signedNote },
      published: true };
  } catch (error) {
    if (!(error instanceof StoreError) || !['wrong_expected_version', 'idempotency_conflict'].includes(error.code)) throw error;
    return { checkpoint: await readLatestCheckpoint(sql), published: false };
  }
}
