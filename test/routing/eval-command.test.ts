import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { parseEvalArguments, runRouterCommand } from '../../src/cli/router-command.ts';
import { arithmeticVersusChatCsv } from '../fixtures/routing/synthetic-prompts.ts';

test('given labelled files on disk, when running `router eval`, then one JSON line reports metrics that beat prompt length', async () => {
  const directory = mkdtempSync(join(tmpdir(), 'lumen-router-eval-'));
  try {
    const trainFile = join(directory, 'train.csv');
    const testFile = join(directory, 'test.csv');
    writeFileSync(trainFile, arithmeticVersusChatCsv(40, 1));
    writeFileSync(testFile, arithmeticVersusChatCsv(40, 2));
    let output = '';
    const exitCode = await runRouterCommand(['eval', '--train', trainFile, '--test', testFile], (text) => { output += text; });
    assert.is(exitCode, 0);
    const lines = output.split('\n').filter((line) => line !== '');
    assert.is(lines.length, 1);
    const report = JSON.parse(lines[0] as string) as Record<string, number | string>;
    for (const key of ['apgr', 'cpt50', 'cpt80', 'decision_p50_us', 'decision_p99_us']) assert.type(report[key], 'number', key);
    assert.is(report['train_rows'], 80);
    assert.is(report['test_rows'], 80);
    assert.is(report['strengths_selected_by'], 'cross_validation');
    // The labels say the weak model fails arithmetic far more often; chat prompts are padded so
    // that length alone cannot find the arithmetic ones.
    assert.ok((report['apgr'] as number) > (report['length_baseline_apgr'] as number) + 0.2, JSON.stringify(report));
    assert.ok((report['cpt50'] as number) < (report['length_baseline_cpt50'] as number));
    assert.ok((report['decision_p99_us'] as number) >= (report['decision_p50_us'] as number));
  } finally {
    rmSync(directory, { recursive: true, force: true });
  }
});

test('given eval arguments, when parsing, then files, data folder and strengths are read', () => {
  const parsed = parseEvalArguments(['--train', 'a.csv', 'b.csv', '--test', 'c.csv', '--pooled-strength', '2', '--deviation-strength', '1', '--folds', '5']);
  assert.ok(parsed.ok);
  if (!parsed.ok) return;
  assert.equal(parsed.options.trainFiles, ['a.csv', 'b.csv']);
  assert.equal(parsed.options.testFiles, ['c.csv']);
  assert.equal(parsed.options.fitOptions, { pooledStrength: 2, deviationStrength: 1, crossValidationFolds: 5 });
  assert.ok(parseEvalArguments(['--data-dir', '/data']).ok);
});

test('given bad eval arguments, when parsing, then a message says what is wrong', () => {
  const cases: [string[], RegExp][] = [
    [['--train', 'a.csv'], /both --train and --test/],
    [['--folds'], /needs a value/],
    [['--folds', 'zero'], /positive number/],
    [['--frobnicate'], /unknown option/],
    [['stray.csv'], /unexpected argument/],
  ];
  for (const [argumentList, message] of cases) {
    const parsed = parseEvalArguments(argumentList);
    assert.ok(!parsed.ok && message.test(parsed.message), argumentList.join(' '));
  }
});

test.run();
