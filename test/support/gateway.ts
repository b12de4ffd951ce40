// Starts a real Lumen process on loopback for end-to-end tests, in front of a provider
// simulator started in this process. Each gateway gets its own store: a fresh schema on the
// PostgreSQL server named by DATABASE_URL, or a fresh embedded data directory.
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startSimulator, type RunningSimulator } from '../../src/simulator/index.ts';
import { dropSchema } from './store.ts';

export const ADMIN_KEY = 'test-admin-key-0123456789abcdef';

export interface TestGateway {
  url: string;
  simulator: RunningSimulator;
  schema: string;
  dataDir: string | undefined;
  /** A JSON request with an API key (or none); a string body is sent as is (signed webhooks). */
  request(method: string, path: string, options?: { key?: string; body?: unknown; headers?: Record<string, string> }):
    Promise<{ status: number; headers: Headers; body: any }>;
  admin<T = any>(method: string, path: string, body?: unknown): Promise<{ status: number; body: T }>;
  /** Opens an account with credits and returns a fresh key for it. Accounts default to the Enterprise plan, so that tests of other concerns meet no plan limit. */
  newKey(options?: { creditsUsd?: number; allowedModels?: string[]; plan?: string }):
    Promise<{ accountId: string; keyId: string; key: string }>;
  stop(): Promise<void>;
  output(): string;
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address !== null ? address.port : 0));
    });
  });
}

const CLAUDE_CODE_MODEL_NAMES = [
  'claude-opus-5-5', 'claude-sonnet-5-5', 'claude-haiku-5-5', 'claude-opus-4-8', 'claude-opus-4-7', 'claude-opus-4-6',
  'claude-opus-4-5', 'claude-sonnet-4-5', 'claude-haiku-4-5', 'claude-haiku-4-5-20251001',
];
const CODEX_MODEL_NAMES = ['gpt-5-codex', 'gpt-5', 'gpt-5.1-codex', 'gpt-5.1', 'gpt-5.2-codex', 'gpt-5.2'];

/** A catalog config pointing at the simulator, with models whose upstream names trigger its fault knobs. */
function simulatorConfig(simulatorUrl: string, unreachableUrl: string) {
  const model = (id: string, provider: string, upstream: string, extra: Record<string, unknown> = {}) => ({
    id, provider, upstream, tier: 'small', capabilities: ['chat', 'completions'],
    prices: { input_per_million_usd: '0.15', output_per_million_usd: '0.60', cached_input_per_million_usd: '0.075' },
    context_window: 128000, max_output_tokens: 16384, modalities: { input: ['text', 'image'], output: ['text'] },
    price_version: '2026-11-23', ...extra,
  });
  return {
    providers: [
      { id: 'sim-openai', kind: 'openai', baseUrl: `${simulatorUrl}/v1`, apiKey: 'sim-key' },
      { id: 'sim-anthropic', kind: 'anthropic', baseUrl: simulatorUrl, apiKey: 'sim-key' },
      { id: 'sim-gemini', kind: 'gemini', baseUrl: simulatorUrl, apiKey: 'sim-key' },
      { id: 'nowhere', kind: 'openai', baseUrl: `${unreachableUrl}/v1`, apiKey: 'none' },
    ],
    models: [
      model('gpt-test', 'sim-openai', 'gpt-4o-mini', { aliases: ['gpt-4o-mini'] }),
      model('claude-test', 'sim-anthropic', 'claude-sonnet-4-6', { aliases: ['claude-sonnet-4-6'], capabilities: ['chat'] }),
      model('gemini-test', 'sim-gemini', 'gemini-2.5-flash', { capabilities: ['chat'] }),
      model('embed-test', 'sim-openai', 'text-embedding-3-small', { capabilities: ['embeddings'], tier: 'nano',
        modalities: { input: ['text'], output: ['embedding'] } }),
      model('gemini-embed-test', 'sim-gemini', 'gemini-embedding-001', { capabilities: ['embeddings'], tier: 'nano',
        modalities: { input: ['text'], output: ['embedding'] } }),
      // The names Claude Code and Codex ask for by default, so the agents run unconfigured.
      model('claude-code-test', 'sim-anthropic', 'claude-sonnet-4-6', { capabilities: ['chat'], aliases: CLAUDE_CODE_MODEL_NAMES }),
      model('codex-test', 'sim-openai', 'gpt-5-codex', { aliases: CODEX_MODEL_NAMES }),
      model('image-test', 'sim-openai', 'gpt-image-1', { capabilities: ['images'], modalities: { input: ['text'], output: ['image'] },
        prices: { input_per_million_usd: '0', output_per_million_usd: '0', per_image_usd: '0.04' } }),
      model('transcribe-test', 'sim-openai', 'whisper-1', { capabilities: ['transcriptions'], context_window: 0, max_output_tokens: 0,
        modalities: { input: ['audio'], output: ['text'] },
        prices: { input_per_million_usd: '0', output_per_million_usd: '0', per_audio_second_usd: '0.0001' } }),
      // Billing: an upstream that ignores max_tokens (it always writes 400 tokens), a high-tier model.
      model('ignores-limit', 'sim-openai', 'sim-ignore-max-sim-tokens-400'),
      model('high-test', 'sim-openai', 'gpt-4o', { tier: 'high',
        prices: { input_per_million_usd: '2.50', output_per_million_usd: '10.00' } }),
      // Routing: a model per tier, and the cheapest model of all, whose upstream always fails.
      model('nano-test', 'sim-openai', 'gpt-4.1-nano', { tier: 'nano', prices: { input_per_million_usd: '0.05', output_per_million_usd: '0.20' } }),
      model('mid-test', 'sim-anthropic', 'claude-sonnet-4-6', { tier: 'mid', capabilities: ['chat'],
        prices: { input_per_million_usd: '1.00', output_per_million_usd: '5.00' } }),
      model('broken-nano', 'sim-openai', 'sim-error-500', { tier: 'nano', prices: { input_per_million_usd: '0.01', output_per_million_usd: '0.04' } }),
      model('cut-at-once', 'sim-openai', 'sim-cut-after-0'),
      model('overloaded-claude', 'sim-anthropic', 'claude-sonnet-4-6-sim-overloaded-after-1', { capabilities: ['chat'] }),
      model('rate-limited', 'sim-openai', 'sim-error-429'),
      model('upstream-broken', 'sim-openai', 'sim-error-500'),
      model('cut-stream', 'sim-openai', 'sim-cut-after-3'),
      model('no-usage', 'sim-openai', 'sim-no-usage'),
      model('long-answer', 'sim-openai', 'sim-tokens-50000', { max_output_tokens: 100000 }),
      model('unreachable', 'nowhere', 'gpt-4o-mini'),
    ],
  };
}

