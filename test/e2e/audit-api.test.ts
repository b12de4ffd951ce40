// The audit API against a real gateway process: an entry's owner gets its canonical bytes and
// proofs, another account only hashes and proofs, an unknown hash a 404, a fresh entry a 202
// until a checkpoint covers it; and what it serves verifies offline, in process and by the CLI.
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { parseSignerKey, verifierKeyOf } from '../../src/audit/note-keys.ts';
import { KEY_FILE_NAME, newSignerKey } from '../../src/audit/log/signing-key.ts';
import { receiptSchema } from '../../src/audit/receipt.ts';
import { verifyReceipt } from '../../src/audit/verify-receipt.ts';
import { startTestGateway, type TestGateway } from '../support/gateway.ts';

let gateway: TestGateway;
let alice: { accountId: string; key: string };
let bob: { accountId: string; key: string };
// PostgreSQL needs a configured key; the embedded store makes and keeps its own.
const configuredKey = process.env.DATABASE_URL ? newSignerKey('lumen.e2e/ledger') : undefined;

test.before(async () => {
  gateway = await startTestGateway({ LUMEN_AUDIT_CHECKPOINT_INTERVAL_MS: '3600000',
    ...(configuredKey === undefined ? {} : { LUMEN_AUDIT_KEY: configuredKey }) });
  alice = await gateway.newKey();
  bob = await gateway.newKey();
});
test.after(async () => { await gateway.stop(); });

const get = (path: string, key?: string) => gateway.request('GET', path, { key });

async function chatAuditHash(key: string): Promise<string> {
  const response = await fetch(`${gateway.url}/v1/chat/completions`, { method: 'POST',
    headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
    body: JSON.stringify({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'audit me' }] }) });
  assert.is(response.status, 200);
  return ((await response.json()) as any).lumen.audit_hash;
}

/** Asks until the entry is covered, honouring Retry-After; returns every status seen. */
async function receiptOnceCovered(path: string, key: string) {
  const statuses: number[] = [];
  for (let attempt = 0; attempt < 40; attempt += 1) {
    const answer = await get(path, key);
    statuses.push(answer.status);
    if (answer.status !== 202) return { ...answer, statuses };
    assert.match(answer.headers.get('retry-after') ?? '', /^\d+$/);
    await new Promise((resolve) => setTimeout(resolve, Math.min(1000, Number(answer.headers.get('retry-after')) * 250)));
  }
  throw new Error(`never covered: ${statuses.join(',')}`);
}

let verifierKey: string;
let firstReceipt: any;

test('given the public key route, anyone gets the verifier key of the log', async () => {
  const key = await get('/v1/audit/key');
  assert.is(key.status, 200);
  assert.is(key.body.algorithm, 'ed25519');
  verifierKey = key.body.verifier_key;
  if (configuredKey !== undefined) {
    const signer = parseSignerKey(configuredKey);
    if (!signer.ok) throw new Error(signer.problem.message);
    assert.is(verifierKey, verifierKeyOf(signer.value));
  } else {
    assert.is(statSync(join(gateway.dataDir!, KEY_FILE_NAME)).mode & 0o777, 0o600, 'the generated key is kept private');
  }
});

test('given a fresh entry, its owner first gets 202 with Retry-After, then a receipt with the payload that verifies', async () => {
  const hash = await chatAuditHash(alice.key);
  const first = await get(`/v1/audit/${hash}`, alice.key);
  assert.is(first.status, 202);
  assert.is(first.body.object, 'audit.pending');
  assert.ok(['not_sealed', 'not_checkpointed'].includes(first.body.status));
  assert.ok(first.headers.get('retry-after'));

  const covered = await receiptOnceCovered(`/v1/audit/${hash}`, alice.key);
  assert.is(covered.status, 200, JSON.stringify(covered.body));
  const receipt = receiptSchema.parse(covered.body);
  assert.is(receipt.payload_visible, true);
  const canonical = JSON.parse(receipt.entry!.canonical);
  assert.is(canonical.data.accountId, alice.accountId);
  assert.is(canonical.type, 'RequestCompleted');
  const report = verifyReceipt(receipt, verifierKey);
  assert.ok(report.ok, JSON.stringify(report.checks));
  firstReceipt = covered.body;
});

test('given another account, a missing or wrong key, an unknown or malformed hash', async () => {
  const hash = firstReceipt.hash;
  const other = await get(`/v1/audit/${hash}`, bob.key);
  assert.is(other.status, 200);
  assert.is(other.body.payload_visible, false);
  assert.is(other.body.entry, null);
  assert.equal(other.body.inclusion, firstReceipt.inclusion);
  assert.ok(verifyReceipt(receiptSchema.parse(other.body), verifierKey).ok);

  const anonymous = await get(`/v1/audit/${hash}`);
  assert.is(anonymous.status, 401);
  assert.is(anonymous.body.error.code, 'missing_api_key');
  assert.is((await get(`/v1/audit/${hash}`, 'sk-lumen-not-a-key')).status, 401);

  const unknown = await get(`/v1/audit/${randomBytes(32).toString('hex')}`, alice.key);
  assert.is(unknown.status, 404);
  assert.equal(Object.keys(unknown.body.error).sort(), ['code', 'message', 'param', 'type']);
  assert.is(unknown.body.error.code, 'entry_not_found');
  assert.is((await get('/v1/audit/not-a-hash', alice.key)).body.error.code, 'invalid_hash');
  assert.is((await get(`/v1/audit/${hash}?from_size=0`, alice.key)).status, 400);
});

test('given an admin checkpoint, an old receipt is extended by a consistency proof, also through the CLI', async () => {
  await chatAuditHash(bob.key);
  const byAccount = await fetch(`${gateway.url}/v1/audit/checkpoints`, { method: 'POST',
    headers: { authorization: `Bearer ${alice.key}`, 'content-type': 'application/json' }, body: '{}' });
  assert.is(byAccount.status, 401, 'only the operator publishes on demand');
  const published = await gateway.admin('POST', '/v1/audit/checkpoints', {});
  assert.is(published.status, 201, JSON.stringify(published.body));
  assert.ok(published.body.tree_size > firstReceipt.checkpoint.tree_size);
  assert.equal((await get('/v1/audit/checkpoint')).body, published.body);

  const oldSize = firstReceipt.checkpoint.tree_size;
  const extended = await get(`/v1/audit/${firstReceipt.hash}?from_size=${oldSize}`, alice.key);
  assert.is(extended.status, 200);
  assert.is(extended.body.checkpoint.tree_size, published.body.tree_size);
  assert.is(extended.body.consistency.from_size, oldSize);

  const directory = mkdtempSync(join(tmpdir(), 'lumen-audit-e2e-'));
  writeFileSync(join(directory, 'old.json'), JSON.stringify(firstReceipt));
  writeFileSync(join(directory, 'new.json'), JSON.stringify(extended.body));
  const cli = spawnSync(process.execPath, ['bin/lumen.mjs', 'audit', 'verify', '--entry', join(directory, 'new.json'),
    '--key', verifierKey, '--checkpoint', join(directory, 'old.json')], { encoding: 'utf8', timeout: 60_000 });
  assert.is(cli.status, 0, cli.stdout + cli.stderr);
  assert.match(cli.stdout, 'ok    consistency_proof');
  assert.match(cli.stdout, `verified: entry ${firstReceipt.hash}`);

  const health = await get('/healthz');
  assert.is(health.body.audit.ok, true);
  assert.is(health.body.audit.status, 'sealing');
});

test.run();
