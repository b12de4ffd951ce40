// Sequential latency probes at one connection per target, timed with performance.now() (sub-ms,
// unlike autocannon's whole milliseconds). Targets are interleaved request by request, the order
// within each pair alternating, so that drift of the shared machine lands on both alike.
import { Agent, request as httpRequest } from 'node:http';

export interface ProbeTarget {
  name: string;
  url: string;
  headers: Record<string, string>;
  body: string;
}

export interface ProbeSample {
  totalMs: number;
  /** Time to the first non-empty content delta of a streamed answer; null when not streamed. */
  firstTokenMs: number | null;
}

interface Timed {
  status: number;
  sample: ProbeSample;
}

function send(agent: Agent, target: ProbeTarget, streamed: boolean): Promise<Timed> {
  return new Promise((resolve, reject) => {
    const url = new URL(target.url);
    const body = Buffer.from(target.body);
    const outgoing = httpRequest({ agent, host: url.hostname, port: url.port, path: url.pathname, method: 'POST',
      headers: { ...target.headers, 'content-type': 'application/json', 'content-length': String(body.length) } });
    let firstTokenMs: number | null = null;
    let pending = '';
    let started = 0;
    outgoing.on('response', (response) => {
      response.setEncoding('utf8');
      response.on('data', (chunk: string) => {
        if (!streamed || firstTokenMs !== null) return;
        pending += chunk;
        let newline = pending.indexOf('\n');
        while (newline >= 0 && firstTokenMs === null) {
          const line = pending.slice(0, newline).trim();
          pending = pending.slice(newline + 1);
          if (hasContent(line)) firstTokenMs = performance.now() - started;
          newline = pending.indexOf('\n');
        }
      });
      response.on('end', () => resolve({ status: response.statusCode ?? 0,
        sample: { totalMs: performance.now() - started, firstTokenMs } }));
      response.on('error', reject);
    });
    outgoing.on('error', reject);
    started = performance.now();
    outgoing.end(body);
  });
}

function hasContent(line: string): boolean {
  if (!line.startsWith('data:') || line === 'data: [DONE]') return false;
  const chunk = JSON.parse(line.slice(5)) as { choices?: Array<{ delta?: { content?: string | null } }> };
  const content = chunk.choices?.[0]?.delta?.content;
  return typeof content === 'string' && content.length > 0;
}

/**
 * Sends `warmup` then `count` requests to each target, interleaved. Returns the measured samples
 * per target name; any non-2xx answer aborts the probe (a fast error is not a latency figure).
 */
export async function probe(targets: ProbeTarget[], options: { count: number; warmup: number; streamed: boolean }) {
  const agents = targets.map(() => new Agent({ keepAlive: true, maxSockets: 1 }));
  const samples = new Map<string, ProbeSample[]>(targets.map((target) => [target.name, []]));
  try {
    for (let round = 0; round < options.warmup + options.count; round += 1) {
      const order = round % 2 === 0 ? targets.map((_, index) => index) : targets.map((_, index) => targets.length - 1 - index);
      for (const index of order) {
        const target = targets[index]!;
        const timed = await send(agents[index]!, target, options.streamed);
        if (timed.status < 200 || timed.status > 299) throw new Error(`probe ${target.name}: status ${timed.status}`);
        if (round >= options.warmup) samples.get(target.name)!.push(timed.sample);
      }
    }
  } finally {
    for (const agent of agents) agent.destroy();
  }
  return samples;
}

/** Nearest-rank percentile of unsorted values. */
export function percentile(values: number[], fraction: number): number {
  const sorted = [...values].sort((left, right) => left - right);
  return sorted[Math.max(0, Math.ceil(fraction * sorted.length) - 1)]!;
}

export const milliseconds = (value: number) => +value.toFixed(3);
