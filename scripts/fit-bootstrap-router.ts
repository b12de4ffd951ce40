// Fits the router version a new gateway starts with, from the labelled MMLU data beside the
// checkout (../shared/data/routing/mmlu), and writes it to src/routing/bootstrap-router.json.
// Deterministic: running it again on the same data gives the same bytes (a test checks the
// shipped file's version name against the data's digest when the data is present).
//   node --import tsx scripts/fit-bootstrap-router.ts [DATA_DIR]
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { dataFiles, defaultDataDirectory, loadContaminated, loadLabelledFiles } from '../src/cli/router-eval.ts';
import { bootstrapFitOptions } from '../src/routing/bootstrap.ts';
import { fitRouterVersion, seedHistory } from '../src/routing/versioning.ts';

const dataDirectory = process.argv[2] ?? defaultDataDirectory;
const contaminated = await loadContaminated(join(dataDirectory, 'contaminated_prompts.jsonl'));
const prompts = await loadLabelledFiles(await dataFiles(dataDirectory), contaminated);
const started = performance.now();
const { parameters, historySha256 } = fitRouterVersion(seedHistory(prompts), 'bootstrap', bootstrapFitOptions);
const body = JSON.stringify(parameters);
await writeFile(new URL('../src/routing/bootstrap-router.json', import.meta.url), body);
const history = { ledgerRatings: 0, seedRows: parameters.models.reduce((sum, model) => sum + model.ratings, 0),
  prompts: parameters.promptCount, historySha256 };
await writeFile(new URL('../src/routing/bootstrap-router.history.json', import.meta.url), `${JSON.stringify(history)}\n`);
console.log(JSON.stringify({ version: parameters.version, prompts: prompts.length, terms: parameters.terms.length,
  bytes: body.length, historySha256, fitMs: Math.round(performance.now() - started) }));
