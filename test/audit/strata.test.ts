// Keeping only every fourth level of the tree must not change a single proof or root: a reader
// that holds only the kept levels (and the leaves), refolding the rest, answers exactly as a
// reader holding every node.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import fc from 'fast-check';
import {
  CompactRange, MemoryNodeStore, hashLeaf, proveConsistency, proveConsistencyBatched, proveInclusion, proveInclusionBatched,
  treeRoot, treeRootBatched, frontierNodeIds,
} from '../../src/audit/merkle.ts';
import type { BatchNodeReader, NodeId } from '../../src/audit/merkle.ts';
import { isKeptLevel, keptDescendants, keptInteriorNodes, planKeptReads } from '../../src/audit/strata.ts';

const SIZE = 1500;
const full = new MemoryNodeStore();
const keptNodes = new Map<string, Buffer>();
{
  const range = CompactRange.empty();
  for (let index = 0; index < SIZE; index += 1) {
    const completed = range.append(hashLeaf(Buffer.from(`event ${index}`)));
    full.putNodes(completed);
    for (const node of [completed[0]!, ...keptInteriorNodes(completed)]) keptNodes.set(`${node.level}:${node.index}`, node.hash);
  }
}

const keptOnly: BatchNodeReader = {
  async getNodes(ids: readonly NodeId[]) {
    const plan = planKeptReads(ids);
    return plan.assemble(plan.kept.map((id) => {
      assert.ok(isKeptLevel(id.level), `read of a level that is not kept: ${id.level}`);
      const hash = keptNodes.get(`${id.level}:${id.index}`);
      if (hash === undefined) throw new Error(`node ${id.level}:${id.index} not kept`);
      return hash;
    }));
  },
};

test('given levels 1-3 dropped, kept descendants are 2^(level mod 4) nodes at the kept level below', () => {
  assert.equal(keptDescendants({ level: 4, index: 3 }), [{ level: 4, index: 3 }]);
  assert.equal(keptDescendants({ level: 2, index: 1 }), [0, 1, 2, 3].map((offset) => ({ level: 0, index: 4 + offset })));
  assert.equal(keptDescendants({ level: 7, index: 0 }).length, 8);
  assert.ok(keptNodes.size < SIZE * 1.1, 'about one interior node per fifteen leaves is kept');
});

test('given any size and leaf, proofs and roots from the kept levels equal those from every node', async () => {
  await fc.assert(fc.asyncProperty(fc.integer({ min: 1, max: SIZE }), fc.nat(), fc.nat(), async (size, leafSeed, oldSeed) => {
    const leafIndex = leafSeed % size;
    const oldSize = 1 + (oldSeed % size);
    assert.equal(await proveInclusionBatched(keptOnly, leafIndex, size), proveInclusion(full, leafIndex, size));
    assert.equal(await proveConsistencyBatched(keptOnly, oldSize, size), proveConsistency(full, oldSize, size));
    assert.equal(await treeRootBatched(keptOnly, size), treeRoot(full, size));
    const frontier = await keptOnly.getNodes(frontierNodeIds(size));
    assert.equal(CompactRange.resume(size, [...frontier]).root(), treeRoot(full, size));
  }), { numRuns: 300, seed: 11 });
});

test.run();
