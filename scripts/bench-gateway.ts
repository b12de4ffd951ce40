// Gateway benchmark: what Lumen adds on top of a zero-latency provider, on loopback, in one run.
// The simulator and Lumen each run in a child process of their own; this process only generates
// load. Prints one JSON line per figure group, then a summary; asserts nothing.
//
//   node --import tsx scripts/bench-gateway.ts [--store pg|embedded] [--duration-sec N]
//     [--warmup-sec N] [--connections N] [--probe-requests N] [--ttft-requests N] [--cpu-prof-dir DIR]
//     [--lumen-model auto]
//
// --lumen-model names the model sent through Lumen (the direct calls always name the simulator's):
// "auto" measures the routed path (features, predictions for both catalog models, the
// RoutingDecided append) against the same direct calls.
//
// 1. latency: N non-streamed chat requests at one connection, direct and through Lumen,
//    interleaved; p50/p99 of each and of the difference.
// 2. load: requests/s at 50 connections (autocannon), direct vs Lumen, non-streamed and streamed
//    (max_tokens 16), with CPU microseconds per request of the Lumen and simulator processes.
// 3. ttft: time to the first content token of streamed answers at one connection, direct vs Lumen.
// 4. ledger: bytes on disk per RequestCompleted event (events + stream heads + read models).
// 5. memory: peak resident set (VmHWM) of the Lumen process.
// On PostgreSQL also the table work per request (scans, rows written) from pg_stat_user_tables,
// at one connection and over the whole run; an append alone is one insert into two tables.
//
// pg uses DATABASE_URL (default postgres://postgres@127.0.0.1:5432/test) in a fresh schema that
// is dropped afterwards; embedded uses a fresh LUMEN_DATA_DIR under the temporary directory.
// Every line carries the machine's load averages: the other processes on it affect every figure.
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import autocannon from 'autocannon';
import {
  activityPerEvent, directoryBytes, dropSchema, embeddedLedgerSize, postgresLedgerSize, postgresTableActivity,
  type LedgerSize,
} from './bench/ledger-size.ts';
import { milliseconds, percentile, probe, type ProbeSample, type ProbeTarget } from './bench/probe.ts';
import { cpuSeconds, firstJsonLine, freePort, loadAverage, residentMemoryMb, startChild, waitForHealth, type Child } from './bench/processes.ts';

const argument = (name: string, fallback: string) => {
  const index = process.argv.indexOf(`--${name}`);
  return index >= 0 ? process.argv[index + 1]! : fallback;
};
const storeKind = argument('store', 'pg');
if (storeKind !== 'pg' && storeKind !== 'embedded') throw new Error(`--store must be pg or embedded, got ${storeKind}`);
// Every count and duration is bounded: this shares two cores with other work.
const bounded = (name: string, fallback: string, max: number) => {
  const value = Number(argument(name, fallback));
  if (!Number.isInteger(value) || value < 1 || value > max) throw new Error(`--${name} must be an integer in 1..${max}`);
  return value;
};
const durationSec = bounded('duration-sec', '10', 120);
const warmupSec = bounded('warmup-sec', '2', 30);
const connections = bounded('connections', '50', 500);
const probeRequests = bounded('probe-requests', '2000', 20_000);
const ttftRequests = bounded('ttft-requests', '500', 5_000);
const cpuProfileDirectory = process.argv.includes('--cpu-prof-dir') ? argument('cpu-prof-dir', '') : undefined;

