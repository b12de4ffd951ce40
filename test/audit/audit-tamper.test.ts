// Tampering with a sealed, checkpointed ledger, as a superuser who bypasses the append-only
// guards (session_replication_role = replica disables the triggers). Each case runs in a
// transaction that is rolled back and names who catches it: `lumen verify` (verifyLog), the
// sealer's checks (checkStoredTree, as on start and before each checkpoint), or an outside
// verifier holding the checkpoint published before the tampering.
import { spawnSync } from 'node:child_process';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { signCheckpoint } from '../../src/audit/checkpoint.ts';
import { CompactRange, frontierNodeIds } from '../../src/audit/compact-range.ts';
import { leafHashOfEvent } from '../../src/audit/event-leaf.ts';
import { proveConsistencyBatched, proveInclusionBatched, treeRootBatched, verifyConsistency } from '../../src/audit/merkle.ts';
import { createNoteVerifier } from '../../src/audit/note-keys.ts';
import { keptInteriorNodes } from '../../src/audit/strata.ts';
import { verifyReceipt } from '../../src/audit/verify-receipt.ts';
import { EntryReceipts } from '../../src/audit/log/entry-receipts.ts';
import type { PublishedCheckpoint } from '../../src/audit/log/checkpoint-stream.ts';
import { Sealer } from '../../src/audit/log/sealer.ts';
import { checkLeavesMatchLog } from '../../src/audit/log/log-checks.ts';
import { checkStoredTree, type StoredTreeReport } from '../../src/audit/log/stored-tree-check.ts';
import { SqlNodeReader, readTreeState, writeSealedBatch } from '../../src/audit/log/sql-tree.ts';
import { eventHash } from '../../src/ledger/hash-chain.ts';
import { decodeEventRow, EVENT_COLUMNS } from '../../src/ledger/sql/event-rows.ts';
import type { SqlExecutor } from '../../src/ledger/sql/sql-client.ts';
import { verifyLog, type VerifyReport } from '../../src/ledger/sql/verify-log.ts';
import { auditSigner, auditVerifierKey, keptLogger, seedLedger } from '../support/audit.ts';
import { openTestStore, usingPostgres, type TestStore } from '../support/store.ts';
import { readAllOnceVisible } from '../support/visible.ts';

let store: TestStore;
let checkpoint: PublishedCheckpoint;
const verifier = createNoteVerifier(auditSigner.keyName, auditSigner.publicKey);
class RolledBack extends Error {}

interface Findings { verify: VerifyReport; sealer: StoredTreeReport; executor: SqlExecutor }

/** Tampers, lets every checker look, inspects, then rolls everything back. */
async function tamper(change: (executor: SqlExecutor) => Promise<void>, inspect: (findings: Findings) => Promise<void> = async () => undefined) {
  await store.sql.transaction(async (executor) => {
    await executor.query('set local session_replication_role = replica');
    await change(executor);
    const findings = { verify: await verifyLog(executor), sealer: await checkStoredTree(executor, verifier), executor };
    await inspect(findings);
    throw new RolledBack();
  }).catch((error) => { if (!(error instanceof RolledBack)) throw error; });
}

async function eventAt(executor: SqlExecutor, streamId: string, version: number) {
  const [row] = await executor.query(`select ${EVENT_COLUMNS} from lumen_events where stream_id = $1 and stream_version = $2`,
    [streamId, version]);
  return decodeEventRow(row!);
}

/** Rewrites one event's payload and recomputes its hash and the stream head, as a careful forger would. */
async function rewriteLastEventOfStream(executor: SqlExecutor, streamId: string, version: number, dataJson: string): Promise<string> {
  const event = await eventAt(executor, streamId, version);
  const hash = eventHash({ ...event, dataJson });
  await executor.query(`update lumen_events set data = $3, hash = decode($4, 'hex') where stream_id = $1 and stream_version = $2`,
    [streamId, version, dataJson, hash]);
  await executor.query(`update lumen_streams set last_hash = decode($2, 'hex') where stream_id = $1`, [streamId, hash]);
  return hash;
}

