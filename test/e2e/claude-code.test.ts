// Claude Code (the real CLI, in print mode) against a real Lumen process, the simulator upstream:
// every request it makes goes through POST /v1/messages and lands in the ledger. The simulator's
// [[sim:say ...]] and [[sim:tool ...]] directives make the agent's turns predictable.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { describeRun, isolatedEnvironment, runAgent, temporaryDirectory, type AgentRun } from '../support/agent-cli.ts';
import { startTestGateway, type TestGateway } from '../support/gateway.ts';

const CLAUDE = join(process.cwd(), 'node_modules/.bin/claude');
const RUN_TIMEOUT_MS = 45_000;

let gateway: TestGateway;
let key: string;
let accountId: string;

test.before(async () => {
  gateway = await startTestGateway();
  ({ key, accountId } = await gateway.newKey({ creditsUsd: 20 }));
});
test.after(async () => { await gateway.stop(); });

interface PrintResult {
  type: string;
  subtype: string;
  is_error: boolean;
  result: string;
  num_turns: number;
}

// Everything Claude Code may contact besides its API is switched off; the config dir and home are
// fresh, so no login, settings or history of the machine take part.
function claudeEnvironment(home: string): Record<string, string> {
  return isolatedEnvironment({
    HOME: home,
    CLAUDE_CONFIG_DIR: join(home, '.claude'),
    ANTHROPIC_BASE_URL: gateway.url,
    ANTHROPIC_AUTH_TOKEN: key,
    CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC: '1',
    DISABLE_AUTOUPDATER: '1',
    DISABLE_TELEMETRY: '1',
    DISABLE_ERROR_REPORTING: '1',
    DISABLE_BUG_COMMAND: '1',
    CLAUDE_CODE_DISABLE_FEEDBACK_SURVEY: '1',
    // Fail fast instead of backing off through ten retries when something is wrong.
    CLAUDE_CODE_MAX_RETRIES: '1',
    API_TIMEOUT_MS: '30000',
  });
}

async function runClaude(prompt: string, workingDirectory: string, extraArguments: string[] = []): Promise<{ run: AgentRun; result: PrintResult }> {
  const run = await runAgent(CLAUDE, ['-p', prompt, '--output-format', 'json', ...extraArguments],
    { cwd: workingDirectory, environment: claudeEnvironment(temporaryDirectory('claude-home')), timeoutMs: RUN_TIMEOUT_MS });
  assert.is(run.timedOut, false, describeRun(run));
  const line = run.stdout.trim().split('\n').at(-1) ?? '';
  let result: PrintResult;
  try {
    result = JSON.parse(line) as PrintResult;
  } catch {
    throw new Error(`no JSON result from claude\n${describeRun(run)}`);
  }
  return { run, result };
}

async function requestCount(): Promise<number> {
  const account = await gateway.admin<{ requests: number }>('GET', `/v1/admin/accounts/${accountId}`);
  return account.body.requests;
}

test('given a plain prompt, when Claude Code runs through Lumen, then the said text is its successful result', async () => {
  const before = await requestCount();
  const { run, result } = await runClaude('Greet me. [[sim:say Hello from Lumen.]]', temporaryDirectory('claude-work'));
  assert.is(run.exitCode, 0, describeRun(run));
  assert.equal([result.type, result.subtype, result.is_error, result.result], ['result', 'success', false, 'Hello from Lumen.']);
  assert.ok(await requestCount() >= before + 1, 'the call is in the ledger');
});

test('given a prompt directing the Read tool, when Claude Code runs, then it reads the file and answers after the tool result', async () => {
  const workingDirectory = temporaryDirectory('claude-work');
  const notePath = join(workingDirectory, 'note.txt');
  // The note tells the simulated model what to answer once Claude Code has sent back its content.
  writeFileSync(notePath, 'Note for the test: [[sim:say The note was read through Lumen.]]\n');
  const before = await requestCount();
  const prompt = `Read the note. [[sim:tool Read ${JSON.stringify({ file_path: notePath })}]]`;
  const { run, result } = await runClaude(prompt, workingDirectory, ['--allowedTools', 'Read']);
  assert.is(run.exitCode, 0, describeRun(run));
  assert.equal([result.subtype, result.is_error, result.result], ['success', false, 'The note was read through Lumen.']);
  assert.ok(result.num_turns >= 2, `a tool round trip takes two turns, got ${result.num_turns}`);
  assert.ok(await requestCount() >= before + 2, 'the tool call and the final answer are both in the ledger');
});

test.run();
