// Billing benchmark: requests that each place and settle a hold, all on ONE hot account versus
// spread over many accounts, through 1 and through 3 gateway processes sharing one PostgreSQL
// database. Every gateway is a real Lumen process with its own provider simulator (the test
// harness's); load comes from autocannon in this process. Prints one JSON line per scenario
// (requests/s, p50/p99 latency, non-2xx count), asserts nothing.
//
//   DATABASE_URL=postgres://postgres@127.0.0.1:5432/test node --import tsx scripts/bench-billing.ts [--duration-sec 10] [--connections 48]
import autocannon from 'autocannon';
import { startTestGateway, type TestGateway } from '../test/support/gateway.ts';
import { loadAverage } from './bench/processes.ts';

const argument = (name: string, fallback: string) => {
  const index = process.argv.indexOf(`--${name}`);
  return index >= 0 ? process.argv[index + 1]! : fallback;
};
const durationSec = Math.min(60, Number(argument('duration-sec', '10')));
const connections = Math.min(200, Number(argument('connections', '48')));
const SPREAD_ACCOUNTS = 50;
if (!process.env.DATABASE_URL) throw new Error('set DATABASE_URL: three processes need a shared PostgreSQL database');

const body = JSON.stringify({ model: 'gpt-test', max_tokens: 16, messages: [{ role: 'user', content: 'hi' }] });

async function load(urls: string[], keys: string[]) {
  const perTarget = Math.max(1, Math.floor(connections / urls.length));
  const runs = await Promise.all(urls.map((url) => autocannon({
    url: `${url}/v1/chat/completions`, connections: perTarget, duration: durationSec, method: 'POST',
    headers: { 'content-type': 'application/json' }, body,
    setupClient(client: { setHeaders(headers: Record<string, string>): void }) {
      // One key per connection, chosen round-robin: a hot account uses the same key everywhere.
      const key = keys[Math.floor(Math.random() * keys.length)]!;
      client.setHeaders({ 'content-type': 'application/json', authorization: `Bearer ${key}` });
    },
  } as never)));
  const requests = runs.reduce((sum, run: any) => sum + run.requests.total, 0);
  const non2xx = runs.reduce((sum, run: any) => sum + run.non2xx, 0);
  return { requestsPerSecond: Math.round(requests / durationSec), requests, non2xx,
    p50Ms: Math.max(...runs.map((run: any) => run.latency.p50)), p99Ms: Math.max(...runs.map((run: any) => run.latency.p99)) };
}

async function keysFor(gateway: TestGateway, accounts: number): Promise<string[]> {
  const keys: string[] = [];
  for (let index = 0; index < accounts; index += 1) keys.push((await gateway.newKey({ creditsUsd: 1000 })).key);
  return keys;
}

const first = await startTestGateway({ LUMEN_LOG_LEVEL: 'error' });
const others = await Promise.all([0, 1].map(() => startTestGateway({ LUMEN_DB_SCHEMA: first.schema, LUMEN_LOG_LEVEL: 'error' })));
try {
  const hot = await keysFor(first, 1);
  const spread = await keysFor(first, SPREAD_ACCOUNTS);
  await load([first.url], hot); // warm-up
  for (const [processes, urls] of [[1, [first.url]], [3, [first.url, ...others.map((gateway) => gateway.url)]]] as const) {
    for (const [accounts, keys] of [['hot', hot], ['spread', spread]] as const) {
      const figures = await load([...urls], keys);
      console.log(JSON.stringify({ scenario: `${accounts} account${accounts === 'hot' ? '' : 's'}, ${processes} process${processes === 1 ? '' : 'es'}`,
        accounts: accounts === 'hot' ? 1 : SPREAD_ACCOUNTS, processes, connections, durationSec, ...figures, load: loadAverage() }));
    }
  }
} finally {
  for (const gateway of [...others, first]) await gateway.stop();
}