/** Throws the Merkle tables away and seals the (tampered) log again from scratch. */
async function rebuildTree(executor: SqlExecutor): Promise<{ treeSize: number; root: Buffer }> {
  await executor.exec('delete from lumen_audit_leaves; delete from lumen_audit_nodes; delete from lumen_audit_state;');
  const rows = await executor.query(`select ${EVENT_COLUMNS} from lumen_events order by transaction_id, position`);
  const events = rows.map(decodeEventRow);
  const range = CompactRange.empty();
  const nodes = events.flatMap((event) => keptInteriorNodes(range.append(leafHashOfEvent(event.hash))));
  await writeSealedBatch(executor, { eventHashes: events.map((event) => event.hash), firstLeafIndex: 0, nodes,
    after: { treeSize: events.length, sealedThrough: events.at(-1)!.global } });
  return { treeSize: range.size, root: range.root() };
}

test.before(async () => {
  store = await openTestStore();
  await seedLedger(store.store, 't', 4);
  const sealer = new Sealer({ store: store.store, sql: store.sql, signer: auditSigner, logger: keptLogger(), now: () => new Date() },
    { checkpointIntervalMs: 3_600_000 });
  sealer.start();
  const expected = (await readAllOnceVisible(store.store)).length;
  while ((await readTreeState(store.sql)).treeSize < expected) await sealer.sealAvailable();
  checkpoint = (await sealer.publishCheckpoint()).checkpoint!;
  // More history after the checkpoint, sealed but not yet checkpointed.
  await seedLedger(store.store, 'u', 2);
  const more = (await readAllOnceVisible(store.store)).length;
  while ((await readTreeState(store.sql)).treeSize < more) await sealer.sealAvailable();
  await sealer.stop();
});
test.after(async () => { await store.dispose(); });

test('given an untouched log, every checker agrees', async () => {
  await tamper(async () => undefined, async ({ verify, sealer }) => {
    assert.ok(verify.ok);
    assert.is(sealer.problem, null);
    assert.is(sealer.checkpointSize, checkpoint.treeSize);
  });
  if (!usingPostgres()) return;
  const run = lumenAuditCheck();
  assert.is(run.status, 0, run.stdout + run.stderr);
  assert.match(run.stdout, `and extend the checkpoint of size ${checkpoint.treeSize}`);
});

test('given a payload altered in place, lumen verify names it and no receipt is served for it', async () => {
  await tamper(async (executor) => {
    await executor.query(`update lumen_events set data = replace(data, '"amountMicros":1001', '"amountMicros":9001')
      where stream_id = 'account-t1' and stream_version = 1`);
  }, async ({ verify, executor }) => {
    assert.is(verify.problem?.code, 'hash_mismatch');
    assert.is(verify.problem?.streamId, 'account-t1');
    const event = await executor.query(`select encode(hash, 'hex') as hash from lumen_events where stream_id = 'account-t1' and stream_version = 1`);
    const refused = await new EntryReceipts(executor, auditSigner).entry(String(event[0]!.hash), { kind: 'operator' }).catch((error) => error);
    assert.is(refused.code, 'entry_hash_mismatch');
  });
});

test('given a row deleted, lumen verify and the sealer both catch it', async () => {
  await tamper(async (executor) => {
    await executor.query(`delete from lumen_events where stream_id = 'account-t2' and stream_version = 0`);
  }, async ({ verify, sealer }) => {
    assert.is(verify.problem?.code, 'version_gap');
    assert.is(sealer.problem?.code, 'leaf_mismatch');
  });
});

test('given two streams\' events swapped in the global order, lumen verify passes but the sealer catches it', async () => {
  await tamper(async (executor) => {
    // request-t-0's only event and account-t1's first trade places (position and transaction):
    // each stream keeps its own order, only the log's order changes.
    await executor.exec(`
      create temporary table swapped on commit drop as select * from lumen_events
        where (stream_id = 'request-t-0' and stream_version = 0) or (stream_id = 'account-t1' and stream_version = 0);
      delete from lumen_events where event_id in (select event_id from swapped);
      insert into lumen_events overriding system value
        select other.position, other.transaction_id, mine.event_id, mine.stream_id, mine.stream_version, mine.type, mine.schema_version,
          mine.data, mine.metadata, mine.recorded_at, mine.previous_hash, mine.hash
        from swapped mine join swapped other on other.event_id <> mine.event_id;`);
  }, async ({ verify, sealer }) => {
    assert.ok(verify.ok, 'no stream is out of order');
    assert.is(sealer.problem?.code, 'leaf_mismatch');
    assert.match(sealer.problem!.message, /^leaf 2:/);
  });
});

