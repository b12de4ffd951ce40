// The admin CLI end to end: `bin/lumen.mjs` runs as its own process against a real gateway, the
// way an operator or a provisioning script would use it. Each CLI start costs about a second
// (tsx plus the gateway's import graph), so every test packs several checks into few runs.
import { spawn, spawnSync } from 'node:child_process';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { ADMIN_KEY, freePort, startTestGateway, type TestGateway } from '../support/gateway.ts';

let gateway: TestGateway;

test.before(async () => { gateway = await startTestGateway(); });
test.after(async () => { await gateway.stop(); });

interface CliRun { status: number | null; stdout: string; stderr: string }

/** Runs `lumen ...` to completion. Only admin calls happen meanwhile, so blocking this process is fine. */
function lumen(args: string[], environment: Record<string, string> = {}): CliRun {
  const result = spawnSync(process.execPath, ['bin/lumen.mjs', ...args], {
    env: { ...process.env, LUMEN_URL: gateway.url, LUMEN_ADMIN_KEY: ADMIN_KEY, ...environment },
    encoding: 'utf8', timeout: 60_000,
  });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

function succeeded(run: CliRun, label: string): CliRun {
  assert.is(run.status, 0, `${label}: exit ${run.status}\n${run.stderr}`);
  return run;
}

/** --json must print exactly one line holding the API's JSON. */
function jsonLine(run: CliRun, label: string): any {
  succeeded(run, label);
  assert.ok(run.stdout.endsWith('\n'), `${label}: ends with a newline`);
  assert.is(run.stdout.trimEnd().split('\n').length, 1, `${label}: one line`);
  return JSON.parse(run.stdout);
}

async function chatStatus(key: string): Promise<number> {
  const response = await fetch(`${gateway.url}/v1/chat/completions`, {
    method: 'POST', headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
    body: JSON.stringify({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }] }),
  });
  await response.arrayBuffer();
  return response.status;
}

test('given a gateway, when accounts are created and shown, then the text describes them and --json prints the API body', async () => {
  const created = succeeded(lumen(['accounts', 'create', '--name', 'CLI account', '--credits-usd', '12.5', '--plan', 'pro']), 'create');
  const accountId = /^created account (\S+)$/m.exec(created.stdout)?.[1];
  assert.ok(accountId, created.stdout);
  assert.match(created.stdout, /name\s+CLI account/);
  assert.match(created.stdout, /plan\s+pro/);
  assert.match(created.stdout, /balance\s+\$12\.50 \(\$12\.50 granted, \$0\.00 spent\)/);

  const shown = jsonLine(lumen(['accounts', 'show', accountId!, '--json']), 'show --json');
  assert.equal(shown, (await gateway.admin('GET', `/v1/admin/accounts/${accountId}`)).body);

  const other = jsonLine(lumen(['accounts', 'create', '--json', '--name', 'Scripted']), 'create --json');
  assert.is(other.object, 'account');
  assert.is(other.name, 'Scripted');
  assert.is(other.credits_usd, 0);
  const otherShown = succeeded(lumen(['accounts', 'show', other.id]), 'show');
  assert.match(otherShown.stdout, new RegExp(`^account ${other.id}$`, 'm'));
  assert.match(otherShown.stdout, /requests\s+0/);
});

test('given an account, when keys are created and revoked by the CLI, then the keys work until revoked', async () => {
  const account = (await gateway.admin('POST', '/v1/admin/accounts', { name: 'Key holder', credits_usd: 5 })).body;

  const created = succeeded(lumen(['keys', 'create', account.id, '--name', 'ops']), 'create');
  assert.match(created.stdout, /allowed models\s+all/);
  const keyId = /^created key (\S+) \(ops\)/m.exec(created.stdout)?.[1];
  const key = created.stdout.trimEnd().split('\n').at(-1)!;
  assert.ok(keyId, created.stdout);
  assert.is(await chatStatus(key), 200);

  // allowed_models holds catalog ids: gpt-4o-mini is only an alias of gpt-test, so it is not named here.
  const limited = jsonLine(lumen(['keys', 'create', account.id, '--json', '--allow-model', 'gpt-test',
    '--allow-model', 'claude-test']), 'create --json');
  assert.equal(limited.allowed_models, ['gpt-test', 'claude-test']);
  assert.is(limited.account_id, account.id);
  assert.ok(limited.key.startsWith(limited.prefix), 'the prefix is the start of the key');
  assert.is(await chatStatus(limited.key), 200);

  const revoked = succeeded(lumen(['keys', 'revoke', account.id, keyId!]), 'revoke');
  assert.match(revoked.stdout, new RegExp(`revoked key ${keyId} of account ${account.id}`));
  assert.is(await chatStatus(key), 401);

  assert.equal(jsonLine(lumen(['keys', 'revoke', account.id, limited.id, '--json']), 'revoke --json'),
    { id: limited.id, object: 'api_key', revoked: true });
  assert.is(await chatStatus(limited.key), 401);
});

