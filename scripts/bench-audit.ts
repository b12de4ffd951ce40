// Benchmark of the audit log over a real store. Prints figures; asserts nothing on time.
//
//  1. A tree of --leaves synthetic leaves (default 1,000,000) written straight into the Merkle
//     tables: inclusion and consistency proof generation from SQL, and offline verification of
//     the receipts they make (signature, entry hash, inclusion, consistency), p50/p99; the deep
//     start-up check (rebuild from leaves) at that size; table sizes per leaf.
//  2. --events real events (default 100,000) appended through the store, then sealed by the real
//     sealer from zero: events/s; the per-checkpoint checks and a full receipt at that size.
//
//   node --import tsx scripts/bench-audit.ts [--store pg|embedded] [--leaves N] [--events N] [--samples N]
//
// pg uses DATABASE_URL (default postgres://postgres@127.0.0.1:5432/test) in a fresh schema that
// is dropped afterwards; embedded uses an in-memory PGlite.
import { createHash, randomBytes, randomInt } from 'node:crypto';
import { CompactRange } from '../src/audit/compact-range.ts';
import { leafHashOfEvent } from '../src/audit/event-leaf.ts';
import { proveConsistencyBatched, proveInclusionBatched, treeRootBatched } from '../src/audit/merkle.ts';
import { signCheckpoint } from '../src/audit/checkpoint.ts';
import { createNoteSigner, createNoteVerifier, verifierKeyOf } from '../src/audit/note-keys.ts';
import type { Receipt } from '../src/audit/receipt.ts';
import { keptInteriorNodes } from '../src/audit/strata.ts';
import { verifyReceipt } from '../src/audit/verify-receipt.ts';
import { EntryReceipts } from '../src/audit/log/entry-receipts.ts';
import { checkSealedLog } from '../src/audit/log/log-checks.ts';
import { checkNodesMatchLeaves } from '../src/audit/log/rebuild-check.ts';
import { Sealer } from '../src/audit/log/sealer.ts';
import { loadRange, readTreeState, SqlNodeReader, writeSealedBatch } from '../src/audit/log/sql-tree.ts';
import { validateEventPayload } from '../src/domain/events.ts';
import { LOG_START } from '../src/ledger/event-store.ts';
import { openStore } from '../src/ledger/open-store.ts';
import type { SqlClient } from '../src/ledger/sql/sql-client.ts';
import { requestCompleted } from '../test/support/events.ts';
import { dropSchema } from '../test/support/store.ts';

