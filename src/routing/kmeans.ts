// Spherical k-means with k-means++ seeding over sparse unit vectors. Deterministic: the only
// randomness is the seeded generator, and ties always go to the lowest index.
// Centers live in one term-major matrix (all kinds' weights for a term side by side), so
// scoring a sparse prompt against every kind reads memory in order rather than at random.
import { createSeededRandom } from './hashing.ts';

export type SparseVector = { readonly indices: Int32Array; readonly values: Float64Array };

export type KMeansOptions = { readonly kindCount: number; readonly seed: number; readonly iterations: number };

/** `weights[term * kindCount + kind]`: unit-length centers, stored term-major. */
export type CenterMatrix = { readonly kindCount: number; readonly dimension: number; readonly weights: Float64Array };

export type KMeansResult = { readonly centers: CenterMatrix; readonly assignments: Int32Array };

/** Cosine similarity of a unit vector to every center, written into `similarities`. */
function scoreAgainstCenters(vector: SparseVector, centers: CenterMatrix, similarities: Float64Array): void {
  const kindCount = centers.kindCount;
  similarities.fill(0);
  for (let entry = 0; entry < vector.indices.length; entry += 1) {
    const value = vector.values[entry] as number;
    const offset = (vector.indices[entry] as number) * kindCount;
    for (let kind = 0; kind < kindCount; kind += 1) {
      similarities[kind] = (similarities[kind] as number) + value * (centers.weights[offset + kind] as number);
    }
  }
}

function similarityToOne(vector: SparseVector, centers: CenterMatrix, kind: number): number {
  let total = 0;
  for (let entry = 0; entry < vector.indices.length; entry += 1) {
    total += (vector.values[entry] as number) * (centers.weights[(vector.indices[entry] as number) * centers.kindCount + kind] as number);
  }
  return total;
}

function placeCenter(vector: SparseVector, centers: CenterMatrix, kind: number): void {
  for (let term = 0; term < centers.dimension; term += 1) centers.weights[term * centers.kindCount + kind] = 0;
  for (let entry = 0; entry < vector.indices.length; entry += 1) {
    centers.weights[(vector.indices[entry] as number) * centers.kindCount + kind] = vector.values[entry] as number;
  }
}

/** k-means++: each next center is drawn with probability proportional to squared cosine distance. */
function seedCenters(vectors: readonly SparseVector[], centers: CenterMatrix, seed: number): void {
  const nextRandom = createSeededRandom(seed);
  placeCenter(vectors[Math.floor(nextRandom() * vectors.length)] as SparseVector, centers, 0);
  const distances = new Float64Array(vectors.length);
  vectors.forEach((vector, index) => {
    distances[index] = squaredDistance(similarityToOne(vector, centers, 0));
  });
  for (let kind = 1; kind < centers.kindCount; kind += 1) {
    let total = 0;
    for (const distance of distances) total += distance;
    let target = nextRandom() * total;
    let chosen = distances.length - 1;
    for (let index = 0; index < distances.length; index += 1) {
      target -= distances[index] as number;
      if (target < 0) {
        chosen = index;
        break;
      }
    }
    placeCenter(vectors[chosen] as SparseVector, centers, kind);
    vectors.forEach((vector, index) => {
      distances[index] = Math.min(distances[index] as number, squaredDistance(similarityToOne(vector, centers, kind)));
    });
  }
}

function squaredDistance(similarity: number): number {
  const distance = Math.max(0, 1 - similarity);
  return distance * distance;
}

function argmax(values: Float64Array): number {
  let best = 0;
  for (let index = 1; index < values.length; index += 1) if ((values[index] as number) > (values[best] as number)) best = index;
  return best;
}

/** Each center becomes the normalised sum of its members; an empty kind takes the worst-fit point. */
function updateCenters(vectors: readonly SparseVector[], assignments: Int32Array, centers: CenterMatrix, fit: Float64Array): void {
  const { kindCount, weights } = centers;
  const memberCounts = new Int32Array(kindCount);
  weights.fill(0);
  vectors.forEach((vector, index) => {
    const kind = assignments[index] as number;
    memberCounts[kind] = (memberCounts[kind] as number) + 1;
    for (let entry = 0; entry < vector.indices.length; entry += 1) {
      const cell = (vector.indices[entry] as number) * kindCount + kind;
      weights[cell] = (weights[cell] as number) + (vector.values[entry] as number);
    }
  });
  const squaredNorms = new Float64Array(kindCount);
  for (let cell = 0; cell < weights.length; cell += 1) squaredNorms[cell % kindCount] = (squaredNorms[cell % kindCount] as number) + (weights[cell] as number) ** 2;
  for (let cell = 0; cell < weights.length; cell += 1) {
    const norm = squaredNorms[cell % kindCount] as number;
    weights[cell] = norm > 0 ? (weights[cell] as number) / Math.sqrt(norm) : 0;
  }
  for (let kind = 0; kind < kindCount; kind += 1) {
    if (memberCounts[kind] !== 0) continue;
    let worst = 0;
    fit.forEach((similarity, index) => {
      if (similarity < (fit[worst] as number)) worst = index;
    });
    fit[worst] = Infinity;
    placeCenter(vectors[worst] as SparseVector, centers, kind);
  }
}

export function sphericalKMeans(vectors: readonly SparseVector[], dimension: number, options: KMeansOptions): KMeansResult {
  const kindCount = Math.min(options.kindCount, vectors.length);
  const centers: CenterMatrix = { kindCount, dimension, weights: new Float64Array(dimension * kindCount) };
  const assignments = new Int32Array(vectors.length);
  if (kindCount === 0) return { centers, assignments };
  seedCenters(vectors, centers, options.seed);
  const fit = new Float64Array(vectors.length);
  const similarities = new Float64Array(kindCount);
  for (let iteration = 0; iteration < options.iterations; iteration += 1) {
    let changed = 0;
    vectors.forEach((vector, index) => {
      scoreAgainstCenters(vector, centers, similarities);
      const nearest = argmax(similarities);
      if (nearest !== assignments[index] || iteration === 0) changed += 1;
      assignments[index] = nearest;
      fit[index] = similarities[nearest] as number;
    });
    if (changed === 0) break;
    updateCenters(vectors, assignments, centers, fit);
  }
  return { centers, assignments };
}

/** One center as a dense column (for truncation and export). */
export function centerColumn(centers: CenterMatrix, kind: number): Float64Array {
  const column = new Float64Array(centers.dimension);
  for (let term = 0; term < centers.dimension; term += 1) column[term] = centers.weights[term * centers.kindCount + kind] as number;
  return column;
}
