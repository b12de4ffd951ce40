// Summarizes a V8 .cpuprofile (from `node --cpu-prof`): the functions with the most self time,
// and the share of each source area (Lumen's own folders, each dependency, node internals).
//
//   node --import tsx scripts/bench/cpu-profile-summary.ts FILE.cpuprofile [--top N] [--inclusive NAME,NAME] [--callers NAME,NAME]
import { readFileSync } from 'node:fs';

interface CallFrame { functionName: string; url: string; lineNumber: number }
interface ProfileNode { id: number; callFrame: CallFrame; children?: number[] }
interface Profile { nodes: ProfileNode[]; samples: number[]; timeDeltas: number[] }

const [file] = process.argv.slice(2);
if (file === undefined) throw new Error('usage: cpu-profile-summary.ts FILE.cpuprofile [--top N] [--inclusive NAME,NAME] [--callers NAME,NAME]');
const option = (name: string) => { const index = process.argv.indexOf(`--${name}`); return index >= 0 ? process.argv[index + 1] : undefined; };
const top = Number(option('top') ?? '30');
const profile = JSON.parse(readFileSync(file, 'utf8')) as Profile;

const byId = new Map(profile.nodes.map((node) => [node.id, node]));
const parentOf = new Map<number, number>();
for (const node of profile.nodes) for (const child of node.children ?? []) parentOf.set(child, node.id);
const selfMicros = new Map<number, number>();
profile.samples.forEach((id, index) => selfMicros.set(id, (selfMicros.get(id) ?? 0) + (profile.timeDeltas[index] ?? 0)));
const total = [...selfMicros.values()].reduce((sum, value) => sum + value, 0);
const idle = [...selfMicros].filter(([id]) => ['(idle)', '(program)', '(garbage collector)'].includes(byId.get(id)!.callFrame.functionName));
const share = (micros: number) => `${((100 * micros) / total).toFixed(1)} %`;

function area(url: string): string {
  if (url === '') return '(native/vm)';
  if (url.startsWith('node:')) return url.replace(/^node:(internal\/)?/, 'node:').split('/').slice(0, 2).join('/');
  const dependency = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (dependency !== null) return dependency[1]!;
  const own = /\/(src\/[^/]+|projections|scripts|bin)\//.exec(url);
  return own !== null ? own[1]! : url;
}
const label = (frame: CallFrame) => `${frame.functionName || '(anonymous)'} ${frame.url.replace(/^.*\/(node_modules|src)\//, '$1/')}:${frame.lineNumber + 1}`;

const selfByFunction = new Map<string, number>();
const selfByArea = new Map<string, number>();
for (const [id, micros] of selfMicros) {
  const frame = byId.get(id)!.callFrame;
  selfByFunction.set(label(frame), (selfByFunction.get(label(frame)) ?? 0) + micros);
  const key = frame.url === '' ? frame.functionName : area(frame.url);
  selfByArea.set(key, (selfByArea.get(key) ?? 0) + micros);
}
const sorted = (map: Map<string, number>) => [...map].sort((left, right) => right[1] - left[1]);

console.log(`total ${(total / 1e6).toFixed(2)} s sampled; ${idle.map(([id, micros]) => `${byId.get(id)!.callFrame.functionName} ${share(micros)}`).join(', ')}`);
console.log('\nself time by area:');
for (const [name, micros] of sorted(selfByArea).slice(0, top)) console.log(`  ${share(micros).padStart(7)}  ${name}`);
console.log('\nself time by function:');
for (const [name, micros] of sorted(selfByFunction).slice(0, top)) console.log(`  ${share(micros).padStart(7)}  ${name}`);

// Inclusive time of the functions named (comma-separated, exact names): every sample with such a
// frame on its stack counts once for it.
const inclusiveNames = option('inclusive')?.split(',');
if (inclusiveNames !== undefined) {
  const inclusive = new Map<string, number>();
  for (const [id, micros] of selfMicros) {
    const seen = new Set<string>();
    for (let node: number | undefined = id; node !== undefined; node = parentOf.get(node)) {
      const frame = byId.get(node)!.callFrame;
      if (inclusiveNames.includes(frame.functionName) && !seen.has(label(frame))) {
        seen.add(label(frame));
        inclusive.set(label(frame), (inclusive.get(label(frame)) ?? 0) + micros);
      }
    }
  }
  console.log(`\ninclusive time of ${inclusiveNames.join(', ')}:`);
  for (const [name, micros] of sorted(inclusive).slice(0, top)) console.log(`  ${share(micros).padStart(7)}  ${name}`);
}

// Where the self time of the functions named by --callers comes from: the nearest callers in
// Lumen's own code (src/, projections/), or the outermost frame when none is.
const callersOf = option('callers')?.split(',');
if (callersOf !== undefined) {
  const callers = new Map<string, number>();
  for (const [id, micros] of selfMicros) {
    if (!callersOf.includes(byId.get(id)!.callFrame.functionName)) continue;
    const stack: CallFrame[] = [];
    for (let node = parentOf.get(id); node !== undefined; node = parentOf.get(node)) stack.push(byId.get(node)!.callFrame);
    const own = stack.find((frame) => /\/(src|projections)\//.test(frame.url) && !frame.url.includes('node_modules'));
    const chain = stack.slice(0, Number(option("depth") ?? "4")).map((frame) => frame.functionName || '(anonymous)').join(' < ');
    const key = `${chain}  [${own === undefined ? 'no Lumen frame' : label(own)}]`;
    callers.set(key, (callers.get(key) ?? 0) + micros);
  }
  console.log(`\ncallers of ${callersOf.join(', ')}:`);
  for (const [name, micros] of sorted(callers).slice(0, top)) console.log(`  ${share(micros).padStart(7)}  ${name}`);
}
