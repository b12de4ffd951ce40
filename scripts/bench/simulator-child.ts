// The provider simulator in a process of its own, so that the load generator's event loop never
// delays its answers. Prints one JSON line with its url, then serves until SIGTERM or SIGINT.
//
//   node --import tsx scripts/bench/simulator-child.ts [--api-key KEY]
import { startSimulator } from '../../src/simulator/index.ts';

const keyIndex = process.argv.indexOf('--api-key');
const apiKey = keyIndex >= 0 ? process.argv[keyIndex + 1] : 'sim-key';

// Zero latency and unpaced streams: the benchmark measures Lumen, not a pretend provider.
const simulator = await startSimulator({ port: 0, host: '127.0.0.1', latencyMs: 0, tokensPerSecond: 0, apiKey });
process.stdout.write(`${JSON.stringify({ url: simulator.url, pid: process.pid })}\n`);

const stop = async (): Promise<void> => {
  process.off('SIGTERM', stop);
  process.off('SIGINT', stop);
  await simulator.close();
  process.stdout.write(`${JSON.stringify({ stopped: true, requests: simulator.requestCount() })}\n`);
  process.exit(0);
};
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
