import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { RouterStore, sha256Hex } from '../../src/gateway/router-store.ts';
import { publishRouterVersion, routerStream, RouterVersions, type PublishedVersion } from '../../src/gateway/router-versions.ts';
import { extractFeatures } from '../../src/routing/features.ts';
import { parseLabelledCsv } from '../../src/routing/dataset.ts';
import type { RatedRequest } from '../../src/routing/parameters.ts';
import { parseRetuneArguments, runRouterCommand } from '../../src/cli/router-command.ts';
import { fitRouterVersion, historyDigest, seedHistory } from '../../src/routing/versioning.ts';
import { arithmeticVersusChatCsv } from '../fixtures/routing/synthetic-prompts.ts';
import { appendRatedHistory, ratedHistoryRows } from '../support/rated-history.ts';
import { openTestStore, testStoreSettings, usingPostgres, type TestStore } from '../support/store.ts';

// The embedded store lives in a folder here, so the command can open it after the test closes it.
const directory = mkdtempSync(join(tmpdir(), 'lumen-router-retune-'));
const settings = { ...testStoreSettings(), dataDir: usingPostgres() ? undefined : join(directory, 'data') };
const environment = { LUMEN_DATA_DIR: join(directory, 'data'), LUMEN_DB_SCHEMA: settings.schema,
  ...(settings.databaseUrl === undefined ? {} : { DATABASE_URL: settings.databaseUrl }) };
const seedDirectory = join(directory, 'seed');
const quick = ['--pooled-strength', '1.5', '--deviation-strength', '0.75'];
const rows = ratedHistoryRows(24);
const seedCsv = arithmeticVersusChatCsv(15, 3);

function seedPrompts() {
  const parsed = parseLabelledCsv(seedCsv, 'seed');
  if (!parsed.ok) throw new Error(parsed.error.message);
  return parsed.prompts;
}

const contaminatedPrompt = seedPrompts()[1]!.prompt;

async function withStore<T>(use: (store: TestStore, routerStore: RouterStore) => Promise<T>): Promise<T> {
  const store = await openTestStore(settings);
  const routerStore = new RouterStore(store.sql);
  try {
    return await use(store, routerStore);
  } finally {
    routerStore.close();
    await store.store.close();
  }
}

async function retune(argumentList: string[]): Promise<{ exitCode: number; output: string; errors: string }> {
  let output = '';
  let errors = '';
  const exitCode = await runRouterCommand(['retune', ...argumentList], (text) => { output += text; },
    { environment, writeError: (text) => { errors += text; } });
  return { exitCode, output, errors };
}

async function routerEvents(): Promise<PublishedVersion[]> {
  return withStore(async (store) => (await store.store.readStream(routerStream)).map((event) => event.data as PublishedVersion));
}

test.before(async () => {
  mkdirSync(seedDirectory);
  writeFileSync(join(seedDirectory, 'synthetic.csv'), seedCsv);
  writeFileSync(join(seedDirectory, 'contaminated_prompts.jsonl'), `${JSON.stringify({ eval_prompt: contaminatedPrompt })}\n`);
  await withStore(async (store, routerStore) => {
    await appendRatedHistory(store.store, routerStore, rows);
    // A small live version to compare against, fitted on part of the same prompts.
    const live = fitRouterVersion(rows.slice(0, 8).map((row) => ({ promptText: row.prompt, modelId: `tier:${row.tier}`, rating: row.rating })),
      'bootstrap', { pooledStrength: 1.5, deviationStrength: 0.75 });
    await publishRouterVersion(store.store, routerStore, { parameters: live.parameters, source: 'bootstrap', report: null,
      history: { ledgerRatings: 0, seedRows: 8, prompts: live.parameters.promptCount, historySha256: live.historySha256 } });
  });
});

test.after(async () => {
  if (usingPostgres()) await (await openTestStore(settings)).dispose();
  rmSync(directory, { recursive: true, force: true });
});

