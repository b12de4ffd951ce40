// `lumen router <subcommand>`: argument parsing for the router's operator commands.
//   eval: with no files, the fixed, seeded 50/50 split of every labelled CSV in the data
//         directory; prints one JSON line on stdout.
//   retune: refits from the ledger's ratings (plus labelled seed rows), prints the comparison
//         with the live version as one JSON line and publishes only when confirmed (--yes).
import { runRouterEval, type EvalOptions } from './router-eval.ts';
import type { FitOptions } from '../routing/fit.ts';

export const routerUsage = `usage:
  lumen router eval [--train FILE...] [--test FILE...] [--data-dir DIR] [--contaminated FILE]
                    [--pooled-strength N] [--deviation-strength N] [--folds N] [--seed N]
  lumen router retune [--seed DIR] [--maximum-terms N] [--pooled-strength N] [--deviation-strength N]
                      [--dry-run | --yes]
      refit from every rating on the ledger (the latest per request) joined with the kept prompt
      features, plus the labelled CSVs in DIR as seed rows; print the comparison with the live
      version as one JSON line; --dry-run (the default) publishes nothing, --yes publishes
`;

type Parsed<Options> = { ok: true; options: Options } | { ok: false; message: string };

const numericFlags: Record<string, keyof FitOptions> = {
  '--pooled-strength': 'pooledStrength',
  '--deviation-strength': 'deviationStrength',
  '--folds': 'crossValidationFolds',
  '--seed': 'seed',
};

function positiveNumber(flag: string, text: string | undefined): { ok: true; value: number } | { ok: false; message: string } {
  if (text === undefined) return { ok: false, message: `${flag} needs a value` };
  const value = Number(text);
  if (!Number.isFinite(value) || value <= 0) return { ok: false, message: `${flag} needs a positive number` };
  return { ok: true, value };
}

export function parseEvalArguments(argumentList: readonly string[]): Parsed<EvalOptions> {
  const trainFiles: string[] = [];
  const testFiles: string[] = [];
  const fitOptions: Record<string, number> = {};
  let dataDirectory: string | undefined;
  let contaminatedFile: string | undefined;
  let target: string[] | undefined;
  for (let index = 0; index < argumentList.length; index += 1) {
    const argument = argumentList[index] as string;
    const numericOption = numericFlags[argument];
    if (argument === '--train') target = trainFiles;
    else if (argument === '--test') target = testFiles;
    else if (argument === '--data-dir' || argument === '--contaminated' || numericOption !== undefined) {
      const value = argumentList[index + 1];
      if (value === undefined) return { ok: false, message: `${argument} needs a value` };
      index += 1;
      target = undefined;
      if (argument === '--data-dir') dataDirectory = value;
      else if (argument === '--contaminated') contaminatedFile = value;
      else {
        const number = positiveNumber(argument, value);
        if (!number.ok) return number;
        fitOptions[numericOption as string] = number.value;
      }
    } else if (argument.startsWith('--')) return { ok: false, message: `unknown option ${argument}` };
    else if (target !== undefined) target.push(argument);
    else return { ok: false, message: `unexpected argument ${argument}` };
  }
  if ((trainFiles.length === 0) !== (testFiles.length === 0)) return { ok: false, message: 'give both --train and --test files, or neither' };
  return {
    ok: true,
    options: { trainFiles, testFiles, fitOptions: fitOptions as Partial<FitOptions>, ...(dataDirectory === undefined ? {} : { dataDirectory }), ...(contaminatedFile === undefined ? {} : { contaminatedFile }) },
  };
}

export type RetuneOptions = {
  /** A folder of labelled CSVs (the MMLU layout) whose rows join the ledger's ratings. */
  readonly seedDirectory?: string;
  readonly fitOptions: Partial<FitOptions>;
  readonly publish: boolean;
};

const retuneNumericFlags: Record<string, keyof FitOptions> = {
  '--maximum-terms': 'maximumTerms',
  '--pooled-strength': 'pooledStrength',
  '--deviation-strength': 'deviationStrength',
};

export function parseRetuneArguments(argumentList: readonly string[]): Parsed<RetuneOptions> {
  const fitOptions: Record<string, number> = {};
  let seedDirectory: string | undefined;
  let confirmed = false;
  let dryRun = false;
  for (let index = 0; index < argumentList.length; index += 1) {
    const argument = argumentList[index] as string;
    const numericOption = retuneNumericFlags[argument];
    if (argument === '--yes') confirmed = true;
    else if (argument === '--dry-run') dryRun = true;
    else if (argument === '--seed') {
      seedDirectory = argumentList[index + 1];
      if (seedDirectory === undefined) return { ok: false, message: '--seed needs a folder of labelled CSVs' };
      index += 1;
    } else if (numericOption !== undefined) {
      const number = positiveNumber(argument, argumentList[index + 1]);
      if (!number.ok) return number;
      if (numericOption === 'maximumTerms' && !Number.isInteger(number.value)) return { ok: false, message: `${argument} needs a whole number` };
      fitOptions[numericOption] = number.value;
      index += 1;
    } else if (argument.startsWith('--')) return { ok: false, message: `unknown option ${argument}` };
    else return { ok: false, message: `unexpected argument ${argument}` };
  }
  if (confirmed && dryRun) return { ok: false, message: 'give --yes or --dry-run, not both' };
  return { ok: true, options: { ...(seedDirectory === undefined ? {} : { seedDirectory }), fitOptions: fitOptions as Partial<FitOptions>, publish: confirmed } };
}

export type CommandOutput = {
  /** Standard error, for usage and human summaries; stdout is the `write` argument. */
  readonly writeError?: (text: string) => void;
  /** Where store settings are read (DATABASE_URL, LUMEN_DATA_DIR, ...). */
  readonly environment?: NodeJS.ProcessEnv;
};

export async function runRouterCommand(argumentList: readonly string[], write: (text: string) => void = (text) => process.stdout.write(text),
  output: CommandOutput = {}): Promise<number> {
  const writeError = output.writeError ?? ((text: string) => process.stderr.write(text));
  const [subcommand, ...rest] = argumentList;
  if (subcommand === 'help' || subcommand === '--help') {
    write(routerUsage);
    return 0;
  }
  if (subcommand === 'retune') {
    const parsed = parseRetuneArguments(rest);
    if (!parsed.ok) {
      writeError(`lumen router retune: ${parsed.message}\n${routerUsage}`);
      return 2;
    }
    // Loaded on use: it opens the store, which `router eval` never needs.
    const { routerRetune } = await import('./router-retune.ts');
    return routerRetune(parsed.options, { write, writeError, environment: output.environment ?? process.env });
  }
  if (subcommand !== 'eval') {
    writeError(routerUsage);
    return 2;
  }
  const parsed = parseEvalArguments(rest);
  if (!parsed.ok) {
    writeError(`lumen router eval: ${parsed.message}\n${routerUsage}`);
    return 2;
  }
  write(`${JSON.stringify(await runRouterEval(parsed.options))}\n`);
  return 0;
}
