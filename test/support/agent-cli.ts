// Runs a coding-agent CLI (Claude Code, Codex) as a child process for end-to-end tests: with an
// environment built from scratch, so no real provider key, proxy or user config of the machine
// leaks in, and under a hard deadline, so an agent stuck on a network call it cannot make fails
// the one test instead of hanging the suite.
import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface AgentRun {
  exitCode: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  timedOut: boolean;
}

export interface AgentRunOptions {
  cwd: string;
  environment: Record<string, string>;
  timeoutMs: number;
}

/** A fresh directory for a home, a config dir or a working dir; the OS temp dir cleans it up. */
export function temporaryDirectory(prefix: string): string {
  return mkdtempSync(join(tmpdir(), `lumen-${prefix}-`));
}

// A proxy nobody listens on: should an agent still try to reach a host on the internet, the
// attempt is refused at once instead of waiting on DNS or a firewall, while loopback (the
// gateway) bypasses it.
const DEAD_PROXY = 'http://127.0.0.1:9';
const PROXY_VARIABLES = {
  HTTPS_PROXY: DEAD_PROXY, HTTP_PROXY: DEAD_PROXY, ALL_PROXY: DEAD_PROXY, https_proxy: DEAD_PROXY, http_proxy: DEAD_PROXY,
  all_proxy: DEAD_PROXY, NO_PROXY: '127.0.0.1,localhost', no_proxy: '127.0.0.1,localhost',
};

/** Only PATH is inherited: the agent needs it to find a shell, nothing else from this machine. */
export function isolatedEnvironment(variables: Record<string, string>): Record<string, string> {
  return { PATH: process.env['PATH'] ?? '/usr/bin:/bin', LANG: 'C.UTF-8', ...PROXY_VARIABLES, ...variables };
}

export function runAgent(command: string, argumentsList: string[], options: AgentRunOptions): Promise<AgentRun> {
  return new Promise((resolve, reject) => {
    // detached: the agent gets its own process group, so the deadline can end its children too.
    const child = spawn(command, argumentsList, { cwd: options.cwd, env: options.environment, detached: true,
      stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    let timedOut = false;
    child.stdout.on('data', (chunk) => { stdout += chunk; });
    child.stderr.on('data', (chunk) => { stderr += chunk; });
    const deadline = setTimeout(() => {
      timedOut = true;
      if (child.pid !== undefined) process.kill(-child.pid, 'SIGKILL');
    }, options.timeoutMs);
    child.once('error', (error) => {
      clearTimeout(deadline);
      reject(error);
    });
    child.once('close', (exitCode, signal) => {
      clearTimeout(deadline);
      resolve({ exitCode, signal, stdout, stderr, timedOut });
    });
  });
}

export function describeRun(run: AgentRun): string {
  return `exit ${run.exitCode} signal ${run.signal} timed out ${run.timedOut}\nstdout:\n${run.stdout.slice(-4000)}\nstderr:\n${run.stderr.slice(-4000)}`;
}
