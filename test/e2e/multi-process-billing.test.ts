// Three gateway processes on one PostgreSQL database, hundreds of concurrent requests against
// one account funded for only a fraction of them: no overspend, every request either answered
// and charged or refused with 402, the charges equal the answers' costs to the micro-dollar,
// no hold left open, and the hash chain verifies afterwards. PostgreSQL only: the embedded
// store belongs to one process.
import { spawnSync } from 'node:child_process';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { startTestGateway, type TestGateway } from '../support/gateway.ts';
import { usingPostgres } from '../support/store.ts';

const REQUESTS_PER_PROCESS = 100;
// Each request holds about 64 micro-dollars (a short prompt, 100 output tokens at $0.60 per
// million) and costs less; $0.0032 funds 50 holds at once.
const CREDITS_USD = 0.0032;

let gateways: TestGateway[] = [];
test.before(async () => {
  if (!usingPostgres()) return;
  const first = await startTestGateway();
  const others = await Promise.all([0, 1].map(() => startTestGateway({ LUMEN_DB_SCHEMA: first.schema })));
  gateways = [first, ...others];
});
test.after(async () => {
  for (const gateway of gateways.slice().reverse()) await gateway.stop();
});

const skipUnlessPostgres = usingPostgres() ? test : test.skip;

skipUnlessPostgres('given three processes and one thinly funded account, concurrent requests never overspend', async () => {
  const [first] = gateways as [TestGateway];
  const { key, accountId } = await first.newKey({ creditsUsd: CREDITS_USD });
  const requests = gateways.flatMap((gateway) => Array.from({ length: REQUESTS_PER_PROCESS }, () => gateway.url));
  const results = await Promise.all(requests.map(async (url) => {
    const response = await fetch(`${url}/v1/chat/completions`, { method: 'POST',
      headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'gpt-test', max_tokens: 100, messages: [{ role: 'user', content: 'hi' }] }) });
    const body = await response.json() as any;
    return { status: response.status, costMicros: response.status === 200 ? Math.round(body.lumen.cost_usd * 1_000_000) : 0,
      code: body.error?.code as string | undefined };
  }));
  const answered = results.filter((result) => result.status === 200);
  const refused = results.filter((result) => result.status === 402);
  assert.is(answered.length + refused.length, results.length, `only 200 and 402: ${JSON.stringify(results.find((result) =>
    result.status !== 200 && result.status !== 402))}`);
  assert.ok(refused.every((result) => result.code === 'insufficient_credits'));
  // A refusal needs the open holds and charges to fill the credit, so at least 50 are answered;
  // and the credit cannot pay for all of them.
  assert.ok(answered.length >= 50, `${answered.length} answered`);
  assert.ok(refused.length > 0, 'the account was funded for only a fraction');

  // Every process settles its own holds; wait until none is open, then compare to the micro.
  let account = await first.admin('GET', `/v1/admin/accounts/${accountId}`);
  for (let attempt = 0; attempt < 100 && account.body.open_holds > 0; attempt += 1) {
    await new Promise((resolve) => setTimeout(resolve, 100));
    account = await first.admin('GET', `/v1/admin/accounts/${accountId}`);
  }
  assert.is(account.body.open_holds, 0);
  const charged = answered.reduce((sum, result) => sum + result.costMicros, 0);
  assert.is(Math.round(account.body.spent_usd * 1_000_000), charged, 'charges equal the answered costs');
  assert.ok(charged <= CREDITS_USD * 1_000_000, 'no overspend');
  assert.is(account.body.requests, answered.length, 'refused requests never reached a provider');

  const verify = spawnSync(process.execPath, ['bin/lumen.mjs', 'verify'], { encoding: 'utf8',
    env: { ...process.env, LUMEN_DB_SCHEMA: first.schema, LUMEN_LOG_LEVEL: 'warn' } });
  assert.is(verify.status, 0, verify.stdout + verify.stderr);
});

test.run();
