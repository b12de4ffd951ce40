// Benchmark of the verifiable-log core: sealing throughput of the Merkle tree (hash each leaf,
// append it, persist the completed nodes in the in-memory store), then proof generation and
// verification latency, checkpoint signing, and peak RSS. Prints figures; asserts nothing on time.
//
//   node --import tsx scripts/bench-merkle.ts [leaf count] [samples]
import { randomInt } from 'node:crypto';
import {
  CompactRange,
  MemoryNodeStore,
  hashLeaf,
  proveConsistency,
  proveInclusion,
  treeRoot,
  verifyConsistency,
  verifyInclusion,
} from '../src/audit/merkle.ts';
import { openCheckpoint, signCheckpoint } from '../src/audit/checkpoint.ts';
import { createNoteSigner, parseVerifierKey, verifierKeyOf } from '../src/audit/note-keys.ts';

const leafCount = Number(process.argv[2] ?? 1_000_000);
const samples = Number(process.argv[3] ?? 20_000);

function percentiles(durationsNs: bigint[]): string {
  const sorted = durationsNs.map((duration) => Number(duration) / 1000).sort((left, right) => left - right);
  const at = (fraction: number) => (sorted[Math.min(sorted.length - 1, Math.floor(fraction * sorted.length))] as number).toFixed(1);
  return `p50 ${at(0.5).padStart(6)} µs   p99 ${at(0.99).padStart(6)} µs`;
}

function timeEach(count: number, operation: (sample: number) => void): bigint[] {
  const durations: bigint[] = [];
  for (let sample = 0; sample < count; sample += 1) {
    const started = process.hrtime.bigint();
    operation(sample);
    durations.push(process.hrtime.bigint() - started);
  }
  return durations;
}

function fail(message: string): never {
  throw new Error(message);
}

// A leaf stands in for a sealed ledger event: 32 bytes of event hash plus its global position.
const leafBytes = Buffer.alloc(40);
const store = new MemoryNodeStore();
const range = CompactRange.empty();
const roots = new Map<number, Buffer>();
const startedSealing = process.hrtime.bigint();
for (let position = 0; position < leafCount; position += 1) {
  leafBytes.writeUInt32BE(position, 0);
  leafBytes.writeDoubleBE(position, 32);
  store.putNodes(range.append(hashLeaf(leafBytes)));
}
const sealingSeconds = Number(process.hrtime.bigint() - startedSealing) / 1e9;
const finalRoot = range.root();
let storedNodes = 0;
for (let level = 0; level < 64; level += 1) storedNodes += store.countAt(level);
console.log(`tree: ${leafCount} leaves sealed in ${sealingSeconds.toFixed(2)} s = ${Math.round(leafCount / sealingSeconds)} leaves/s`
  + ` (hashLeaf + append + store; ${storedNodes} nodes stored), root ${finalRoot.toString('hex').slice(0, 16)}…`);
console.log(`RSS after sealing: ${(process.memoryUsage().rss / 1024 / 1024).toFixed(0)} MB`);

const inclusionCases = Array.from({ length: samples }, (_, sample) => {
  const treeSize = sample % 2 === 0 ? leafCount : randomInt(1, leafCount + 1);
  return { treeSize, leafIndex: randomInt(0, treeSize) };
});
const consistencyCases = Array.from({ length: samples }, () => {
  const newSize = randomInt(2, leafCount + 1);
  return { oldSize: randomInt(1, newSize), newSize };
});
const sizesNeeded = new Set([...inclusionCases.map((item) => item.treeSize), ...consistencyCases.flatMap((item) => [item.oldSize, item.newSize])]);
const rootTimes = timeEach(0, () => undefined);
for (const size of sizesNeeded) {
  const started = process.hrtime.bigint();
  roots.set(size, treeRoot(store, size));
  rootTimes.push(process.hrtime.bigint() - started);
}
if (!(roots.get(leafCount) as Buffer).equals(finalRoot)) fail('stored root differs from the compact range root');
console.log(`root from stored nodes (${rootTimes.length} sizes):        ${percentiles(rootTimes)}`);

const inclusionProofs: Buffer[][] = [];
const inclusionGeneration = timeEach(samples, (sample) => {
  const { leafIndex, treeSize } = inclusionCases[sample] as { leafIndex: number; treeSize: number };
  inclusionProofs.push(proveInclusion(store, leafIndex, treeSize));
});
console.log(`inclusion proof generation (${samples}):     ${percentiles(inclusionGeneration)}`);
const inclusionVerification = timeEach(samples, (sample) => {
  const { leafIndex, treeSize } = inclusionCases[sample] as { leafIndex: number; treeSize: number };
  const leafHash = store.getNode(0, leafIndex);
  const problem = verifyInclusion(leafIndex, treeSize, leafHash, inclusionProofs[sample] as Buffer[], roots.get(treeSize) as Buffer);
  if (problem !== null) fail(`inclusion ${leafIndex}/${treeSize}: ${problem.code}`);
});
console.log(`inclusion proof verification (${samples}):   ${percentiles(inclusionVerification)}`);

const consistencyProofs: Buffer[][] = [];
const consistencyGeneration = timeEach(samples, (sample) => {
  const { oldSize, newSize } = consistencyCases[sample] as { oldSize: number; newSize: number };
  consistencyProofs.push(proveConsistency(store, oldSize, newSize));
});
console.log(`consistency proof generation (${samples}):   ${percentiles(consistencyGeneration)}`);
const consistencyVerification = timeEach(samples, (sample) => {
  const { oldSize, newSize } = consistencyCases[sample] as { oldSize: number; newSize: number };
  const proof = consistencyProofs[sample] as Buffer[];
  const problem = verifyConsistency(oldSize, newSize, roots.get(oldSize) as Buffer, roots.get(newSize) as Buffer, proof);
  if (problem !== null) fail(`consistency ${oldSize} to ${newSize}: ${problem.code}`);
});
console.log(`consistency proof verification (${samples}): ${percentiles(consistencyVerification)}`);

const signer = createNoteSigner('lumen.example/audit', Buffer.alloc(32, 3));
const verifier = parseVerifierKey(verifierKeyOf(signer));
if (!verifier.ok) fail(verifier.problem.message);
const checkpoint = { origin: 'lumen.example/audit', treeSize: leafCount, rootHash: finalRoot, extensionLines: [] };
const notes: string[] = [];
const signing = timeEach(2000, () => notes.push(signCheckpoint(checkpoint, signer)));
console.log(`checkpoint signing (2000):               ${percentiles(signing)}`);
const opening = timeEach(2000, (sample) => {
  if (!openCheckpoint(notes[sample] as string, [verifier.value]).ok) fail('checkpoint did not verify');
});
console.log(`checkpoint open + verify (2000):         ${percentiles(opening)}`);

console.log(`peak RSS: ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MB`);
