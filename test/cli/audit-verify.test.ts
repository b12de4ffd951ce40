// `lumen audit verify` as its own process, offline: no database, no network, only files and a
// key. It passes a genuine receipt and names every check a forged one fails, with exit code 1.
// Each CLI start costs about a second, so each run packs several findings.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { createNoteSigner, parseSignerKey, verifierKeyOf } from '../../src/audit/note-keys.ts';
import { newSignerKey } from '../../src/audit/log/signing-key.ts';
import type { Receipt } from '../../src/audit/receipt.ts';
import { auditSigner, auditVerifierKey, syntheticLog } from '../support/audit.ts';

const directory = mkdtempSync(join(tmpdir(), 'lumen-audit-cli-'));
const log = syntheticLog(50);

function file(name: string, content: unknown): string {
  const path = join(directory, name);
  writeFileSync(path, typeof content === 'string' ? content : JSON.stringify(content, null, 2));
  return path;
}

function lumen(args: string[], environment: Record<string, string> = {}) {
  // No DATABASE_URL and an unusable data directory: verification must not need either.
  const run = spawnSync(process.execPath, ['bin/lumen.mjs', ...args], { encoding: 'utf8', timeout: 60_000,
    env: { ...process.env, DATABASE_URL: '', LUMEN_DATA_DIR: '/nonexistent/lumen', ...environment } });
  return { status: run.status, stdout: run.stdout, stderr: run.stderr };
}

const flipHex = (hex: string) => `${hex[0] === 'f' ? 'e' : 'f'}${hex.slice(1)}`;

test('given a genuine receipt, a key file as served by /v1/audit/key and an older receipt, it verifies', () => {
  const keyFile = file('key.json', { object: 'audit.key', origin: auditSigner.keyName, verifier_key: auditVerifierKey });
  const run = lumen(['audit', 'verify', '--entry', file('new.json', log.receipt(30, 45, 31)), '--key', keyFile,
    '--checkpoint', file('old.json', log.receipt(2, 31))]);
  assert.is(run.status, 0, run.stdout + run.stderr);
  for (const check of ['checkpoint_signature', 'entry_hash', 'chain_link', 'inclusion_proof', 'old_checkpoint', 'consistency_proof']) {
    assert.match(run.stdout, `ok    ${check}:`);
  }
  assert.match(run.stdout, `verified: entry ${log.events[30]!.hash} is leaf 30 of lumen.test/ledger at size 45`);
});

test('given an edited payload, a flipped proof hash and a forged consistency proof, it names all three and exits 1', () => {
  const forged: Receipt = structuredClone(log.receipt(30, 45, 31));
  forged.entry!.canonical = forged.entry!.canonical.replace('"amountMicros":31', '"amountMicros":310');
  forged.inclusion.proof[0] = flipHex(forged.inclusion.proof[0]!);
  forged.consistency!.proof[1] = flipHex(forged.consistency!.proof[1]!);
  const run = lumen(['audit', 'verify', '--entry', file('forged.json', forged), '--key', auditVerifierKey,
    '--checkpoint', file('old.note', log.note(31))]);
  assert.is(run.status, 1, run.stdout + run.stderr);
  assert.match(run.stdout, 'FAIL  entry_hash (hash_mismatch): the canonical bytes hash to');
  assert.match(run.stdout, 'FAIL  inclusion_proof (root_mismatch)');
  assert.match(run.stdout, /FAIL {2}consistency_proof \((old_)?root_mismatch\)/);
  assert.match(run.stdout, 'ok    checkpoint_signature');
  assert.match(run.stdout, 'NOT VERIFIED: entry_hash, inclusion_proof, consistency_proof');
});

test('given a key that did not sign and a broken chain link, both are named', () => {
  const receipt: Receipt = structuredClone(log.receipt(12, 20));
  receipt.chain.previous_hash = log.events[3]!.hash;
  const otherKey = verifierKeyOf(createNoteSigner(auditSigner.keyName, Buffer.alloc(32, 5)));
  const run = lumen(['audit', 'verify', '--entry', file('link.json', receipt), '--key', otherKey, '--json']);
  assert.is(run.status, 1);
  const report = JSON.parse(run.stdout);
  assert.equal(report.checks.filter((check: any) => check.status === 'failed').map((check: any) => `${check.name}:${check.reason}`),
    ['checkpoint_signature:unverified_note', 'chain_link:previous_mismatch']);
});

test('given something that is not a receipt, or no key, it refuses (1) or explains the usage (2)', () => {
  const notReceipt = lumen(['audit', 'verify', '--entry', file('junk.json', { hello: 'world' }), '--key', auditVerifierKey]);
  assert.is(notReceipt.status, 1);
  assert.match(notReceipt.stdout, 'is not an audit receipt');
  const usage = lumen(['audit', 'verify', '--entry', file('ok.json', log.receipt(1, 2))]);
  assert.is(usage.status, 2);
  assert.match(usage.stderr, 'missing --key');
});

test('given LUMEN_AUDIT_KEY, lumen audit key prints its public half', () => {
  const signerKey = newSignerKey('lumen.cli/ledger');
  const run = lumen(['audit', 'key'], { LUMEN_AUDIT_KEY: signerKey });
  assert.is(run.status, 0, run.stderr);
  const signer = parseSignerKey(signerKey);
  if (!signer.ok) throw new Error(signer.problem.message);
  assert.is(run.stdout.trim(), verifierKeyOf(signer.value));
});

test.run();