test('given a stream rewritten consistently (hashes and head recomputed), lumen verify passes but the sealer catches it', async () => {
  await tamper(async (executor) => {
    await rewriteLastEventOfStream(executor, 'account-t3', 1, '{"accountId":"t3","amountMicros":999999,"reason":"seed"}');
  }, async ({ verify, sealer }) => {
    assert.ok(verify.ok, 'the rewrite is internally consistent');
    assert.is(sealer.problem?.code, 'leaf_mismatch');
  });
});

test('given the rewrite and the whole tree rebuilt to match, the last checkpoint and an outside verifier catch it', async () => {
  await tamper(async (executor) => {
    await rewriteLastEventOfStream(executor, 'account-t0', 1, '{"accountId":"t0","amountMicros":777777,"reason":"seed"}');
    await rebuildTree(executor);
  }, async ({ verify, sealer, executor }) => {
    assert.ok(verify.ok);
    assert.is(sealer.problem?.code, 'checkpoint_root_mismatch');

    // Even a forger holding the signing key cannot convince someone who kept the old checkpoint.
    const state = await readTreeState(executor);
    const reader = new SqlNodeReader(executor);
    const proof = await proveConsistencyBatched(reader, checkpoint.treeSize, state.treeSize);
    const forgedRoot = CompactRange.resume(state.treeSize, [...await reader.getNodes(frontierNodeIds(state.treeSize))]).root();
    assert.is(verifyConsistency(checkpoint.treeSize, state.treeSize, checkpoint.rootHash, forgedRoot, proof)?.code, 'old_root_mismatch');
    const forgedNote = signCheckpoint({ origin: auditSigner.keyName, treeSize: state.treeSize, rootHash: forgedRoot, extensionLines: [] },
      auditSigner);
    const [rewritten] = await executor.query(`select encode(hash, 'hex') as hash from lumen_events where stream_id = 'account-t0' and stream_version = 1`);
    const receipt = await forgedReceipt(executor, String(rewritten!.hash), forgedNote, state.treeSize, forgedRoot);
    const report = verifyReceipt(receipt, auditVerifierKey, checkpoint.signedNote);
    assert.equal(report.checks.filter((check) => check.status === 'failed').map((check) => check.name), ['consistency_proof']);
  });
});

test('given the checkpoint event rewritten to the rebuilt root without the key, the sealer finds the signature broken', async () => {
  await tamper(async (executor) => {
    await rewriteLastEventOfStream(executor, 'account-t0', 1, '{"accountId":"t0","amountMicros":777777,"reason":"seed"}');
    await rebuildTree(executor);
    const published = await eventAt(executor, 'audit-checkpoints', 0);
    const data = JSON.parse(published.dataJson) as { rootHash: string; signedNote: string };
    const oldRootLine = `\n${Buffer.from(data.rootHash, 'hex').toString('base64')}\n`;
    const forgedRoot = await rootAt(executor, checkpoint.treeSize);
    data.signedNote = data.signedNote.replace(oldRootLine, `\n${forgedRoot.toString('base64')}\n`);
    data.rootHash = forgedRoot.toString('hex');
    await rewriteLastEventOfStream(executor, 'audit-checkpoints', 0, JSON.stringify({ origin: auditSigner.keyName,
      rootHash: data.rootHash, signedNote: data.signedNote, treeSize: checkpoint.treeSize }));
    await rebuildTree(executor);
  }, async ({ verify, sealer }) => {
    assert.ok(verify.ok);
    assert.is(sealer.problem?.code, 'checkpoint_signature');
  });
});