export async function startTestGateway(environment: Record<string, string> = {}): Promise<TestGateway> {
  const simulator = await startSimulator({ port: 0, apiKey: 'sim-key' });
  const unreachablePort = await freePort();
  const directory = mkdtempSync(join(tmpdir(), 'lumen-e2e-'));
  const configPath = join(directory, 'lumen.json');
  writeFileSync(configPath, JSON.stringify(simulatorConfig(simulator.url, `http://127.0.0.1:${unreachablePort}`)));
  const port = await freePort();
  const schema = `e2e_${randomBytes(5).toString('hex')}`;
  const dataDir = process.env.DATABASE_URL ? undefined : join(directory, 'data');
  const child: ChildProcess = spawn(process.execPath, ['bin/lumen.mjs', 'serve'], {
    env: { ...process.env, PORT: String(port), HOST: '127.0.0.1', LUMEN_ADMIN_KEY: ADMIN_KEY, LUMEN_CONFIG: configPath,
      LUMEN_DB_SCHEMA: schema, LUMEN_DATA_DIR: dataDir ?? '', LUMEN_LOG_LEVEL: 'warn',
      OPENAI_API_KEY: '', ANTHROPIC_API_KEY: '', GEMINI_API_KEY: '', ...environment },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout!.on('data', (chunk) => { output += chunk; });
  child.stderr!.on('data', (chunk) => { output += chunk; });
  let stopping = false;
  // A gateway that dies in the middle of a test leaves only "connection refused" behind: say why.
  child.once('exit', (code, signal) => {
    if (!stopping) process.stderr.write(`\nthe test gateway exited (${code ?? signal}):\n${output.slice(-4000)}\n`);
  });
  const url = `http://127.0.0.1:${port}`;
  await waitForHealth(url, child, () => output);

  const request: TestGateway['request'] = async (method, path, options = {}) => {
    const { key, body, headers = {} } = options;
    const response = await fetch(`${url}${path}`, { method,
      body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
      headers: { ...(key === undefined ? {} : { authorization: `Bearer ${key}` }), 'content-type': 'application/json', ...headers } });
    return { status: response.status, headers: response.headers, body: await response.json() as any };
  };
  const admin = (method: string, path: string, body?: unknown) => request(method, path, { key: ADMIN_KEY, body });
  return {
    url, simulator, schema, dataDir, request, admin, output: () => output,
    async newKey(options = {}) {
      const account = await admin('POST', '/v1/admin/accounts', { name: 'Test account', credits_usd: options.creditsUsd ?? 10,
        plan: options.plan ?? 'enterprise' });
      const key = await admin('POST', `/v1/admin/accounts/${account.body.id}/keys`,
        { name: 'test', allowed_models: options.allowedModels ?? null });
      return { accountId: account.body.id, keyId: key.body.id, key: key.body.key };
    },
    async stop() {
      stopping = true;
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGTERM');
      await new Promise((resolve) => child.once('exit', resolve));
      await simulator.close();
      if (process.env.DATABASE_URL) await dropSchema(process.env.DATABASE_URL, schema);
    },
  };
}

async function waitForHealth(url: string, child: ChildProcess, output: () => string): Promise<void> {
  for (let attempt = 0; attempt < 300; attempt += 1) {
    if (child.exitCode !== null) throw new Error(`lumen exited with ${child.exitCode}:\n${output()}`);
    try {
      const response = await fetch(`${url}/healthz`);
      if (response.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`lumen did not become healthy:\n${output()}`);
}