test('given an account, when credits are granted by the CLI, then the balance grows by exactly that amount', async () => {
  const account = (await gateway.admin('POST', '/v1/admin/accounts', { name: 'Grantee', credits_usd: 1 })).body;

  const granted = succeeded(lumen(['credits', 'grant', account.id, '--usd', '2.25', '--reason', 'cli test']), 'grant');
  assert.match(granted.stdout, new RegExp(`granted \\$2\\.25 to account ${account.id}; balance is now \\$3\\.25`));

  const body = jsonLine(lumen(['credits', 'grant', account.id, '--json', '--usd', '0.000001']), 'grant --json');
  assert.is(body.balance_micros, 3_250_001);
  assert.equal(body, (await gateway.admin('GET', `/v1/admin/accounts/${account.id}`)).body);
});

test('given a wrong command line, when the CLI runs, then it exits 2 and says what is missing', () => {
  const missingAccount = lumen(['keys', 'create']);
  assert.is(missingAccount.status, 2);
  assert.match(missingAccount.stderr, /missing ACCOUNT_ID/);
  assert.match(missingAccount.stderr, /usage: lumen keys create ACCOUNT_ID/);

  const unknownFlag = lumen(['accounts', 'create', '--name', 'x', '--colour', 'blue']);
  assert.is(unknownFlag.status, 2);
  assert.match(unknownFlag.stderr, /Unknown option '--colour'/);

  const missingFlag = lumen(['credits', 'grant', 'some-account']);
  assert.is(missingFlag.status, 2);
  assert.match(missingFlag.stderr, /missing --usd N/);

  const missingAdminKey = lumen(['accounts', 'show', 'some-account'], { LUMEN_ADMIN_KEY: '' });
  assert.is(missingAdminKey.status, 2);
  assert.match(missingAdminKey.stderr, /missing admin key: set LUMEN_ADMIN_KEY or pass --admin-key/);
  assert.is(missingAdminKey.stdout, '');
});

test('given the gateway refuses, when the CLI runs, then it exits 1 with the message and code on stderr', () => {
  const wrongKey = lumen(['accounts', 'create', '--name', 'Nope', '--admin-key', 'not-the-admin-key']);
  assert.is(wrongKey.status, 1);
  assert.match(wrongKey.stderr, /invalid admin key \(code: invalid_admin_key, HTTP 401\)/);
  assert.is(wrongKey.stdout, '');

  const unknownAccount = lumen(['accounts', 'show', 'no-such-account', '--json']);
  assert.is(unknownAccount.status, 1);
  assert.match(unknownAccount.stderr, /code: account_not_found, HTTP 404/);
  assert.is(unknownAccount.stdout, '');
});

test('given a free port, when `lumen simulate` runs, then it serves /v1/models and stops on SIGTERM', async () => {
  const port = await freePort();
  const child = spawn(process.execPath, ['bin/lumen.mjs', 'simulate', '--port', String(port)], { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  try {
    await new Promise<void>((resolve, reject) => {
      child.stdout.on('data', (chunk) => { output += chunk; if (output.includes('listening on')) resolve(); });
      child.stderr.on('data', (chunk) => { output += chunk; });
      exited.then((code) => reject(new Error(`simulate exited with ${code} before listening:\n${output}`)));
    });
    const response = await fetch(`http://127.0.0.1:${port}/v1/models`);
    assert.is(response.status, 200);
    const models = await response.json() as { data: unknown[] };
    assert.ok(models.data.length > 0, 'lists models');
  } finally {
    child.kill('SIGTERM');
  }
  assert.is(await exited, 0, output);
  assert.match(output, /Simulator stopped after 1 requests/);
});

test.run();
