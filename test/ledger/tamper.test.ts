// Tampering directly with stored rows, as a superuser who bypasses the append-only guard
// (session_replication_role = replica disables the triggers). Each tamper runs inside a
// transaction that is rolled back, so the cases do not disturb each other.
import { spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { validateEventPayload } from '../../src/domain/events.ts';
import { openStore } from '../../src/ledger/open-store.ts';
import type { SqlExecutor } from '../../src/ledger/sql/sql-client.ts';
import { verifyLog, type VerifyReport } from '../../src/ledger/sql/verify-log.ts';
import { openTestStore, testStoreSettings, type TestStore } from '../support/store.ts';

let store: TestStore;
let positions: string[] = [];

class RolledBack extends Error {}

async function tamperAndVerify(tamper: (executor: SqlExecutor) => Promise<void>): Promise<VerifyReport> {
  let report: VerifyReport | undefined;
  await store.sql.transaction(async (executor) => {
    await executor.query('set local session_replication_role = replica');
    await tamper(executor);
    report = await verifyLog(executor);
    throw new RolledBack();
  }).catch((error) => { if (!(error instanceof RolledBack)) throw error; });
  return report!;
}

test.before(async () => {
  store = await openTestStore();
  for (let account = 0; account < 4; account += 1) {
    const accountId = `t${account}`;
    await store.store.append(`account-${accountId}`, [
      { id: `open-${accountId}`, type: 'AccountOpened', schemaVersion: 1, data: { accountId, name: `Tamper ${account}`, plan: 'free' } },
      ...[1, 2, 3].map((grant) => ({ id: `grant-${accountId}-${grant}`, type: 'CreditsGranted', schemaVersion: 1,
        data: { accountId, amountMicros: grant * 1000 + account, reason: 'seed' }, metadata: { note: 'ünïcode ✓' } })),
    ], 'no_stream');
  }
  const rows = await store.sql.query('select position::text as position from lumen_events order by transaction_id, position');
  positions = rows.map((row) => String(row.position));
});
test.after(async () => { await store.dispose(); });

test('given an untouched log, verify passes', async () => {
  const report = await verifyLog(store.sql);
  assert.ok(report.ok);
  assert.is(report.eventsChecked, 16);
  assert.is(report.streamsChecked, 4);
});

test('given any one byte of a stored payload changed, verify fails and names that event', async () => {
  await fc.assert(fc.asyncProperty(fc.nat(15), fc.constantFrom('data', 'metadata'), fc.nat(1000), fc.integer({ min: 1, max: 94 }),
    async (eventIndex, column, offsetSeed, delta) => {
      const position = positions[eventIndex]!;
      const report = await tamperAndVerify(async (executor) => {
        const [row] = await executor.query(`select ${column} as text from lumen_events where position = $1`, [position]);
        const bytes = Buffer.from(String(row!.text), 'utf8');
        const offset = offsetSeed % bytes.length;
        // Shift within printable ASCII so the text stays valid UTF-8 and storable.
        const original = bytes[offset]!;
        bytes[offset] = original < 0x80 ? 0x20 + ((original - 0x20 + delta) % 95) : original;
        if (bytes[offset] === original) bytes[offset] = original === 0x41 ? 0x42 : 0x41;
        await executor.query(`update lumen_events set ${column} = $2 where position = $1`, [position, bytes.toString('utf8')]);
      });
      assert.not.ok(report.ok);
      assert.is(report.problem!.position, position);
    }), { numRuns: 40, seed: 7 });
});

test('given other columns altered, verify fails at that event', async () => {
  const target = positions[5]!;
  const alterations = [
    `update lumen_events set type = 'CreditsGrantee' where position = ${target}`,
    `update lumen_events set recorded_at = recorded_at + interval '1 microsecond' where position = ${target}`,
    `update lumen_events set hash = decode(md5('x') || md5('y'), 'hex') where position = ${target}`,
    `update lumen_events set previous_hash = hash where position = ${target}`,
    `update lumen_events set schema_version = 2 where position = ${target}`,
    `update lumen_events set event_id = 'forged' where position = ${target}`,
  ];
  for (const alteration of alterations) {
    const report = await tamperAndVerify(async (executor) => { await executor.query(alteration); });
    assert.not.ok(report.ok, alteration);
    assert.is(report.problem!.position, target, alteration);
  }
});

test('given a deleted row in the middle of a stream, verify reports the gap at the next event', async () => {
  const report = await tamperAndVerify(async (executor) => {
    await executor.query(`delete from lumen_events where position = ${positions[1]}`);
  });
  assert.not.ok(report.ok);
  assert.is(report.problem!.position, positions[2]);
  assert.is(report.problem!.code, 'version_gap');
});

test('given the last event of a stream deleted, verify reports the stream head', async () => {
  const report = await tamperAndVerify(async (executor) => {
    await executor.query(`delete from lumen_events where position = ${positions[15]}`);
  });
  assert.not.ok(report.ok);
  assert.is(report.problem!.code, 'missing_events');
  assert.is(report.problem!.streamId, 'account-t3');
});

test('given two rows of a stream swapped in the log, verify fails at the first of them', async () => {
  const report = await tamperAndVerify(async (executor) => {
    // Rewrite versions 1 and 2 of stream t0 each at the other's position.
    await executor.exec(`
      create temporary table swapped on commit drop as select * from lumen_events where position in (${positions[1]}, ${positions[2]});
      delete from lumen_events where position in (${positions[1]}, ${positions[2]});
      insert into lumen_events overriding system value
        select case when position = ${positions[1]} then ${positions[2]} else ${positions[1]} end, transaction_id, event_id,
          stream_id, stream_version, type, schema_version, data, metadata, recorded_at, previous_hash, hash from swapped;`);
  });
  assert.not.ok(report.ok);
  assert.is(report.problem!.position, positions[1]);
});

test('given a tampered database, the lumen verify command exits non-zero and names the first bad event', async () => {
  const settings = { ...testStoreSettings(), dataDir: process.env.DATABASE_URL ? undefined : mkdtempSync(join(tmpdir(), 'lumen-verify-')) };
  const opened = await openStore(settings, validateEventPayload);
  const result = await opened.store.append('account-cli', [
    { id: 'cli-open', type: 'AccountOpened', schemaVersion: 1, data: { accountId: 'cli', name: 'CLI', plan: 'free' } },
    { id: 'cli-grant', type: 'CreditsGranted', schemaVersion: 1, data: { accountId: 'cli', amountMicros: 5, reason: 'r' } },
  ], 'no_stream');
  await opened.sql.exec(`set session_replication_role = replica;
    update lumen_events set data = replace(data, '"amountMicros":5', '"amountMicros":6') where event_id = 'cli-grant';
    set session_replication_role = origin;`);
  await opened.store.close();
  const environment = { ...process.env, LUMEN_DB_SCHEMA: settings.schema, LUMEN_DATA_DIR: settings.dataDir ?? '' };
  const run = spawnSync(process.execPath, ['bin/lumen.mjs', 'verify'], { env: environment, encoding: 'utf8' });
  assert.is(run.status, 1, run.stderr);
  assert.match(run.stdout, `FAILED at position ${result.events[1]!.global.position}, stream account-cli version 1: hash_mismatch`);
  if (settings.databaseUrl !== undefined) {
    const cleanup = await openTestStore(settings);
    await cleanup.dispose();
  }
});

test.run();
