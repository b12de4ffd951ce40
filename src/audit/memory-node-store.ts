// An in-memory store of perfect-subtree hashes, for tests, benchmarks and offline tools.
// Each level is a list of fixed-size chunks of packed 32-byte hashes rather than one Buffer per
// node, which keeps a million-leaf tree (two million nodes) at about 64 MB.
import { HASH_SIZE_BYTES, hashesEqual, isHashSized } from './merkle-hash.ts';
import type { NodeId, NodeReader, BatchNodeReader, StoredNode } from './merkle-nodes.ts';
import { invariant } from './invariant.ts';

const NODES_PER_CHUNK = 4096;

interface Level {
  chunks: Buffer[];
  count: number;
}

export class MemoryNodeStore implements NodeReader, BatchNodeReader {
  private readonly levels: Level[] = [];

  /**
   * Stores nodes as CompactRange.append emits them. Each level grows strictly left to right;
   * writing an existing node again is allowed only with the same hash, so replays are harmless
   * and a conflicting rewrite is caught.
   */
  putNodes(nodes: readonly StoredNode[]): void {
    for (const node of nodes) this.putNode(node);
  }

  getNode(level: number, index: number): Buffer {
    const stored = this.levels[level];
    invariant(stored !== undefined && Number.isInteger(index) && index >= 0 && index < stored.count,
      `node (${level}, ${index}) is not stored`);
    const chunk = stored.chunks[Math.floor(index / NODES_PER_CHUNK)] as Buffer;
    const offset = (index % NODES_PER_CHUNK) * HASH_SIZE_BYTES;
    return chunk.subarray(offset, offset + HASH_SIZE_BYTES);
  }

  async getNodes(ids: readonly NodeId[]): Promise<readonly Buffer[]> {
    return ids.map((id) => this.getNode(id.level, id.index));
  }

  /** How many nodes of a level are stored; level 0 counts the leaves. */
  countAt(level: number): number {
    return this.levels[level]?.count ?? 0;
  }

  private putNode(node: StoredNode): void {
    invariant(isHashSized(node.hash), `node (${node.level}, ${node.index}) hash is not 32 bytes`);
    const level = this.levelAt(node.level);
    if (node.index < level.count) {
      invariant(hashesEqual(this.getNode(node.level, node.index), node.hash),
        `node (${node.level}, ${node.index}) is already stored with another hash`);
      return;
    }
    invariant(node.index === level.count,
      `node (${node.level}, ${node.index}) skips ahead of ${level.count} stored nodes`);
    const offset = (node.index % NODES_PER_CHUNK) * HASH_SIZE_BYTES;
    if (offset === 0) level.chunks.push(Buffer.alloc(NODES_PER_CHUNK * HASH_SIZE_BYTES));
    node.hash.copy(level.chunks[level.chunks.length - 1] as Buffer, offset);
    level.count += 1;
  }

  private levelAt(level: number): Level {
    invariant(Number.isInteger(level) && level >= 0 && level < 64, `level ${level} is out of range`);
    while (this.levels.length <= level) this.levels.push({ chunks: [], count: 0 });
    return this.levels[level] as Level;
  }
}
