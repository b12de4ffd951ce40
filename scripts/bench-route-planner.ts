// The gateway's routing decision as a request pays for it: feature extraction, the live
// router's prediction for every candidate of the catalog, cost estimates and the choice rule
// with its fallback order (src/gateway/route-planner.ts), on the shipped bootstrap router and
// the default simulator catalog (every chat model a candidate). No I/O in the measured path.
// Prompts: the held-out half of the shared MMLU data. Prints one JSON line.
//   nice -n 10 node --import tsx scripts/bench-route-planner.ts [--data-dir DIR] [--prompts N]
import { join } from 'node:path';
import { loadCatalog } from '../src/catalog/load-catalog.ts';
import { assessRequest, planRoute } from '../src/gateway/route-planner.ts';
import type { KeyRecord } from '../src/gateway/key-index.ts';
import type { LiveRouter } from '../src/gateway/router-versions.ts';
import { planNamed } from '../src/domain/plans.ts';
import type { CanonicalChatRequest } from '../src/protocols/canonical.ts';
import { bootstrapRouter } from '../src/routing/bootstrap.ts';
import { isTrainingPrompt } from '../src/routing/dataset.ts';
import { dataFiles, defaultDataDirectory, loadContaminated, loadLabelledFiles } from '../src/cli/router-eval.ts';
import { percentile } from '../src/routing/evaluate.ts';

const argumentsGiven = process.argv.slice(2);
const option = (name: string) => { const index = argumentsGiven.indexOf(name); return index === -1 ? undefined : argumentsGiven[index + 1]; };
const dataDirectory = option('--data-dir') ?? defaultDataDirectory;
const promptsMax = Number(option('--prompts') ?? 4000);

const loaded = await loadCatalog({ environment: {}, simulatorUrl: 'http://127.0.0.1:9' });
if (!loaded.ok) throw new Error(loaded.error.message);
const catalog = loaded.catalog;
const { parameters } = bootstrapRouter();
const live = { version: parameters.version, parameters, published: {} } as LiveRouter;
const principal = { accountId: 'acct_bench', keyId: 'key_bench', allowedModels: null, group: null, plan: planNamed('enterprise') } as unknown as KeyRecord;
const contaminated = await loadContaminated(join(dataDirectory, 'contaminated_prompts.jsonl'));
const prompts = (await loadLabelledFiles(await dataFiles(dataDirectory), contaminated))
  .filter((labelled) => !isTrainingPrompt(labelled.prompt)).slice(0, promptsMax).map((labelled) => labelled.prompt);
const requestOf = (text: string): CanonicalChatRequest =>
  ({ messages: [{ role: 'user', content: [{ type: 'text', text }] }], sampling: {} }) as unknown as CanonicalChatRequest;
const candidates = catalog.list({ capability: 'chat' }).length;

function decide(text: string): void {
  const request = requestOf(text);
  const assessed = assessRequest(live, request);
  const planned = planRoute({ catalog, hasProvider: () => true, live, principal, requestedModel: 'auto', request, capability: 'chat',
    options: {}, routeId: 'bench' }, assessed);
  if (!planned.ok) throw planned.error;
}

for (const text of prompts.slice(0, 500)) decide(text);
const samples: number[] = [];
const memoryBefore = process.memoryUsage().rss;
for (const text of prompts) {
  const started = performance.now();
  decide(text);
  samples.push((performance.now() - started) * 1000);
}
samples.sort((left, right) => left - right);
const round = (value: number) => Math.round(value * 10) / 10;
console.log(JSON.stringify({ benchmark: 'route-planner', router_version: live.version, prompts: prompts.length, candidates,
  p50_us: round(percentile(samples, 0.5)), p99_us: round(percentile(samples, 0.99)), max_us: round(samples.at(-1) ?? 0),
  rss_mb: Math.round(Math.max(memoryBefore, process.memoryUsage().rss) / 1048576) }));
