// Offline router evaluation, the same code path as `lumen router eval`. Prints one JSON line.
//   node --import tsx scripts/router-eval.ts [eval options, see src/cli/router-command.ts]
// With no files: the fixed, seeded 50/50 split of every MMLU file in the routing data folder.
import { runRouterCommand } from '../src/cli/router-command.ts';

process.exitCode = await runRouterCommand(['eval', ...process.argv.slice(2)]);
