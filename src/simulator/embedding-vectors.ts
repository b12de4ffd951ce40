// Deterministic embedding vectors: the same text always maps to the same unit-length vector, and
// different texts to different ones, so retrieval-style tests behave sensibly.
import { hashText, seededRandom } from './deterministic-random.ts';

export const EMBEDDING_DIMENSIONS_MAX = 8192;

export function embeddingVector(text: string, dimensions: number): number[] {
  const random = seededRandom(hashText(`embedding:${text}`));
  const values = new Array<number>(dimensions);
  let squaredLength = 0;
  for (let index = 0; index < dimensions; index += 1) {
    const value = random() * 2 - 1;
    values[index] = value;
    squaredLength += value * value;
  }
  const length = Math.sqrt(squaredLength) || 1;
  // Rounded through float32, so the float and base64 encodings carry the same numbers.
  const rounded = new Float32Array(dimensions);
  for (let index = 0; index < dimensions; index += 1) rounded[index] = (values[index] ?? 0) / length;
  return Array.from(rounded);
}

// OpenAI's `encoding_format: "base64"`: the little-endian float32 bytes, base64-encoded.
export function embeddingBase64(vector: readonly number[]): string {
  const bytes = Buffer.allocUnsafe(vector.length * 4);
  vector.forEach((value, index) => bytes.writeFloatLE(value, index * 4));
  return bytes.toString('base64');
}
