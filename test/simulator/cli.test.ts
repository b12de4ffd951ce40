// `simulate` command: argument parsing and a full start/stop cycle.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { parseSimulateArguments, runSimulateCommand } from '../../src/simulator/index.ts';

test('given flags, when parsed, then they become simulator options', () => {
  assert.equal(parseSimulateArguments(['--port', '0', '--latency-ms', '25', '--tokens-per-second', '50']), {
    port: 0,
    latencyMs: 25,
    tokensPerSecond: 50,
  });
  assert.equal(parseSimulateArguments([]), { port: 4010 });
  assert.throws(() => parseSimulateArguments(['--latency-ms', 'soon']), /latency-ms/);
});

test('given a bad flag, when run, then it exits with status 2', async () => {
  const written: string[] = [];
  const originalWrite = process.stderr.write.bind(process.stderr);
  process.stderr.write = ((chunk: string) => written.push(chunk) > 0) as typeof process.stderr.write;
  try {
    assert.is(await runSimulateCommand(['--colour', 'blue']), 2);
  } finally {
    process.stderr.write = originalWrite;
  }
  assert.match(written.join(''), 'usage: simulate');
});

test('given a running command, when it prints its URL and gets SIGINT, then it serves and then stops with 0', async () => {
  const written: string[] = [];
  const originalWrite = process.stdout.write.bind(process.stdout);
  process.stdout.write = ((chunk: string) => written.push(chunk) > 0) as typeof process.stdout.write;
  try {
    const running = runSimulateCommand(['--port', '0']);
    while (!written.join('').includes('listening on')) await new Promise((resolve) => setImmediate(resolve));
    const url = /listening on (\S+)/.exec(written.join(''))?.[1] ?? '';
    const models = (await (await fetch(`${url}/v1/models`)).json()) as { data: { id: string }[] };
    assert.ok(models.data.some((model) => model.id === 'sim-gpt-small'));
    process.emit('SIGINT');
    assert.is(await running, 0);
  } finally {
    process.stdout.write = originalWrite;
  }
  assert.match(written.join(''), 'sim-claude-sonnet (mid, chat)');
  assert.match(written.join(''), 'stopped after 1 requests');
});

test.run();
