// `lumen router <subcommand>`: argument parsing for the router's operator commands.
//   lumen router eval [--train FILE...] [--test FILE...] [--data-dir DIR] [--contaminated FILE]
//                     [--pooled-strength N] [--deviation-strength N] [--folds N] [--seed N]
// With no files: the fixed, seeded 50/50 split of every labelled CSV in the data directory.
// Prints one JSON line on stdout.
import { runRouterEval, type EvalOptions } from './eval-command.ts';
import type { FitOptions } from './fit.ts';

export const routerUsage = `usage:
  lumen router eval [--train FILE...] [--test FILE...] [--data-dir DIR] [--contaminated FILE]
                    [--pooled-strength N] [--deviation-strength N] [--folds N] [--seed N]
`;

type Parsed = { ok: true; options: EvalOptions } | { ok: false; message: string };

const numericFlags: Record<string, keyof FitOptions> = {
  '--pooled-strength': 'pooledStrength',
  '--deviation-strength': 'deviationStrength',
  '--folds': 'crossValidationFolds',
  '--seed': 'seed',
};

export function parseEvalArguments(argumentList: readonly string[]): Parsed {
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
        const number = Number(value);
        if (!Number.isFinite(number) || number <= 0) return { ok: false, message: `${argument} needs a positive number` };
        fitOptions[numericOption as string] = number;
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

export async function runRouterCommand(argumentList: readonly string[], write: (text: string) => void = (text) => process.stdout.write(text)): Promise<number> {
  const [subcommand, ...rest] = argumentList;
  if (subcommand !== 'eval') {
    process.stderr.write(routerUsage);
    return 2;
  }
  const parsed = parseEvalArguments(rest);
  if (!parsed.ok) {
    process.stderr.write(`lumen router eval: ${parsed.message}\n${routerUsage}`);
    return 2;
  }
  write(`${JSON.stringify(await runRouterEval(parsed.options))}\n`);
  return 0;
}
