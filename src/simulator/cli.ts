// `lumen simulate`: runs the provider simulator in the foreground until SIGINT or SIGTERM.
import { parseArgs } from 'node:util';
import { SIMULATED_MODELS } from './models.ts';
import type { SimulatorOptions } from './server.ts';
import { startSimulator } from './server.ts';

const USAGE = 'usage: simulate [--port N] [--host H] [--latency-ms N] [--tokens-per-second N] [--api-key KEY]';

function nonNegativeNumber(text: string | undefined, name: string): number | undefined {
  if (text === undefined) return undefined;
  const value = Number(text);
  if (!Number.isFinite(value) || value < 0) throw new Error(`--${name} must be a non-negative number, got '${text}'`);
  return value;
}

export function parseSimulateArguments(argv: string[]): SimulatorOptions {
  const { values } = parseArgs({
    args: argv,
    options: {
      port: { type: 'string' },
      host: { type: 'string' },
      'latency-ms': { type: 'string' },
      'tokens-per-second': { type: 'string' },
      'api-key': { type: 'string' },
    },
    strict: true,
  });
  const options: SimulatorOptions = { port: nonNegativeNumber(values.port, 'port') ?? 4010 };
  if (values.host !== undefined) options.host = values.host;
  const latencyMs = nonNegativeNumber(values['latency-ms'], 'latency-ms');
  if (latencyMs !== undefined) options.latencyMs = latencyMs;
  const tokensPerSecond = nonNegativeNumber(values['tokens-per-second'], 'tokens-per-second');
  if (tokensPerSecond !== undefined) options.tokensPerSecond = tokensPerSecond;
  if (values['api-key'] !== undefined) options.apiKey = values['api-key'];
  return options;
}

function describeModels(): string {
  const lines: string[] = [];
  for (const [provider, models] of Object.entries(SIMULATED_MODELS)) {
    const listed = models.map((model) => `${model.id} (${model.tier}, ${model.capability})`).join(', ');
    lines.push(`  ${provider}: ${listed}`);
  }
  return lines.join('\n');
}

export async function runSimulateCommand(argv: string[]): Promise<number> {
  let options: SimulatorOptions;
  try {
    options = parseSimulateArguments(argv);
  } catch (error) {
    process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n${USAGE}\n`);
    return 2;
  }
  const simulator = await startSimulator(options);
  process.stdout.write(
    `Lumen provider simulator listening on ${simulator.url}\n` +
      `  OpenAI base URL:    ${simulator.url}/v1\n` +
      `  Anthropic base URL: ${simulator.url}\n` +
      `  Gemini base URL:    ${simulator.url}/v1beta\n` +
      `Models (any other id is served too):\n${describeModels()}\n`,
  );
  await new Promise<void>((resolve) => {
    const stop = (): void => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      resolve();
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
  await simulator.close();
  process.stdout.write(`Simulator stopped after ${simulator.requestCount()} requests.\n`);
  return 0;
}