const argument = (name: string, fallback: string) => {
  const index = process.argv.indexOf(`--${name}`);
  return index >= 0 ? process.argv[index + 1]! : fallback;
};
const storeKind = argument('store', 'pg');
const leafCount = Number(argument('leaves', '1000000'));
const eventCount = Number(argument('events', '100000'));
const samples = Number(argument('samples', '2000'));
const databaseUrl = storeKind === 'pg' ? (process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test') : undefined;
const signer = createNoteSigner('lumen.bench/ledger', Buffer.alloc(32, 3));
const verifierKey = verifierKeyOf(signer);
const silent = { info: () => undefined, warn: () => undefined, error: (details: object, message: string) => console.error(message, details) };

function percentiles(durationsMs: number[]): string {
  const sorted = [...durationsMs].sort((left, right) => left - right);
  const at = (fraction: number) => sorted[Math.min(sorted.length - 1, Math.floor(fraction * sorted.length))]!;
  return `p50 ${at(0.5).toFixed(3)} ms   p99 ${at(0.99).toFixed(3)} ms`;
}

async function timeEach(count: number, operation: (sample: number) => Promise<void> | void): Promise<number[]> {
  const durations: number[] = [];
  for (let sample = 0; sample < count; sample += 1) {
    const started = performance.now();
    await operation(sample);
    durations.push(performance.now() - started);
  }
  return durations;
}

async function openBenchStore() {
  const schema = `bench_audit_${randomBytes(4).toString('hex')}`;
  const opened = await openStore({ databaseUrl, dataDir: undefined, schema, poolSize: 4 }, validateEventPayload);
  return { ...opened, async dispose() {
    await opened.store.close();
    if (databaseUrl !== undefined) await dropSchema(databaseUrl, schema);
  } };
}

/** Writes a tree of synthetic event hashes straight into the Merkle tables, as the sealer would. */
async function writeSyntheticTree(sql: SqlClient, count: number): Promise<Buffer> {
  const range = CompactRange.empty();
  const batchLeaves = 20_000;
  for (let start = 0; start < count; start += batchLeaves) {
    const eventHashes = Array.from({ length: Math.min(batchLeaves, count - start) },
      (_, offset) => createHash('sha256').update(`event ${start + offset}`).digest('hex'));
    const nodes = eventHashes.flatMap((hash) => keptInteriorNodes(range.append(leafHashOfEvent(hash))));
    await sql.transaction((executor) => writeSealedBatch(executor, { eventHashes, firstLeafIndex: start, nodes,
      after: { treeSize: range.size, sealedThrough: LOG_START } }));
  }
  return range.root();
}

async function proofsAtScale(): Promise<void> {
  const bench = await openBenchStore();
  try {
    const started = performance.now();
    const root = await writeSyntheticTree(bench.sql, leafCount);
    console.log(`[${storeKind}] wrote ${leafCount} synthetic leaves in ${((performance.now() - started) / 1000).toFixed(1)} s`);
    const reader = new SqlNodeReader(bench.sql);
    if (!(await treeRootBatched(reader, leafCount)).equals(root)) throw new Error('stored root differs');
    const note = signCheckpoint({ origin: signer.keyName, treeSize: leafCount, rootHash: root, extensionLines: [] }, signer);
    const indexes = Array.from({ length: samples }, () => randomInt(0, leafCount));
    const oldSizes = Array.from({ length: samples }, () => randomInt(1, leafCount));
    const receipts: Receipt[] = [];
    const inclusion = await timeEach(samples, async (sample) => {
      const leafIndex = indexes[sample]!;
      const proof = await proveInclusionBatched(reader, leafIndex, leafCount);
      receipts.push({ object: 'audit.entry', hash: createHash('sha256').update(`event ${leafIndex}`).digest('hex'), leaf_index: leafIndex,
        payload_visible: false, entry: null, chain: { previous_hash: null, next_hash: null },
        inclusion: { tree_size: leafCount, proof: proof.map((hash) => hash.toString('hex')) },
        checkpoint: { origin: signer.keyName, tree_size: leafCount, root_hash: root.toString('hex'), signed_note: note } });
    });
    console.log(`[${storeKind}] inclusion proof from SQL at ${leafCount} (${samples}):    ${percentiles(inclusion)}`);
    const consistency = await timeEach(samples, async (sample) => {
      const oldSize = oldSizes[sample]!;
      const [fromRoot, proof] = await Promise.all([treeRootBatched(reader, oldSize), proveConsistencyBatched(reader, oldSize, leafCount)]);
      receipts[sample]!.consistency = { from_size: oldSize, from_root: fromRoot.toString('hex'), proof: proof.map((hash) => hash.toString('hex')) };
    });
    console.log(`[${storeKind}] consistency proof + old root from SQL (${samples}):     ${percentiles(consistency)}`);
    const verification = await timeEach(samples, (sample) => {
      if (!verifyReceipt(receipts[sample]!, verifierKey).ok) throw new Error(`receipt ${sample} does not verify`);
    });
    console.log(`[${storeKind}] offline verification (signature, inclusion, consistency) (${samples}): ${percentiles(verification)}`);
    const deepStarted = performance.now();
    const deep = await checkNodesMatchLeaves(bench.sql, leafCount);
    if (deep !== null) throw new Error(deep.message);
    console.log(`[${storeKind}] deep start-up check (rebuild from leaves) at ${leafCount}: ${((performance.now() - deepStarted) / 1000).toFixed(2)} s`);
    if (databaseUrl !== undefined) {
      const [sizes] = await bench.sql.query(`select pg_total_relation_size('lumen_audit_leaves')::text as leaves,
        pg_total_relation_size('lumen_audit_nodes')::text as nodes`);
      console.log(`[${storeKind}] storage per leaf: leaves ${Math.round(Number(sizes!.leaves) / leafCount)} B, `
        + `nodes ${Math.round(Number(sizes!.nodes) / leafCount)} B (tables and indexes)`);
    }
  } finally {
    await bench.dispose();
  }
}

async function sealingThroughput(): Promise<void> {
  const bench = await openBenchStore();
  try {
    const appendStarted = performance.now();
    let next = 0;
    await Promise.all(Array.from({ length: 64 }, async (_, appender) => {
      while (next < eventCount) {
        next += 1;
        await bench.store.append(`request-bench-${next}`, [requestCompleted({ id: `bench-${next}`, accountId: `account-${appender % 50}` })],
          'no_stream');
      }
    }));
    console.log(`[${storeKind}] appended ${eventCount} events in ${((performance.now() - appendStarted) / 1000).toFixed(1)} s`);
    const sealer = new Sealer({ store: bench.store, sql: bench.sql, signer, logger: silent, now: () => new Date() },
      { checkpointIntervalMs: 86_400_000 });
    // The sealer's own loop seals too; the clock runs from its start until the tree holds every event.
    const sealStarted = performance.now();
    sealer.start();
    let sealed = 0;
    while (sealed < eventCount) {
      await sealer.sealAvailable();
      sealed = (await readTreeState(bench.sql)).treeSize;
    }
    const sealSeconds = (performance.now() - sealStarted) / 1000;
    console.log(`[${storeKind}] sealer: ${sealed} events in ${sealSeconds.toFixed(2)} s = ${Math.round(sealed / sealSeconds)} events/s`);
    const outcome = await sealer.publishCheckpoint();
    await sealer.sealAvailable();
    await sealer.stop();

    const state = await readTreeState(bench.sql);
    const root = (await loadRange(bench.sql, state.treeSize)).root();
    const verifier = createNoteVerifier(signer.keyName, signer.publicKey);
    const checks = await timeEach(5, async () => {
      const report = await checkSealedLog(bench.sql, state, root, verifier);
      if (report.problem !== null) throw new Error(report.problem.message);
    });
    console.log(`[${storeKind}] per-checkpoint checks (leaves vs log, tree vs last checkpoint) at ${state.treeSize}: ${percentiles(checks)}`);
    const receipts = new EntryReceipts(bench.sql, signer);
    const hashes = await bench.sql.query(`select encode(hash, 'hex') as hash from lumen_events order by random() limit ${Math.min(samples, 500)}`);
    let lastReceipt: Receipt | undefined;
    const serving = await timeEach(hashes.length, async (sample) => {
      const answer = await receipts.entry(String(hashes[sample]!.hash), { kind: 'operator' }, 1 + (sample % (outcome.checkpoint!.treeSize - 1)));
      if (answer.kind === 'receipt') lastReceipt = answer.receipt;
    });
    console.log(`[${storeKind}] full receipt (lookup, payload, inclusion + consistency proofs, checked) at ${state.treeSize} (${hashes.length}): `
      + `${percentiles(serving)}`);
    if (lastReceipt !== undefined) {
      console.log(`[${storeKind}] receipt size: ${JSON.stringify(lastReceipt).length} bytes, of which ${lastReceipt.entry?.canonical.length} canonical bytes`);
    }
  } finally {
    await bench.dispose();
  }
}

await proofsAtScale();
await sealingThroughput();
console.log(`peak RSS: ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MB`);