const repositoryRoot = fileURLToPath(new URL('..', import.meta.url));
const databaseUrl = storeKind === 'pg' ? (process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test') : undefined;
const schema = `bench_${randomBytes(4).toString('hex')}`;
const workDirectory = mkdtempSync(join(tmpdir(), 'lumen-bench-gateway-'));
const dataDirectory = join(workDirectory, 'data');
const ADMIN_KEY = `bench-admin-${randomBytes(12).toString('hex')}`;
const SIMULATOR_KEY = 'sim-key';
const MODEL = 'gpt-4o-mini';
const LUMEN_MODEL = argument('lumen-model', MODEL);
const PROMPT = 'Summarize in one sentence why an append-only ledger helps an audit.';
const startedAt = Date.now();

const print = (group: string, figures: Record<string, unknown>) =>
  console.log(JSON.stringify({ store: storeKind, lumen_model: LUMEN_MODEL, group, ...figures, load_avg: loadAverage() }));

/** A catalog with one chat model served by the simulator, under the simulator's own model name. */
function catalog(simulatorUrl: string) {
  return {
    providers: [{ id: 'sim-openai', kind: 'openai', baseUrl: `${simulatorUrl}/v1`, apiKey: SIMULATOR_KEY }],
    models: [{
      id: 'bench-chat', aliases: [MODEL], provider: 'sim-openai', upstream: MODEL, tier: 'small', capabilities: ['chat'],
      prices: { input_per_million_usd: '0.15', output_per_million_usd: '0.60', cached_input_per_million_usd: '0.075' },
      context_window: 128000, max_output_tokens: 16384, modalities: { input: ['text'], output: ['text'] },
      price_version: '2026-11-23',
    }, {
      // A second, dearer candidate for "auto", served by the same simulated model.
      id: 'bench-chat-mid', aliases: [], provider: 'sim-openai', upstream: MODEL, tier: 'mid', capabilities: ['chat'],
      prices: { input_per_million_usd: '2.5', output_per_million_usd: '10' },
      context_window: 128000, max_output_tokens: 16384, modalities: { input: ['text'], output: ['text'] },
      price_version: '2026-11-23',
    }],
  };
}

const chatBodyOf = (model: string) => JSON.stringify({ model, messages: [{ role: 'user', content: PROMPT }] });
const streamBodyOf = (model: string) => JSON.stringify({ model, messages: [{ role: 'user', content: PROMPT }], stream: true,
  max_tokens: 16, stream_options: { include_usage: true } });
const chatBody = chatBodyOf(MODEL);
const streamBody = streamBodyOf(MODEL);
const lumenChatBody = chatBodyOf(LUMEN_MODEL);
const lumenStreamBody = streamBodyOf(LUMEN_MODEL);

async function startLumen(simulatorUrl: string): Promise<{ child: Child; url: string }> {
  const configPath = join(workDirectory, 'lumen.json');
  writeFileSync(configPath, JSON.stringify(catalog(simulatorUrl)));
  const port = await freePort();
  const nodeFlags = cpuProfileDirectory === undefined ? [] : ['--cpu-prof', `--cpu-prof-dir=${cpuProfileDirectory}`];
  const child = startChild([...nodeFlags, 'bin/lumen.mjs', 'serve'], {
    PORT: String(port), HOST: '127.0.0.1', LUMEN_ADMIN_KEY: ADMIN_KEY, LUMEN_CONFIG: configPath, LUMEN_DB_SCHEMA: schema,
    DATABASE_URL: databaseUrl ?? '', LUMEN_DATA_DIR: storeKind === 'embedded' ? dataDirectory : '', LUMEN_LOG_LEVEL: 'warn',
    OPENAI_API_KEY: '', ANTHROPIC_API_KEY: '', GEMINI_API_KEY: '',
  }, repositoryRoot);
  const url = `http://127.0.0.1:${port}`;
  await waitForHealth(url, child);
  return { child, url };
}

async function newKey(lumenUrl: string): Promise<string> {
  const admin = async (path: string, body: unknown) => {
    const response = await fetch(`${lumenUrl}${path}`, { method: 'POST', body: JSON.stringify(body),
      headers: { authorization: `Bearer ${ADMIN_KEY}`, 'content-type': 'application/json' } });
    if (!response.ok) throw new Error(`admin ${path}: ${response.status} ${await response.text()}`);
    return await response.json() as { id: string; key: string };
  };
  // Enterprise: the highest rate limits, so the benchmark measures the gateway, not the plan.
  const account = await admin('/v1/admin/accounts', { name: 'Benchmark', credits_usd: 100000, plan: 'enterprise' });
  return (await admin(`/v1/admin/accounts/${account.id}/keys`, { name: 'bench', allowed_models: null })).key;
}

function latencyFigures(samples: ProbeSample[], pick: (sample: ProbeSample) => number) {
  // A streamed answer without any content delta has no first-token time; it is left out.
  const values = samples.map(pick).filter(Number.isFinite);
  return { p50_ms: milliseconds(percentile(values, 0.5)), p99_ms: milliseconds(percentile(values, 0.99)) };
}

/** p50/p99 of each target, and the overhead: Lumen's percentile minus the direct one. */
function compare(direct: ProbeSample[], lumen: ProbeSample[], pick: (sample: ProbeSample) => number) {
  const directFigures = latencyFigures(direct, pick);
  const lumenFigures = latencyFigures(lumen, pick);
  // Pairs were measured back to back, so their differences cancel most of the machine's drift.
  const differences = lumen.map((sample, index) => pick(sample) - pick(direct[index]!)).filter(Number.isFinite);
  return {
    direct: directFigures, lumen: lumenFigures,
    overhead_p50_ms: milliseconds(lumenFigures.p50_ms - directFigures.p50_ms),
    overhead_p99_ms: milliseconds(lumenFigures.p99_ms - directFigures.p99_ms),
    paired_difference_p50_ms: milliseconds(percentile(differences, 0.5)),
  };
}

interface LoadTarget { name: string; url: string; key: string; body: string }

async function load(target: LoadTarget, processes: Array<{ name: string; pid: number }>) {
  const options = { url: target.url, connections, method: 'POST', body: target.body, timeout: 30,
    headers: { authorization: `Bearer ${target.key}`, 'content-type': 'application/json' } };
  await autocannon({ ...options, duration: warmupSec });
  const cpuBefore = processes.map((child) => cpuSeconds(child.pid));
  const benchBefore = process.cpuUsage();
  const result = await autocannon({ ...options, duration: durationSec });
  const benchCpu = process.cpuUsage(benchBefore);
  const ok = result['2xx'];
  const cpuMicrosPerRequest = Object.fromEntries(processes.map((child, index) =>
    [child.name, ok === 0 ? null : Math.round(((cpuSeconds(child.pid) - cpuBefore[index]!) * 1e6) / ok)]));
  cpuMicrosPerRequest['load_generator'] = ok === 0 ? null : Math.round((benchCpu.user + benchCpu.system) / ok);
  return {
    target: target.name, connections, duration_sec: result.duration,
    requests_per_sec: Math.round(ok / result.duration), ok_responses: ok, non_2xx: result.non2xx,
    errors: result.errors, timeouts: result.timeouts,
    latency_p50_ms: result.latency.p50, latency_p99_ms: result.latency.p99,
    cpu_us_per_request: cpuMicrosPerRequest,
  };
}

const children: Child[] = [];
const runLoad = (target: LoadTarget, processes: Array<{ name: string; pid: number }>) => load(target, processes)
  .then((figures) => { print('load', figures); return figures; });

try {
  const loadAtStart = loadAverage();
  const simulator = startChild(['--import', 'tsx', 'scripts/bench/simulator-child.ts', '--api-key', SIMULATOR_KEY], {}, repositoryRoot);
  children.push(simulator);
  const { url: simulatorUrl } = await firstJsonLine<{ url: string }>(simulator);
  const lumen = await startLumen(simulatorUrl);
  children.push(lumen.child);
  const key = await newKey(lumen.url);
  const embeddedBytesAtStart = storeKind === 'embedded' ? directoryBytes(dataDirectory) : 0;

  const directChat = `${simulatorUrl}/v1/chat/completions`;
  const lumenChat = `${lumen.url}/v1/chat/completions`;
  const target = (name: string, url: string, bearer: string, body: string): ProbeTarget =>
    ({ name, url, body, headers: { authorization: `Bearer ${bearer}` } });

  // 1. Added latency at one connection.
  const tableActivity = (settleMs: number) =>
    (databaseUrl === undefined ? undefined : postgresTableActivity(databaseUrl, schema, settleMs));
  const activityBeforeProbe = await tableActivity(11_000);
  const chatProbe = await probe([target('direct', directChat, SIMULATOR_KEY, chatBody), target('lumen', lumenChat, key, lumenChatBody)],
    { count: probeRequests, warmup: Math.min(200, probeRequests), streamed: false });
  const latency = compare(chatProbe.get('direct')!, chatProbe.get('lumen')!, (sample) => sample.totalMs);
  print('latency_1_connection', { requests_each: probeRequests, ...latency });
  const activityAfterProbe = await tableActivity(11_000);

  // 2. Throughput at many connections.
  const watched = [{ name: 'lumen', pid: lumen.child.pid }, { name: 'simulator', pid: simulator.pid }];
  const directLoad = await runLoad({ name: 'direct_chat', url: directChat, key: SIMULATOR_KEY, body: chatBody }, watched);
  const lumenLoad = await runLoad({ name: 'lumen_chat', url: lumenChat, key, body: lumenChatBody }, watched);
  const directStreamLoad = await runLoad({ name: 'direct_stream', url: directChat, key: SIMULATOR_KEY, body: streamBody }, watched);
  const lumenStreamLoad = await runLoad({ name: 'lumen_stream', url: lumenChat, key, body: lumenStreamBody }, watched);

  // 3. Time to first token at one connection.
  const streamProbe = await probe([target('direct', directChat, SIMULATOR_KEY, streamBody), target('lumen', lumenChat, key, lumenStreamBody)],
    { count: ttftRequests, warmup: Math.min(50, ttftRequests), streamed: true });
  const firstToken = compare(streamProbe.get('direct')!, streamProbe.get('lumen')!, (sample) => sample.firstTokenMs ?? NaN);
  const wholeStream = compare(streamProbe.get('direct')!, streamProbe.get('lumen')!, (sample) => sample.totalMs);
  print('ttft_1_connection', { requests_each: ttftRequests, max_tokens: 16, first_token: firstToken, whole_stream: wholeStream });

  // 4 and 5. Memory must be read while Lumen lives; the embedded store's files only after it closed them.
  const memory = residentMemoryMb(lumen.child.pid);
  print('memory', { process: 'lumen', ...memory });
  let ledger: LedgerSize;
  let embeddedDirectory: Record<string, number> = {};
  if (databaseUrl !== undefined) {
    ledger = await postgresLedgerSize(databaseUrl, schema);
    await lumen.child.stop();
  } else {
    await lumen.child.stop();
    ledger = await embeddedLedgerSize(join(dataDirectory, 'pglite'), schema);
    const grown = directoryBytes(dataDirectory) - embeddedBytesAtStart;
    embeddedDirectory = { data_dir_growth_bytes: grown, data_dir_growth_bytes_per_request: Math.round(grown / ledger.requests_completed) };
  }
  const logBytes = ledger.events_bytes + ledger.streams_bytes;
  const allBytes = logBytes + ledger.read_models_bytes + ledger.checkpoints_bytes;
  const bytesPerRequest = Math.round(allBytes / ledger.requests_completed);
  print('ledger', { ...ledger, log_bytes_per_request: Math.round(logBytes / ledger.requests_completed),
    bytes_per_request: bytesPerRequest, ...embeddedDirectory });
  if (activityAfterProbe !== undefined) {
    // Table work per request: an append is one insert into each of lumen_events and lumen_streams;
    // the rest is done by the log's followers (projection runner, key index) that each append wakes.
    const activityAtEnd = (await tableActivity(0))!;
    print('table_activity_per_request', {
      at_1_connection: activityPerEvent(activityBeforeProbe!, activityAfterProbe),
      whole_run: activityPerEvent([], activityAtEnd),
    });
  }

  print('summary', {
    latency_overhead_p50_ms: latency.overhead_p50_ms, latency_overhead_p99_ms: latency.overhead_p99_ms,
    direct_p50_ms: latency.direct.p50_ms, lumen_p50_ms: latency.lumen.p50_ms,
    direct_chat_rps: directLoad.requests_per_sec, lumen_chat_rps: lumenLoad.requests_per_sec,
    lumen_to_direct_rps: +(lumenLoad.requests_per_sec / directLoad.requests_per_sec).toFixed(3),
    direct_stream_rps: directStreamLoad.requests_per_sec, lumen_stream_rps: lumenStreamLoad.requests_per_sec,
    lumen_chat_cpu_us_per_request: lumenLoad.cpu_us_per_request['lumen'],
    lumen_stream_cpu_us_per_request: lumenStreamLoad.cpu_us_per_request['lumen'],
    ttft_p50_ms: firstToken.lumen.p50_ms, ttft_p99_ms: firstToken.lumen.p99_ms, ttft_overhead_p50_ms: firstToken.overhead_p50_ms,
    ledger_bytes_per_request: bytesPerRequest, requests_completed: ledger.requests_completed,
    lumen_peak_rss_mb: memory.peak_rss_mb, load_avg_at_start: loadAtStart,
    wall_sec: Math.round((Date.now() - startedAt) / 1000),
  });
} catch (error) {
  for (const child of children) process.stderr.write(child.output().slice(-4000));
  throw error;
} finally {
  for (const child of children.reverse()) await child.stop();
  if (databaseUrl !== undefined) await dropSchema(databaseUrl, schema);
  rmSync(workDirectory, { recursive: true, force: true });
}
