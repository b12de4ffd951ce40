// Offline router evaluation. Prints one JSON line.
//   node --import tsx scripts/router-eval.ts [--train FILE...] [--test FILE...] [--kinds N]
// With no files: the fixed, seeded 50/50 split of every MMLU file in the routing data folder.
import { runRouterEval, type EvalOptions } from '../src/routing/eval-command.ts';

function parseArguments(argumentList: readonly string[]): EvalOptions {
  const trainFiles: string[] = [];
  const testFiles: string[] = [];
  const fitOptions: Record<string, number> = {};
  let target: string[] | undefined;
  for (let index = 0; index < argumentList.length; index += 1) {
    const argument = argumentList[index] as string;
    if (argument === '--train') target = trainFiles;
    else if (argument === '--test') target = testFiles;
    else if (argument === '--kinds') fitOptions['kindCount'] = Number(argumentList[(index += 1)]);
    else if (argument === '--prior') fitOptions['priorStrength'] = Number(argumentList[(index += 1)]);
    else if (argument === '--temperature') fitOptions['kindTemperature'] = Number(argumentList[(index += 1)]);
    else if (argument === '--kinds-per-prompt') fitOptions['kindsPerPrompt'] = Number(argumentList[(index += 1)]);
    else if (target !== undefined) target.push(argument);
    else throw new Error(`unexpected argument ${argument}`);
  }
  return { trainFiles, testFiles, fitOptions };
}

const report = await runRouterEval(parseArguments(process.argv.slice(2)));
process.stdout.write(`${JSON.stringify(report)}\n`);
