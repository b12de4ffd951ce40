#!/usr/bin/env node
// Runs every test file in its own Node process (so end-to-end files can own their servers and
// no state leaks between files), sums uvu's totals and ends with the plain closing line
// "<store>: N passed, N failed, N skipped" that CI reads.
//
//   node scripts/run-tests.mjs [filter...]   a filter keeps files whose path contains it
import { spawn } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const filters = process.argv.slice(2);
const concurrency = Number(process.env.LUMEN_TEST_CONCURRENCY ?? 2);

function findTests(directory) {
  return readdirSync(directory).flatMap((name) => {
    const path = join(directory, name);
    if (statSync(path).isDirectory()) return findTests(path);
    return name.endsWith('.test.ts') ? [path] : [];
  });
}

const files = findTests(join(root, 'test'))
  .map((path) => relative(root, path))
  .filter((path) => filters.length === 0 || filters.some((filter) => path.includes(filter)))
  .sort();

const stripAnsi = (text) => text.replace(/\u001b\[[0-9;]*m/g, '');
const totals = { passed: 0, failed: 0, skipped: 0 };
const failedFiles = [];

function runFile(file) {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', file], {
      cwd: root,
      env: { ...process.env, FORCE_COLOR: '0' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (chunk) => (output += chunk));
    child.stderr.on('data', (chunk) => (output += chunk));
    child.on('close', (code) => {
      const text = stripAnsi(output);
      const count = (label) => [...text.matchAll(new RegExp(`^\\s*${label}:\\s+(\\d+)`, 'gm'))]
        .reduce((sum, match) => sum + Number(match[1]), 0);
      const total = count('Total');
      const passed = count('Passed');
      const skipped = count('Skipped');
      // uvu counts skipped tests outside Total.
      const failed = Math.max(total - passed, code === 0 ? 0 : 1);
      totals.passed += passed;
      totals.skipped += skipped;
      totals.failed += failed;
      const status = failed > 0 ? 'FAIL' : 'ok  ';
      process.stdout.write(`${status} ${file} (${passed} passed, ${skipped} skipped)\n`);
      if (failed > 0) {
        failedFiles.push(file);
        process.stdout.write(text.split('\n').map((line) => `    ${line}`).join('\n') + '\n');
      }
      resolve();
    });
  });
}

const queue = [...files];
const workers = Array.from({ length: Math.max(1, concurrency) }, async () => {
  while (queue.length > 0) await runFile(queue.shift());
});
await Promise.all(workers);

const store = process.env.DATABASE_URL ? 'postgresql' : 'embedded';
if (failedFiles.length > 0) process.stdout.write(`failed files: ${failedFiles.join(', ')}\n`);
process.stdout.write(`${store}: ${totals.passed} passed, ${totals.failed} failed, ${totals.skipped} skipped\n`);
process.exitCode = totals.failed > 0 || files.length === 0 ? 1 : 0;
