// The `lumen` operator CLI. Each command is a small function; main() only dispatches.
import { VERSION } from '../version.ts';
import { accounts, credits, keys } from './admin-commands.ts';

type Command = (args: string[]) => Promise<number>;

const USAGE = `lumen ${VERSION}: an auditable LLM API gateway

usage:
  lumen serve                      start the gateway (PORT, DATABASE_URL or LUMEN_DATA_DIR)
  lumen verify [--json]            recompute every hash and link of the ledger
  lumen projections rebuild [NAME] replay projections from zero
  lumen audit key | keygen | verify --entry FILE --key KEY [--checkpoint FILE] | check
                                   the Merkle audit log (lumen audit --help)
  lumen export --from DAY --to DAY [--report journal|statements|reconciliation] [--format csv|jsonl] [--out FILE]
                                   finance exports from the ledger
  lumen router eval --train FILE... --test FILE...
                                   fit the router from labelled prompts and print APGR, CPT and latency
  lumen router retune [--seed DIR] [--maximum-terms N] [--dry-run | --yes]
                                   refit from the ledger's ratings, compare with the live version,
                                   publish with --yes (lumen router --help)
  lumen version

admin (talks to LUMEN_URL, default 127.0.0.1 on PORT or 8080, with LUMEN_ADMIN_KEY or --admin-key;
--json prints the API's JSON on one line):
  lumen accounts create --name NAME [--credits-usd N] [--plan P]
  lumen accounts show ACCOUNT_ID
  lumen keys create ACCOUNT_ID [--name N] [--allow-model M ...]
  lumen keys revoke ACCOUNT_ID KEY_ID
  lumen credits grant ACCOUNT_ID --usd N [--reason R]

development:
  lumen simulate [--port N] [--latency-ms N] [--tokens-per-second N]
                                   run the provider simulator (default port 4010)
`;

// Heavy commands load their modules on use, so `lumen keys create` does not load the server.
const commands: Record<string, Command> = {
  serve: async (args) => (await import('./ledger-commands.ts')).serve(args),
  verify: async (args) => (await import('./ledger-commands.ts')).verify(args),
  projections: async (args) => (await import('./ledger-commands.ts')).projections(args),
  audit: async (args) => (await import('./audit-commands.ts')).audit(args),
  export: async (args) => (await import('./export-command.ts')).exportCommand(args),
  router: async (args) => (await import('./router-command.ts')).runRouterCommand(args),
  accounts,
  keys,
  credits,
  simulate: async (args) => (await import('../simulator/index.ts')).runSimulateCommand(args),
  version: async () => { process.stdout.write(`${VERSION}\n`); return 0; },
  help: async () => { process.stdout.write(USAGE); return 0; },
};

export async function main(argv: string[]): Promise<number> {
  const [name = 'help', ...rest] = argv;
  const command = commands[name];
  if (command === undefined) {
    process.stderr.write(`unknown command: ${name}\n\n${USAGE}`);
    return 2;
  }
  try {
    return await command(rest);
  } catch (error) {
    process.stderr.write(`lumen ${name}: ${(error as Error).message}\n`);
    return 1;
  }
}