test('given an incremental check (on-demand, after a recent full one), only leaves sealed since are compared', async () => {
  const sinceState = async (executor: SqlExecutor) => {
    const [row] = await executor.query(`select events.transaction_id::text as transaction_text, events.position::text as position_text
      from lumen_audit_leaves leaves join lumen_events events on events.hash = leaves.event_hash where leaves.leaf_index = $1`,
    [checkpoint.treeSize - 1]);
    return { treeSize: checkpoint.treeSize, sealedThrough: { transactionId: BigInt(String(row!.transaction_text)),
      position: BigInt(String(row!.position_text)) } };
  };
  await tamper(async (executor) => {
    await rewriteLastEventOfStream(executor, 'account-u1', 1, '{"accountId":"u1","amountMicros":5,"reason":"seed"}');
  }, async ({ executor }) => {
    const since = await sinceState(executor);
    assert.is((await checkLeavesMatchLog(executor, await readTreeState(executor), since))?.code, 'leaf_mismatch');
  });
  await tamper(async (executor) => {
    await rewriteLastEventOfStream(executor, 'account-t1', 1, '{"accountId":"t1","amountMicros":5,"reason":"seed"}');
  }, async ({ executor, sealer }) => {
    const since = await sinceState(executor);
    assert.is(await checkLeavesMatchLog(executor, await readTreeState(executor), since), null, 'older leaves wait for the next full check');
    assert.is(sealer.problem?.code, 'leaf_mismatch');
  });
});

test('given a committed consistent rewrite, a starting sealer refuses loudly and publishes nothing', async () => {
  await store.sql.transaction(async (executor) => {
    await executor.query('set local session_replication_role = replica');
    await rewriteLastEventOfStream(executor, 'account-t2', 1, '{"accountId":"t2","amountMicros":424242,"reason":"seed"}');
  });
  const logger = keptLogger();
  const sealer = new Sealer({ store: store.store, sql: store.sql, signer: auditSigner, logger, now: () => new Date() });
  sealer.start();
  const refused = await sealer.publishCheckpoint().catch((error) => error);
  assert.is(refused.problem?.code, 'leaf_mismatch');
  assert.equal(sealer.health().ok, false);
  assert.is(sealer.health().status, 'refusing');
  assert.ok(logger.lines.some((line) => line.level === 'error' && line.message.includes('REFUSES')));
  await sealer.stop();
  // The operator's command finds the same (on PostgreSQL: the embedded test store lives in this process only).
  if (!usingPostgres()) return;
  const run = lumenAuditCheck();
  assert.is(run.status, 1, run.stdout + run.stderr);
  assert.match(run.stdout, /^FAILED: leaf_mismatch: leaf \d+: the tree has a leaf sealing/);
});

/** `lumen audit check` against this test's schema (PostgreSQL only). */
function lumenAuditCheck() {
  return spawnSync(process.execPath, ['bin/lumen.mjs', 'audit', 'check', '--key', auditVerifierKey], { encoding: 'utf8',
    timeout: 60_000, env: { ...process.env, LUMEN_DB_SCHEMA: store.settings.schema } });
}

async function rootAt(executor: SqlExecutor, treeSize: number): Promise<Buffer> {
  return treeRootBatched(new SqlNodeReader(executor), treeSize);
}

/** The receipt a forger with the key would serve for the rewritten entry. */
async function forgedReceipt(executor: SqlExecutor, hash: string, note: string, treeSize: number, root: Buffer) {
  const reader = new SqlNodeReader(executor);
  const [leaf] = await executor.query(`select leaf_index::text as leaf_text from lumen_audit_leaves where event_hash = decode($1, 'hex')`, [hash]);
  const leafIndex = Number(leaf!.leaf_text);
  return {
    object: 'audit.entry' as const, hash, leaf_index: leafIndex, payload_visible: false, entry: null,
    chain: { previous_hash: null, next_hash: null },
    inclusion: { tree_size: treeSize, proof: (await proveInclusionBatched(reader, leafIndex, treeSize)).map((item) => item.toString('hex')) },
    checkpoint: { origin: auditSigner.keyName, tree_size: treeSize, root_hash: root.toString('hex'), signed_note: note },
    consistency: { from_size: checkpoint.treeSize, from_root: (await rootAt(executor, checkpoint.treeSize)).toString('hex'),
      proof: (await proveConsistencyBatched(reader, checkpoint.treeSize, treeSize)).map((item) => item.toString('hex')) },
  };
}

test.run();
