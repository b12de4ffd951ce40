// Child processes for the gateway benchmark: the simulator and Lumen each run in their own
// process, so neither shares an event loop with the load generator.
import { freePort } from '../../test/support/gateway.ts';
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';

export interface Child {
  process: ChildProcess;
  pid: number;
  output(): string;
  stop(): Promise<number | null>;
}

const STOP_GRACE_MS = 15_000;

export function startChild(argv: string[], environment: Record<string, string>, cwd: string): Child {
  const child = spawn(process.execPath, argv, { cwd, env: { ...process.env, ...environment }, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout!.on('data', (chunk) => { output += chunk; });
  child.stderr!.on('data', (chunk) => { output += chunk; });
  return {
    process: child,
    pid: child.pid!,
    output: () => output,
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return child.exitCode;
      const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
      child.kill('SIGTERM');
      // A child that does not close within the grace period is killed, so the benchmark ends.
      const timer = setTimeout(() => child.kill('SIGKILL'), STOP_GRACE_MS);
      const code = await exited;
      clearTimeout(timer);
      return code;
    },
  };
}

/** Waits for the first stdout line that parses as JSON (the simulator child announces its url so). */
export async function firstJsonLine<T>(child: Child, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.process.exitCode !== null) throw new Error(`child exited with ${child.process.exitCode}:\n${child.output()}`);
    for (const line of child.output().split('\n')) {
      if (!line.startsWith('{')) continue;
      try {
        return JSON.parse(line) as T;
      } catch {
        // an unfinished line; read again later
      }
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`child printed no JSON line in ${timeoutMs} ms:\n${child.output()}`);
}

export async function waitForHealth(url: string, child: Child, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.process.exitCode !== null) throw new Error(`lumen exited with ${child.process.exitCode}:\n${child.output()}`);
    try {
      const response = await fetch(`${url}/healthz`);
      if (response.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`lumen did not become healthy in ${timeoutMs} ms:\n${child.output()}`);
}

/** Peak and current resident set of a live process, from /proc (Linux only), in MiB. */
export function residentMemoryMb(pid: number): { peak_rss_mb: number; rss_mb: number } {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kilobytes = (field: string) => Number(/\s(\d+) kB/.exec(status.split('\n').find((line) => line.startsWith(field)) ?? '')?.[1] ?? NaN);
  return { peak_rss_mb: +(kilobytes('VmHWM:') / 1024).toFixed(1), rss_mb: +(kilobytes('VmRSS:') / 1024).toFixed(1) };
}

/** The 1, 5 and 15 minute load averages, to print beside every figure. */
export function loadAverage(): [number, number, number] {
  const [one, five, fifteen] = readFileSync('/proc/loadavg', 'utf8').split(' ').map(Number);
  return [one!, five!, fifteen!];
}

/** CPU seconds (user + system) a process has used so far, from /proc/<pid>/stat. */
export function cpuSeconds(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  // Fields after the command name, which is in parentheses and may contain spaces.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const ticksPerSecond = 100;
  return (Number(fields[11]) + Number(fields[12])) / ticksPerSecond;
}

export { freePort };
