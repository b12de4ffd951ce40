// Finance exports through a real gateway: the operator's reports after real calls, the
// reconciliation without differences, CSV and JSON lines, and refusals of bad ranges and keys.
import { spawnSync } from 'node:child_process';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { ADMIN_KEY, startTestGateway, type TestGateway } from '../support/gateway.ts';

let gateway: TestGateway;
test.before(async () => { gateway = await startTestGateway(); });
test.after(async () => { await gateway.stop(); });

const today = new Date().toISOString().slice(0, 10);
const tomorrow = new Date(Date.now() + 86_400_000).toISOString().slice(0, 10);

async function exportText(query: string, key = ADMIN_KEY) {
  const response = await fetch(`${gateway.url}/v1/admin/exports?${query}`, { headers: { authorization: `Bearer ${key}` } });
  return { status: response.status, type: response.headers.get('content-type'), text: await response.text() };
}

test('given real calls, the reconciliation export balances every account and the journal names each movement', async () => {
  const { key, accountId } = await gateway.newKey({ creditsUsd: 2 });
  for (let index = 0; index < 3; index += 1) {
    const response = await fetch(`${gateway.url}/v1/chat/completions`, { method: 'POST',
      headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'gpt-test', max_tokens: 30, messages: [{ role: 'user', content: `hello ${index}` }] }) });
    assert.is(response.status, 200);
  }
  await gateway.admin('GET', `/v1/admin/accounts/${accountId}`); // waits for this process's settlements
  const reconciliation = await exportText(`from=${today}&to=${tomorrow}&report=reconciliation&format=jsonl`);
  assert.is(reconciliation.status, 200);
  assert.match(reconciliation.type ?? '', /ndjson/);
  const rows = reconciliation.text.trim().split('\n').map((line) => JSON.parse(line));
  assert.is(rows[0].report, 'reconciliation');
  assert.is(rows[0].differences, 0);
  const mine = rows.find((row) => row.account_id === accountId);
  assert.is(mine.grants_micros, 2_000_000);
  assert.ok(mine.charges_micros > 0);
  assert.is(mine.difference_micros, 0);
  const journal = await exportText(`from=${today}&to=${tomorrow}&report=journal&format=csv`);
  assert.match(journal.type ?? '', /text\/csv/);
  const lines = journal.text.trim().split('\n');
  assert.is(lines[1], 'time,account,counter_account,amount_micros,kind,reference,event_hash');
  assert.is(lines.filter((line) => line.includes(`customer:${accountId}`) && line.includes(',charge,')).length, 3);
});

test('given bad ranges or no admin key, the export is refused', async () => {
  assert.is((await exportText(`from=${tomorrow}&to=${today}`)).status, 400);
  assert.is((await exportText('from=yesterday&to=today')).status, 400);
  assert.is((await exportText(`from=${today}&to=${tomorrow}&format=xml`)).status, 400);
  assert.is((await exportText(`from=${today}&to=${tomorrow}`, 'sk-lumen-not-admin')).status, 401);
});

// On the embedded store the gateway process holds the data directory: the CLI cannot open it beside it.
const onPostgres = process.env.DATABASE_URL ? test : test.skip;

onPostgres('given the CLI, lumen export prints the same journal the API serves', async () => {
  const environment = { ...process.env, LUMEN_DB_SCHEMA: gateway.schema, LUMEN_LOG_LEVEL: 'warn' };
  const run = spawnSync(process.execPath, ['bin/lumen.mjs', 'export', '--from', today, '--to', tomorrow, '--report', 'journal',
    '--format', 'jsonl'], { env: environment, encoding: 'utf8' });
  assert.is(run.status, 0, run.stderr);
  const api = await exportText(`from=${today}&to=${tomorrow}&report=journal&format=jsonl`);
  assert.is(run.stdout, api.text);
  assert.match(run.stderr, /export journal/);
});

test.run();
