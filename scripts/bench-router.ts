// Router figures on the shared MMLU data, one JSON line each:
//  1. held_out: fit on the fixed, seeded training half, score the other half (RouteLLM APGR and
//     CPT, decision latency), exactly as `lumen router eval` with no files;
//  2. cross_domain: fit on the training-half prompts of one group of subjects, score the
//     held-out-half prompts of the other group, against routing by prompt length alone. Groups:
//     science versus the rest, and seeded random halves of the subject list, both directions;
//  3. summary: how often the router beat length across domains.
//   nice -n 10 node --import tsx scripts/bench-router.ts [--data-dir DIR]
import { basename, join } from 'node:path';
import { isTrainingPrompt, ratedRequestsFromLabelledPrompts, type LabelledPrompt } from '../src/routing/dataset.ts';
import { dataFiles, defaultDataDirectory, lengthBaseline, loadContaminated, loadLabelledFiles, runRouterEval, scoreTestPrompts } from '../src/cli/router-eval.ts';
import { routingMetrics } from '../src/routing/evaluate.ts';
import { extractFeatures } from '../src/routing/features.ts';
import { fitRouterFromHistory } from '../src/routing/fit.ts';
import { hashString } from '../src/routing/hashing.ts';

const scienceMarkers = [
  'math', 'physics', 'chemistry', 'computer', 'engineering', 'statistics', 'algebra', 'astronomy', 'machine_learning',
  'econometrics', 'biology', 'anatomy', 'genetics', 'virology', 'medicine', 'nutrition', 'clinical', 'aging',
];
const partitionSeeds = [101, 202];

function subjectOf(file: string): string {
  return basename(file, '.csv').replace(/^mmlu_/, '');
}

function round(value: number, decimals: number): number {
  return Math.round(value * 10 ** decimals) / 10 ** decimals;
}

type Domain = { name: string; subjects: Set<string> };

function domainPairs(subjects: readonly string[]): [Domain, Domain][] {
  const split = (name: string, inFirst: (subject: string) => boolean): [Domain, Domain] => [
    { name: `${name}:a`, subjects: new Set(subjects.filter(inFirst)) },
    { name: `${name}:b`, subjects: new Set(subjects.filter((subject) => !inFirst(subject))) },
  ];
  const science = split('science', (subject) => scienceMarkers.some((marker) => subject.includes(marker)));
  const pairs: [Domain, Domain][] = [[science[0], science[1]], [science[1], science[0]]];
  for (const seed of partitionSeeds) {
    const [first, second] = split(`random-${seed}`, (subject) => hashString(subject, seed) % 2 === 0);
    pairs.push([first, second], [second, first]);
  }
  return pairs;
}

async function crossDomainFigures(dataDirectory: string) {
  const files = await dataFiles(dataDirectory);
  const contaminated = await loadContaminated(join(dataDirectory, 'contaminated_prompts.jsonl'));
  const bySubject = new Map<string, LabelledPrompt[]>();
  for (const file of files) bySubject.set(subjectOf(file), await loadLabelledFiles([file], contaminated));
  const figures = [];
  for (const [fitDomain, testDomain] of domainPairs([...bySubject.keys()])) {
    const pick = (domain: Domain, training: boolean): LabelledPrompt[] => [...domain.subjects].flatMap((subject) =>
      (bySubject.get(subject) ?? []).filter((labelled) => isTrainingPrompt(labelled.prompt) === training));
    const fitPrompts = pick(fitDomain, true);
    const testPrompts = pick(testDomain, false);
    const parameters = fitRouterFromHistory(ratedRequestsFromLabelledPrompts(fitPrompts), { version: 'cross-domain' });
    const scored = scoreTestPrompts(parameters, testPrompts, testPrompts.map((labelled) => extractFeatures(labelled.prompt)));
    const router = routingMetrics(scored);
    const length = lengthBaseline(testPrompts, scored, 10);
    const figure = {
      figure: 'cross_domain',
      fit_domain: fitDomain.name,
      test_domain: testDomain.name,
      fit_subjects: fitDomain.subjects.size,
      test_subjects: testDomain.subjects.size,
      fit_prompts: fitPrompts.length,
      test_prompts: testPrompts.length,
      apgr: round(router.apgr, 4),
      cpt50: round(router.cpt50Percent, 2),
      length_apgr: round(length.apgr, 4),
      length_cpt50: round(length.cpt50Percent, 2),
      beats_length: router.apgr > length.apgr,
    };
    process.stdout.write(`${JSON.stringify(figure)}\n`);
    figures.push(figure);
  }
  return figures;
}

const dataDirectoryFlag = process.argv.indexOf('--data-dir');
const dataDirectory = dataDirectoryFlag === -1 ? defaultDataDirectory : (process.argv[dataDirectoryFlag + 1] ?? defaultDataDirectory);
const heldOut = await runRouterEval({ dataDirectory });
process.stdout.write(`${JSON.stringify({ figure: 'held_out', ...heldOut })}\n`);
const figures = await crossDomainFigures(dataDirectory);
const mean = (values: readonly number[]): number => round(values.reduce((sum, value) => sum + value, 0) / values.length, 4);
process.stdout.write(`${JSON.stringify({
  figure: 'summary',
  held_out_apgr: heldOut.apgr,
  held_out_cpt50: heldOut.cpt50,
  decision_p99_us: heldOut.decision_p99_us,
  cross_domain_wins: figures.filter((figure) => figure.beats_length).length,
  cross_domain_pairs: figures.length,
  cross_domain_mean_apgr: mean(figures.map((figure) => figure.apgr)),
  cross_domain_mean_length_apgr: mean(figures.map((figure) => figure.length_apgr)),
})}\n`);
