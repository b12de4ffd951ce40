// `lumen audit ...`: the audit log's key, an offline receipt verifier, and a check of the stored
// tree against the ledger. Exit codes: 0 verified, 1 not verified (or the check found a
// problem), 2 the command line was wrong.
import { existsSync, readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { receiptSchema, type Receipt } from '../audit/receipt.ts';
import { verifyReceipt, type ReceiptReport } from '../audit/verify-receipt.ts';
import { newSignerKey } from '../audit/log/signing-key.ts';
import { createNoteVerifier, parseVerifierKey, verifierKeyOf } from '../audit/note-keys.ts';

const USAGE = `usage:
  lumen audit key [--json]             print the log's public (verifier) key
  lumen audit keygen [--name NAME]     print a new private key for LUMEN_AUDIT_KEY
  lumen audit verify --entry FILE --key KEY_OR_FILE [--checkpoint FILE] [--json]
                                       check a saved GET /v1/audit/{hash} answer offline
  lumen audit check [--key KEY_OR_FILE] check the stored Merkle tree against the ledger
`;

class UsageError extends Error {}

export async function audit(args: string[]): Promise<number> {
  const [name, ...rest] = args;
  try {
    switch (name) {
      case 'key': return await printKey(rest);
      case 'keygen': return keygen(rest);
      case 'verify': return verify(rest);
      case 'check': return await check(rest);
      case undefined: case '--help': case '-h':
        process.stdout.write(USAGE);
        return name === undefined ? 2 : 0;
      default:
        throw new UsageError(`unknown subcommand '${name}'`);
    }
  } catch (error) {
    const usage = error instanceof UsageError || (error as { code?: string }).code?.startsWith('ERR_PARSE_ARGS_');
    if (!usage) throw error;
    process.stderr.write(`lumen audit: ${(error as Error).message}\n${USAGE}`);
    return 2;
  }
}

async function printKey(args: string[]): Promise<number> {
  const { values } = parseArgs({ args, options: { json: { type: 'boolean' } }, strict: true });
  const { loadSettings } = await import('../config/settings.ts');
  const { loadAuditSigner } = await import('../audit/log/signing-key.ts');
  const settings = loadSettings();
  const loaded = loadAuditSigner(settings.audit, settings.store);
  if (!loaded.ok) {
    process.stderr.write(`lumen audit key: ${loaded.reason}\n`);
    return 1;
  }
  const verifierKey = verifierKeyOf(loaded.signer);
  process.stdout.write(values.json === true ? `${JSON.stringify({ origin: loaded.signer.keyName, verifier_key: verifierKey })}\n`
    : `${verifierKey}\n`);
  return 0;
}

function keygen(args: string[]): number {
  const { values } = parseArgs({ args, options: { name: { type: 'string' } }, strict: true });
  const signerKey = newSignerKey(values.name ?? 'lumen.local/ledger');
  process.stdout.write(`${signerKey}\n`);
  return 0;
}

/** A key given as the text itself, a file holding it, or a saved GET /v1/audit/key answer. */
function readVerifierKey(keyOrFile: string): string {
  if (parseVerifierKey(keyOrFile.trim()).ok || !existsSync(keyOrFile)) return keyOrFile.trim();
  const text = readFileSync(keyOrFile, 'utf8').trim();
  if (!text.startsWith('{')) return text;
  const parsed = JSON.parse(text) as { verifier_key?: unknown };
  return typeof parsed.verifier_key === 'string' ? parsed.verifier_key : text;
}

/** An older checkpoint: a signed note, a saved receipt, or a saved GET /v1/audit/checkpoint answer. */
function readCheckpointNote(path: string): string {
  const text = readFileSync(path, 'utf8');
  if (!text.trimStart().startsWith('{')) return text;
  const parsed = JSON.parse(text) as { signed_note?: unknown; checkpoint?: { signed_note?: unknown } };
  const note = parsed.checkpoint?.signed_note ?? parsed.signed_note;
  if (typeof note !== 'string') throw new Error(`${path}: no signed_note in this JSON`);
  return note;
}

function readReceipt(path: string): Receipt | string {
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    return `${path}: ${(error as Error).message}`;
  }
  const parsed = receiptSchema.safeParse(json);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  return `${path} is not an audit receipt: ${issue?.path.join('.') || 'body'}: ${issue?.message}`;
}

