// The router learns from feedback, across processes: a gateway serves and records answers, the
// account rates them, `lumen router retune --yes` (another process, on the same PostgreSQL
// database) fits a version from those ratings and publishes it, and the running gateway routes
// with the new version without a restart. PostgreSQL only: the embedded store is a
// single-process database, so the CLI cannot open it beside a running gateway.
import { spawnSync } from 'node:child_process';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { startTestGateway, type TestGateway } from '../support/gateway.ts';

let gateway: TestGateway;
const onPostgres = process.env.DATABASE_URL ? test : test.skip;

test.before(async () => {
  if (process.env.DATABASE_URL) gateway = await startTestGateway({ LUMEN_ROUTER_POLL_MS: '300' });
});
test.after(async () => { await gateway?.stop(); });

const prompts = Array.from({ length: 24 }, (_, index) => `Question ${index}: what is ${index} times ${index + 3}, and why?`);

onPostgres('given ratings that say the cheap model answers badly, a retune publishes a version the running gateway routes with', async () => {
  const { key } = await gateway.newKey({ creditsUsd: 20, allowedModels: ['nano-test', 'mid-test'] });
  const chat = (body: object) => gateway.request('POST', '/v1/chat/completions', { key, body });
  const probe = { model: 'auto', quality_floor: 0.5, max_tokens: 20, messages: [{ role: 'user', content: 'What is 7 times 10, and why?' }] };
  // Given the bootstrap version: the nano tier's profile clears a floor of 0.5, so nano-test wins on cost.
  const before = await chat(probe);
  assert.is(before.status, 200, JSON.stringify(before.body));
  assert.is(before.body.lumen.model, 'nano-test');
  const bootstrapVersion = before.body.lumen.router_version;
  // When the account rates every nano-test answer 1 and every mid-test answer 5 ...
  for (const prompt of prompts) {
    for (const [model, rating] of [['nano-test', 1], ['mid-test', 5]] as const) {
      const answer = await chat({ model, max_tokens: 20, messages: [{ role: 'user', content: prompt }] });
      assert.is(answer.status, 200);
      const rated = await gateway.request('POST', '/v1/feedback', { key, body: { audit_hash: answer.body.lumen.audit_hash, rating } });
      assert.is(rated.status, 201, JSON.stringify(rated.body));
    }
  }
  // ... and the operator retunes from the ledger and publishes.
  const environment = { ...process.env, LUMEN_DB_SCHEMA: gateway.schema, LUMEN_LOG_LEVEL: 'warn' };
  const dryRun = spawnSync(process.execPath, ['bin/lumen.mjs', 'router', 'retune'], { env: environment, encoding: 'utf8', timeout: 120_000 });
  assert.is(dryRun.status, 0, dryRun.stderr);
  const report = JSON.parse(dryRun.stdout.trim().split('\n').at(-1)!);
  assert.is(report.ledger_ratings, prompts.length * 2);
  assert.is(report.live_version, bootstrapVersion);
  const publish = spawnSync(process.execPath, ['bin/lumen.mjs', 'router', 'retune', '--yes'], { env: environment, encoding: 'utf8', timeout: 120_000 });
  assert.is(publish.status, 0, publish.stderr);
  // Then the running gateway picks the new version up and, with it, stops trusting nano-test.
  let after: any;
  for (let attempt = 0; attempt < 40; attempt += 1) {
    after = await chat(probe);
    if (after.body.lumen.router_version !== bootstrapVersion) break;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  assert.is(after.body.lumen.router_version, report.new_version);
  assert.is(after.body.lumen.model, 'mid-test');
  const profiles = await gateway.request('GET', '/v1/router/profiles', { key });
  const nano = profiles.body.data.find((entry: any) => entry.model === 'nano-test');
  assert.equal([nano.own_profile, nano.ratings], [true, prompts.length]);
});

test.run();
