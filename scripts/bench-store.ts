// Event store benchmark: append throughput and latency with 1, 16 and 64 concurrent appenders,
// then projection rebuild throughput over the whole log. Prints figures; asserts nothing.
//
//   node --import tsx scripts/bench-store.ts [--store pg|embedded] [--events N] [--rebuild-events N]
//
// pg uses DATABASE_URL (default postgres://postgres@127.0.0.1:5432/test) in a fresh schema that
// is dropped afterwards; embedded uses an in-memory PGlite.
import { randomBytes } from 'node:crypto';
import { ALL_PROJECTIONS } from '../projections/index.ts';
import { validateEventPayload } from '../src/domain/events.ts';
import { openStore } from '../src/ledger/open-store.ts';
import { ProjectionRunner } from '../src/ledger/sql/projection-runner.ts';
import { requestCompleted } from '../test/support/events.ts';
import { dropSchema } from '../test/support/store.ts';

const argument = (name: string, fallback: string) => {
  const index = process.argv.indexOf(`--${name}`);
  return index >= 0 ? process.argv[index + 1]! : fallback;
};
const storeKind = argument('store', 'pg');
const eventsPerRun = Number(argument('events', '20000'));
const rebuildEvents = Number(argument('rebuild-events', '1000000'));
const databaseUrl = storeKind === 'pg' ? (process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test') : undefined;
const schema = `bench_${randomBytes(4).toString('hex')}`;

const { store, sql } = await openStore({ databaseUrl, dataDir: undefined, schema, poolSize: 4 }, validateEventPayload);
let peakRss = process.memoryUsage().rss;
const sampleMemory = setInterval(() => { peakRss = Math.max(peakRss, process.memoryUsage().rss); }, 100);

function charge(appender: number, sequence: number) {
  return requestCompleted({
    id: `${schema}-${appender}-${sequence}-${randomBytes(3).toString('hex')}`, accountId: `bench-${appender % 50}`,
    model: sequence % 2 === 0 ? 'gpt-5-mini' : 'claude-sonnet-4-6', inputTokens: 120 + (sequence % 50), outputTokens: 300,
    costMicros: 1234 + (sequence % 7),
  });
}

const percentile = (sorted: number[], fraction: number) => sorted[Math.min(sorted.length - 1, Math.floor(fraction * sorted.length))]!;

let runCounter = 0;
async function appendRun(appenders: number, total: number) {
  runCounter += 1;
  const latencies: number[] = [];
  let next = 0;
  const started = performance.now();
  await Promise.all(Array.from({ length: appenders }, async (_, appender) => {
    const streamId = `request-${schema}-${runCounter}-${appender}`;
    let version: number | 'no_stream' = 'no_stream';
    while (next < total) {
      next += 1;
      const begin = performance.now();
      const result = await store.append(streamId, [charge(appender, next)], version);
      latencies.push(performance.now() - begin);
      version = result.nextExpectedVersion;
    }
  }));
  const seconds = (performance.now() - started) / 1000;
  latencies.sort((left, right) => left - right);
  return { appenders, events: total, events_per_sec: Math.round(total / seconds),
    p50_ms: +percentile(latencies, 0.5).toFixed(3), p99_ms: +percentile(latencies, 0.99).toFixed(3) };
}

const results = [];
for (const appenders of [1, 16, 64]) {
  const total = appenders === 1 ? Math.min(eventsPerRun, 5000) : eventsPerRun;
  const result = await appendRun(appenders, total);
  results.push(result);
  console.log(JSON.stringify({ store: storeKind, ...result }));
}

// Fill the log up to the rebuild size, then rebuild every projection from zero.
const [{ count }] = await sql.query<{ count: string }>('select count(*)::text as count from lumen_events') as [{ count: string }];
const missing = rebuildEvents - Number(count);
if (missing > 0) {
  const filled = await appendRun(64, missing);
  console.log(JSON.stringify({ store: storeKind, fill: true, ...filled }));
}
const runner = new ProjectionRunner(store, sql, ALL_PROJECTIONS, { batchSize: 5000, pollIntervalMs: 200 });
const rebuildStarted = performance.now();
for (const projection of ALL_PROJECTIONS) await runner.reset(projection);
await runner.catchUp();
const rebuildSeconds = (performance.now() - rebuildStarted) / 1000;
const logSize = Math.max(rebuildEvents, Number(count));
clearInterval(sampleMemory);
const [{ bytes }] = await sql.query<{ bytes: string }>(
  `select (pg_total_relation_size('lumen_events') + pg_total_relation_size('lumen_streams'))::text as bytes`) as [{ bytes: string }];
console.log(JSON.stringify({
  store: storeKind, rebuild_events: logSize, rebuild_sec: +rebuildSeconds.toFixed(2),
  rebuild_events_per_sec: Math.round(logSize / rebuildSeconds), log_bytes_per_event: Math.round(Number(bytes) / logSize),
  peak_rss_mb: Math.round(peakRss / 1024 / 1024),
}));
await store.close();
if (databaseUrl !== undefined) await dropSchema(databaseUrl, schema);