function verify(args: string[]): number {
  const { values } = parseArgs({ args, strict: true, options: {
    entry: { type: 'string' }, key: { type: 'string' }, checkpoint: { type: 'string' }, json: { type: 'boolean' } } });
  if (values.entry === undefined) throw new UsageError('missing --entry FILE');
  if (values.key === undefined) throw new UsageError('missing --key KEY_OR_FILE');
  const receipt = readReceipt(values.entry);
  if (typeof receipt === 'string') {
    process.stdout.write(values.json === true ? `${JSON.stringify({ ok: false, checks: [], error: receipt })}\n` : `FAIL  receipt: ${receipt}\n`);
    return 1;
  }
  let oldNote: string | undefined;
  try {
    oldNote = values.checkpoint === undefined ? undefined : readCheckpointNote(values.checkpoint);
  } catch (error) {
    process.stdout.write(`FAIL  old_checkpoint: ${(error as Error).message}\n`);
    return 1;
  }
  const report = verifyReceipt(receipt, readVerifierKey(values.key), oldNote);
  process.stdout.write(values.json === true ? `${JSON.stringify(report)}\n` : describe(report, receipt));
  return report.ok ? 0 : 1;
}

function describe(report: ReceiptReport, receipt: Receipt): string {
  const label = { passed: 'ok  ', failed: 'FAIL', skipped: 'skip' } as const;
  const lines = report.checks.map((check) =>
    `${label[check.status]}  ${check.name}${check.reason === undefined ? '' : ` (${check.reason})`}: ${check.message}`);
  const failed = report.checks.filter((check) => check.status === 'failed').map((check) => check.name);
  const verdict = report.ok
    ? `verified: entry ${receipt.hash} is leaf ${receipt.leaf_index} of ${receipt.checkpoint.origin} at size ${receipt.checkpoint.tree_size}`
    : `NOT VERIFIED: ${failed.join(', ')}`;
  return `${lines.join('\n')}\n${verdict}\n`;
}

async function check(args: string[]): Promise<number> {
  const { values } = parseArgs({ args, options: { key: { type: 'string' } }, strict: true });
  const { loadSettings } = await import('../config/settings.ts');
  const { openSqlClient } = await import('../ledger/open-store.ts');
  const { checkStoredTree } = await import('../audit/log/stored-tree-check.ts');
  const settings = loadSettings();
  let verifier;
  if (values.key !== undefined) {
    const parsed = parseVerifierKey(readVerifierKey(values.key));
    if (!parsed.ok) throw new UsageError(`--key: ${parsed.problem.message}`);
    verifier = parsed.value;
  } else {
    const { loadAuditSigner } = await import('../audit/log/signing-key.ts');
    const loaded = loadAuditSigner(settings.audit, settings.store);
    if (!loaded.ok) throw new UsageError(`${loaded.reason}; or pass --key VERIFIER_KEY`);
    verifier = createNoteVerifier(loaded.signer.keyName, loaded.signer.publicKey);
  }
  const client = await openSqlClient(settings.store);
  try {
    const result = await checkStoredTree(client, verifier);
    if (result.problem === null) {
      process.stdout.write(`ok: ${result.treeSize} leaves match the ledger`
        + `${result.checkpointSize === null ? '' : ` and extend the checkpoint of size ${result.checkpointSize}`}\n`);
      return 0;
    }
    process.stdout.write(`FAILED: ${result.problem.code}: ${result.problem.message}\n`);
    return 1;
  } finally {
    await client.close();
  }
}
