// Codex (the real CLI, `codex exec`) against a real Lumen process, the simulator upstream: Codex
// speaks the Responses API to POST /v1/responses, which Lumen runs through a chat provider. The
// simulator's [[sim:say ...]] and [[sim:tool ...]] directives make the agent's turns predictable.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { describeRun, isolatedEnvironment, runAgent, temporaryDirectory, type AgentRun } from '../support/agent-cli.ts';
import { startTestGateway, type TestGateway } from '../support/gateway.ts';

const CODEX = join(process.cwd(), 'node_modules/.bin/codex');
const RUN_TIMEOUT_MS = 45_000;

let gateway: TestGateway;
let key: string;
let accountId: string;

test.before(async () => {
  gateway = await startTestGateway();
  ({ key, accountId } = await gateway.newKey({ creditsUsd: 20 }));
});
test.after(async () => { await gateway.stop(); });

// `gpt-5-codex` is a catalog alias Codex has no built-in metadata for, so it sends plain function
// tools (for models it knows it adds freeform custom tools and tool_search, which Lumen refuses).
// Web search is off because it is a hosted tool, which a chat provider cannot run; analytics,
// feedback, OpenTelemetry, update checks and plugins are off so that Codex talks to Lumen only;
// retries are off so a failure shows at once.
function codexConfig(): string {
  return `model = "gpt-5-codex"
model_provider = "lumen"
check_for_update_on_startup = false
web_search = "disabled"

[model_providers.lumen]
name = "Lumen"
base_url = "${gateway.url}/v1"
env_key = "LUMEN_API_KEY"
wire_api = "responses"
request_max_retries = 0
stream_max_retries = 0
stream_idle_timeout_ms = 20000

[analytics]
enabled = false

[feedback]
enabled = false

[otel]
exporter = "none"

# Plugin sync reaches github.com and chatgpt.com at startup; nothing here needs plugins.
[features]
plugins = false
`;
}

interface CodexEvent {
  type: string;
  item?: { type: string; text?: string; aggregated_output?: string; exit_code?: number | null };
}

async function runCodex(prompt: string): Promise<{ run: AgentRun; events: CodexEvent[] }> {
  const codexHome = temporaryDirectory('codex-home');
  writeFileSync(join(codexHome, 'config.toml'), codexConfig());
  const environment = isolatedEnvironment({ HOME: temporaryDirectory('codex-user'), CODEX_HOME: codexHome, LUMEN_API_KEY: key });
  // --strict-config: a misspelt key above (one that would leave telemetry on) fails the test.
  const run = await runAgent(CODEX, ['exec', '--strict-config', '--skip-git-repo-check', '--ephemeral', '--json', '--color', 'never',
    '--sandbox', 'read-only', prompt], { cwd: temporaryDirectory('codex-work'), environment, timeoutMs: RUN_TIMEOUT_MS });
  assert.is(run.timedOut, false, describeRun(run));
  const events = run.stdout.split('\n').filter((line) => line.startsWith('{')).map((line) => JSON.parse(line) as CodexEvent);
  return { run, events };
}

const completedItems = (events: CodexEvent[], type: string) =>
  events.filter((event) => event.type === 'item.completed' && event.item?.type === type).map((event) => event.item!);

async function requestCount(): Promise<number> {
  const account = await gateway.admin<{ requests: number }>('GET', `/v1/admin/accounts/${accountId}`);
  return account.body.requests;
}

test('given a plain prompt, when Codex runs through Lumen, then the turn completes with the said text', async () => {
  const before = await requestCount();
  const { run, events } = await runCodex('Greet me. [[sim:say Hello from Lumen.]]');
  assert.is(run.exitCode, 0, describeRun(run));
  assert.equal(completedItems(events, 'agent_message').map((item) => item.text), ['Hello from Lumen.']);
  assert.ok(events.some((event) => event.type === 'turn.completed'), describeRun(run));
  assert.ok(await requestCount() >= before + 1, 'the call is in the ledger');
});

test('given a prompt directing a shell command, when Codex runs it, then the answer comes from the command output', async () => {
  const before = await requestCount();
  // The shell, not the prompt, computes 42, so the final answer proves the command ran.
  const command = 'echo "[[sim:say The shell computed $((6*7)).]]"';
  const { run, events } = await runCodex(`Run the command. [[sim:tool exec_command ${JSON.stringify({ cmd: command })}]]`);
  assert.is(run.exitCode, 0, describeRun(run));
  const executions = completedItems(events, 'command_execution');
  assert.equal(executions.map((item) => [item.exit_code, item.aggregated_output?.trim()]), [[0, '[[sim:say The shell computed 42.]]']]);
  assert.equal(completedItems(events, 'agent_message').map((item) => item.text), ['The shell computed 42.']);
  assert.ok(await requestCount() >= before + 2, 'the tool call and the final answer are both in the ledger');
});

test.run();