test('given ratings on the ledger, when retuning without --yes, then it reports one JSON line and appends nothing', async () => {
  const { exitCode, output, errors } = await retune(['--seed', seedDirectory, ...quick]);
  assert.is(exitCode, 0, errors);
  const lines = output.split('\n').filter((line) => line !== '');
  assert.is(lines.length, 1);
  const report = JSON.parse(lines[0]!) as Record<string, unknown>;
  assert.is(report['ledger_ratings'], 24);
  // 30 labelled prompts, one of them contaminated: two seed rows for each of the other 29.
  assert.is(report['seed_rows'], 58);
  assert.is(report['decisions_replayed'], 24);
  assert.type(report['decisions_changed'], 'number');
  assert.match(errors, /dry run: nothing published/);
  assert.match(errors, /run again with --yes/);
  assert.is((await routerEvents()).length, 1);
});

test('given ratings on the ledger, when retuning with --yes, then the version is published with its history digest and goes live', async () => {
  const { exitCode, output, errors } = await retune(['--seed', seedDirectory, '--yes', ...quick]);
  assert.is(exitCode, 0, errors);
  const report = JSON.parse(output) as Record<string, unknown>;
  const versions = await routerEvents();
  assert.is(versions.length, 2);
  const published = versions[1]!;
  // The digest covers exactly the ledger's ratings joined with their features, plus the seed rows.
  const history: RatedRequest[] = [
    ...rows.map((row) => ({ features: extractFeatures(row.prompt), modelId: row.model, rating: row.rating })),
    ...seedHistory(seedPrompts().filter((labelled) => labelled.prompt !== contaminatedPrompt)),
  ];
  assert.is(published.history.historySha256, historyDigest(history));
  assert.is(published.version, `retune-${historyDigest(history).slice(0, 12)}`);
  assert.equal(published.history, { ledgerRatings: 24, seedRows: 58, prompts: report['prompts'], historySha256: historyDigest(history) });
  assert.is(published.source, 'retune');
  assert.is(published.previousVersion, versions[0]!.version);
  assert.equal(published.report, report);
  assert.match(errors, /published retune-/);
  await withStore(async (store, routerStore) => {
    const live = new RouterVersions(store.store, routerStore, { pollIntervalMs: 60_000, onError: (error) => { throw error; } });
    await live.start();
    live.close();
    assert.is(live.current().version, published.version);
    assert.is(sha256Hex(JSON.stringify(live.current().parameters)), published.parametersSha256);
  });
});

test('given the version just published, when retuning with --yes again, then nothing is appended', async () => {
  const { exitCode, errors } = await retune(['--seed', seedDirectory, '--yes', ...quick]);
  assert.is(exitCode, 0, errors);
  assert.match(errors, /already live/);
  assert.is((await routerEvents()).length, 2);
});

test('given retune arguments, when parsing, then the seed folder, the cap and the confirmation are read', () => {
  assert.equal(parseRetuneArguments(['--seed', '/data', '--maximum-terms', '5000', '--yes']),
    { ok: true, options: { seedDirectory: '/data', fitOptions: { maximumTerms: 5000 }, publish: true } });
  assert.equal(parseRetuneArguments([]), { ok: true, options: { fitOptions: {}, publish: false } });
  assert.equal(parseRetuneArguments(['--dry-run']), { ok: true, options: { fitOptions: {}, publish: false } });
  const failures: [string[], RegExp][] = [
    [['--yes', '--dry-run'], /not both/],
    [['--seed'], /needs a folder/],
    [['--maximum-terms', '2.5'], /whole number/],
    [['--maximum-terms', '-1'], /positive number/],
    [['--frobnicate'], /unknown option/],
    [['stray'], /unexpected argument/],
  ];
  for (const [argumentList, message] of failures) {
    const parsed = parseRetuneArguments(argumentList);
    assert.ok(!parsed.ok && message.test(parsed.message), argumentList.join(' '));
  }
});

test('given a usage error, when running retune, then it exits with 2 before opening any store', async () => {
  const { exitCode, errors } = await retune(['--yes', '--dry-run']);
  assert.is(exitCode, 2);
  assert.match(errors, /lumen router retune/);
});

test.run();
