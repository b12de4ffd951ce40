// The sealer end to end over a real store: events become leaves in global order, a checkpoint
// becomes an event (and later a leaf), receipts carry proofs that the offline verifier accepts,
// and a restarted or second sealer continues the same tree.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { openCheckpoint } from '../../src/audit/checkpoint.ts';
import { CHECKPOINT_STREAM } from '../../src/audit/event-leaf.ts';
import { createNoteVerifier } from '../../src/audit/note-keys.ts';
import { EntryReceipts, type EntryAnswer } from '../../src/audit/log/entry-receipts.ts';
import { Sealer } from '../../src/audit/log/sealer.ts';
import { readTreeState } from '../../src/audit/log/sql-tree.ts';
import { verifyReceipt } from '../../src/audit/verify-receipt.ts';
import type { Receipt } from '../../src/audit/receipt.ts';
import { validateEventPayload } from '../../src/domain/events.ts';
import { openStore } from '../../src/ledger/open-store.ts';
import { auditSigner, auditVerifierKey, keptLogger, referenceRoot, seedLedger } from '../support/audit.ts';
import { openTestStore, usingPostgres, type TestStore } from '../support/store.ts';
import { readAllOnceVisible } from '../support/visible.ts';

let store: TestStore;
const logger = keptLogger();
const owner = { kind: 'account', accountId: 's0' } as const;
const stranger = { kind: 'account', accountId: 'someone-else' } as const;

function newSealer(target: TestStore = store): Sealer {
  return new Sealer({ store: target.store, sql: target.sql, signer: auditSigner, logger, now: () => new Date(),
    onAppend: target.store.onAppend }, { checkpointIntervalMs: 3_600_000, batchEventsMax: 7 });
}

