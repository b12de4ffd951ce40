// Runs one admin subcommand (`lumen keys create ...`): strict flag parsing, the connection from
// the environment, the call, and the output. Every admin command shares these exit codes:
// 0 success, 1 the gateway refused or could not be reached, 2 the command line was wrong.
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { AdminApiError, callAdminApi, gatewayUrl, type AdminConnection } from './admin-client.ts';

type FlagOptions = NonNullable<ParseArgsConfig['options']>;
type FlagValue = string | boolean | (string | boolean)[] | undefined;

export interface AdminCall {
  /** Positional arguments by the names the subcommand declared. */
  argument(name: string): string;
  /** A string flag, or undefined when it was not given. */
  flag(name: string): string | undefined;
  /** A string flag that must be present; its absence is a usage error. */
  requiredFlag(name: string, placeholder: string): string;
  /** Every value of a flag that may be repeated. */
  repeatedFlag(name: string): string[];
  api(method: string, path: string, body?: unknown): Promise<unknown>;
}

export interface AdminSubcommand {
  /** The arguments after `lumen GROUP NAME`, for the usage line: `ACCOUNT_ID [--name N]`. */
  synopsis: string;
  positionals: string[];
  options: FlagOptions;
  /** Calls the API and returns its JSON body and the human-readable rendering of it. */
  run(call: AdminCall): Promise<{ body: unknown; human: string }>;
}

export class UsageError extends Error {
  override name = 'UsageError';
}

const SHARED_OPTIONS: FlagOptions = {
  json: { type: 'boolean' },
  'admin-key': { type: 'string' },
  help: { type: 'boolean', short: 'h' },
};
const SHARED_SYNOPSIS = '[--json] [--admin-key KEY]';

export function groupUsage(group: string, subcommands: Record<string, AdminSubcommand>): string {
  const lines = Object.entries(subcommands).map(([name, subcommand]) =>
    `  lumen ${group} ${name} ${subcommand.synopsis} ${SHARED_SYNOPSIS}`);
  return `usage:\n${lines.join('\n')}\n`;
}

/** Builds the `lumen GROUP ...` command that dispatches to its subcommands. */
export function adminCommandGroup(group: string, subcommands: Record<string, AdminSubcommand>) {
  return async function runGroup(args: string[]): Promise<number> {
    const [name, ...rest] = args;
    const subcommand = name === undefined ? undefined : subcommands[name];
    if (name === '--help' || name === '-h') {
      process.stdout.write(groupUsage(group, subcommands));
      return 0;
    }
    if (subcommand === undefined) {
      const problem = name === undefined ? `missing subcommand (${Object.keys(subcommands).join(' or ')})` : `unknown subcommand '${name}'`;
      process.stderr.write(`lumen ${group}: ${problem}\n${groupUsage(group, subcommands)}`);
      return 2;
    }
    const label = `lumen ${group} ${name}`;
    try {
      return await runSubcommand(label, subcommand, rest);
    } catch (error) {
      if (error instanceof UsageError || isParseArgsError(error)) {
        process.stderr.write(`${label}: ${usageProblem(error as Error)}\nusage: ${label} ${subcommand.synopsis} ${SHARED_SYNOPSIS}\n`);
        return 2;
      }
      if (error instanceof AdminApiError) {
        const status = error.status === undefined ? '' : `, HTTP ${error.status}`;
        process.stderr.write(`${label}: ${error.message} (code: ${error.code}${status})\n`);
        return 1;
      }
      throw error;
    }
  };
}

async function runSubcommand(label: string, subcommand: AdminSubcommand, args: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args, options: { ...SHARED_OPTIONS, ...subcommand.options }, allowPositionals: true, strict: true,
  });
  if (values.help === true) {
    process.stdout.write(`usage: ${label} ${subcommand.synopsis} ${SHARED_SYNOPSIS}\n`);
    return 0;
  }
  const missing = subcommand.positionals.slice(positionals.length);
  if (missing.length > 0) throw new UsageError(`missing ${missing.join(' and ')}`);
  const extra = positionals.slice(subcommand.positionals.length);
  if (extra.length > 0) throw new UsageError(`unexpected argument '${extra[0]}'`);
  const connection = resolveConnection(values['admin-key']);
  const result = await subcommand.run(adminCall(subcommand.positionals, positionals, values, connection));
  process.stdout.write(values.json === true ? `${JSON.stringify(result.body)}\n` : `${result.human}\n`);
  return 0;
}

function resolveConnection(adminKeyFlag: FlagValue): AdminConnection {
  const adminKey = typeof adminKeyFlag === 'string' ? adminKeyFlag : process.env.LUMEN_ADMIN_KEY;
  if (adminKey === undefined || adminKey.trim() === '') {
    throw new UsageError('missing admin key: set LUMEN_ADMIN_KEY or pass --admin-key KEY');
  }
  return { baseUrl: gatewayUrl(process.env), adminKey };
}

function adminCall(names: string[], positionals: string[], values: Record<string, FlagValue>, connection: AdminConnection): AdminCall {
  return {
    argument(name) {
      const index = names.indexOf(name);
      // Subcommands only ask for the positionals they declared, which parsing has checked.
      if (index < 0 || positionals[index] === undefined) throw new Error(`bug: undeclared argument ${name}`);
      return positionals[index];
    },
    flag(name) {
      const value = values[name];
      return typeof value === 'string' ? value : undefined;
    },
    requiredFlag(name, placeholder) {
      const value = values[name];
      if (typeof value !== 'string') throw new UsageError(`missing --${name} ${placeholder}`);
      return value;
    },
    repeatedFlag(name) {
      const value = values[name];
      return Array.isArray(value) ? value.filter((item): item is string => typeof item === 'string') : [];
    },
    api: (method, path, body) => callAdminApi(connection, method, path, body),
  };
}

function isParseArgsError(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && code.startsWith('ERR_PARSE_ARGS_');
}

/** parseArgs explains at length how to pass a positional that starts with '-'; the first sentence is the problem. */
function usageProblem(error: Error): string {
  return error.message.replace(/\. To specify a positional argument.*$/s, '');
}
