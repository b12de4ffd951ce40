import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { runRouterEval } from '../../src/routing/eval-command.ts';
import { arithmeticVersusChatCsv } from '../fixtures/routing/synthetic-prompts.ts';

test('given labelled files on disk, when running the eval, then it reports RouteLLM metrics that beat prompt length', async () => {
  const directory = mkdtempSync(join(tmpdir(), 'lumen-router-eval-'));
  try {
    const trainFile = join(directory, 'train.csv');
    const testFile = join(directory, 'test.csv');
    writeFileSync(trainFile, arithmeticVersusChatCsv(40, 1));
    writeFileSync(testFile, arithmeticVersusChatCsv(40, 2));
    const report = await runRouterEval({ trainFiles: [trainFile], testFiles: [testFile], fitOptions: { kindCount: 4 } });
    assert.is(report.train_rows, 80);
    assert.is(report.test_rows, 80);
    // The labels say the weak model fails arithmetic far more often; chat prompts are padded so
    // that length alone cannot find the arithmetic ones.
    assert.ok(report.apgr > report.length_baseline_apgr + 0.2, `apgr ${report.apgr} vs length ${report.length_baseline_apgr}`);
    assert.ok(report.cpt50 < report.length_baseline_cpt50);
    assert.ok(report.decision_p99_us >= report.decision_p50_us);
  } finally {
    rmSync(directory, { recursive: true, force: true });
  }
});

test.run();