/** Seals until the tree covers every event written so far (another test's open transaction can hold part back). */
async function sealEverything(sealer: Sealer): Promise<number> {
  const expected = (await readAllOnceVisible(store.store, { maxCount: 10_000 })).length;
  for (let attempt = 0; attempt < 200; attempt += 1) {
    await sealer.sealAvailable();
    const { treeSize } = await readTreeState(store.sql);
    if (treeSize >= expected) return treeSize;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  throw new Error('the sealer did not catch up');
}

function receiptOf(answer: EntryAnswer): Receipt {
  if (answer.kind !== 'receipt') throw new Error(`expected a receipt, got ${JSON.stringify(answer)}`);
  return answer.receipt;
}

test.before(async () => {
  store = await openTestStore();
  await seedLedger(store.store, 's', 5);
});
test.after(async () => { await store.dispose(); });

test('given events not yet sealed, then sealed, then checkpointed: pending, pending, then a receipt that verifies', async () => {
  const receipts = new EntryReceipts(store.sql, auditSigner);
  const [opened] = await store.store.readStream('account-s0');
  assert.equal(await receipts.entry(opened!.hash, owner), { kind: 'pending', reason: 'not_sealed', leafIndex: null });

  const sealer = newSealer();
  sealer.start();
  const treeSize = await sealEverything(sealer);
  const log = await readAllOnceVisible(store.store, { maxCount: 10_000 });
  assert.is(treeSize, log.length);
  const leafIndex = log.findIndex((event) => event.hash === opened!.hash);
  assert.equal(await receipts.entry(opened!.hash, owner), { kind: 'pending', reason: 'not_checkpointed', leafIndex });

  const outcome = await sealer.publishCheckpoint();
  assert.ok(outcome.published);
  assert.is(outcome.checkpoint!.treeSize, treeSize);
  assert.equal(outcome.checkpoint!.rootHash, referenceRoot(log), 'the root is RFC 9162 over the event hashes in global order');
  const [published] = await store.store.readStream(CHECKPOINT_STREAM);
  assert.is(published!.type, 'CheckpointPublished');
  assert.is(published!.data.rootHash, referenceRoot(log).toString('hex'));
  const opening = openCheckpoint(String(published!.data.signedNote), [createNoteVerifier(auditSigner.keyName, auditSigner.publicKey)]);
  assert.ok(opening.ok, 'the checkpoint is a signed note by the log key');

  const receipt = receiptOf(await receipts.entry(opened!.hash, owner));
  assert.is(receipt.leaf_index, leafIndex);
  assert.is(receipt.entry?.stream_id, 'account-s0');
  const report = verifyReceipt(receipt, auditVerifierKey);
  assert.ok(report.ok, JSON.stringify(report.checks));
  assert.equal(report.checks.filter((check) => check.status === 'passed').map((check) => check.name),
    ['verifier_key', 'checkpoint_signature', 'checkpoint_fields', 'entry_hash', 'chain_link', 'inclusion_proof']);

  // The checkpoint event itself becomes the next leaf.
  assert.is(await sealEverything(sealer), treeSize + 1);
  await sealer.stop();
  assert.not.ok(logger.lines.some((line) => line.level === 'error'), JSON.stringify(logger.lines));
});

test('given another account, the receipt has the proofs but not the payload, and still verifies', async () => {
  const receipts = new EntryReceipts(store.sql, auditSigner);
  const [opened, granted] = await store.store.readStream('account-s0');
  const receipt = receiptOf(await receipts.entry(opened!.hash, stranger));
  assert.is(receipt.payload_visible, false);
  assert.is(receipt.entry, null);
  assert.is(receipt.chain.next_hash, granted!.hash);
  const report = verifyReceipt(receipt, auditVerifierKey);
  assert.ok(report.ok);
  assert.is(report.checks.find((check) => check.name === 'entry_hash')?.status, 'skipped');
  assert.is(receiptOf(await receipts.entry(opened!.hash, { kind: 'operator' })).payload_visible, true);
  assert.equal(await receipts.entry('ab'.repeat(32), owner), { kind: 'not_found' });
});

test('given a restarted sealer, it resumes the same tree; a second checkpoint extends the first', async () => {
  const receipts = new EntryReceipts(store.sql, auditSigner);
  const first = (await receipts.latestCheckpoint())!;
  const sealer = newSealer();
  sealer.start();
  await seedLedger(store.store, 'r', 3);
  const treeSize = await sealEverything(sealer);
  assert.is(sealer.health().status, 'sealing');
  const second = await sealer.publishCheckpoint();
  assert.ok(second.published);
  assert.is(second.checkpoint!.treeSize, treeSize);
  assert.equal(second.checkpoint!.rootHash, referenceRoot((await readAllOnceVisible(store.store, { maxCount: 10_000 })).slice(0, treeSize)));
  const again = await sealer.publishCheckpoint();
  assert.not.ok(again.published, 'nothing new but the checkpoint itself: no new checkpoint');

  const [request] = await store.store.readStream('request-r-1');
  const receipt = receiptOf(await receipts.entry(request!.hash, { kind: 'account', accountId: 'r1' }, first.treeSize));
  assert.is(receipt.consistency?.from_size, first.treeSize);
  const report = verifyReceipt(receipt, auditVerifierKey, first.signedNote);
  assert.ok(report.ok, JSON.stringify(report.checks));
  assert.is(report.checks.find((check) => check.name === 'consistency_proof')?.status, 'passed');
  assert.equal(await receipts.entry(request!.hash, owner, treeSize + 5), { kind: 'invalid_from_size',
    message: `from_size must be between 1 and the checkpoint's tree size ${treeSize}` });
  await sealer.stop();
});

test('given two sealers on one database at once, every event is sealed exactly once', async () => {
  // On PostgreSQL the second sealer has connections of its own; the embedded store is one
  // process's database, so there the two share it.
  const second = usingPostgres() ? await openStore(store.settings, validateEventPayload) : store;
  const sealers = [newSealer(), newSealer({ ...store, ...second })];
  sealers.forEach((sealer) => sealer.start());
  const writes = Array.from({ length: 20 }, (_, index) => (index % 2 === 0 ? store.store : second.store)
    .append(`account-c${index}`, [{ id: `c-open-${index}`, type: 'AccountOpened', schemaVersion: 1,
      data: { accountId: `c${index}`, name: 'Concurrent', plan: 'free' } }], 'no_stream'));
  await Promise.all([...writes, ...sealers.map((sealer) => sealer.sealAvailable())]);
  const treeSize = await sealEverything(sealers[0]!);
  const log = await readAllOnceVisible(store.store, { maxCount: 10_000 });
  assert.is(treeSize, log.length);
  const outcome = await sealers[1]!.publishCheckpoint();
  assert.equal(outcome.checkpoint!.rootHash, referenceRoot(log));
  for (const sealer of sealers) {
    assert.is(sealer.health().ok, true);
    await sealer.stop();
  }
  if (second !== store) await second.store.close();
});

test.run();
