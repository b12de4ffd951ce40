// From prompt features to the rows the logistic fit reads: a vocabulary of terms seen in enough
// prompts (capped, ties broken by term id), their inverse document frequency, and for every
// prompt a unit-length tf-idf vector over that vocabulary (presence times idf, then divided by
// the length). Prediction builds the very same vector, through the same functions.
import type { PromptFeatures } from './features.ts';
import type { SparseRows } from './logistic.ts';

/**
 * Open-addressing table from hashed term id (non-negative) to its position in the vocabulary.
 * Keys and positions are interleaved (slot s holds key at 2s, position at 2s + 1) so a lookup
 * touches one cache line: this sits on the routing hot path.
 */
export type TermTable = { readonly slots: Int32Array; readonly mask: number };

export function buildTermTable(terms: ArrayLike<number>): TermTable {
  let capacity = 16;
  while (capacity < terms.length * 2) capacity *= 2;
  const slots = new Int32Array(capacity * 2).fill(-1);
  const mask = capacity - 1;
  for (let position = 0; position < terms.length; position += 1) {
    const term = terms[position] as number;
    let slot = Math.imul(term, 0x9e3779b1) & mask;
    while (slots[slot * 2] !== -1 && slots[slot * 2] !== term) slot = (slot + 1) & mask;
    slots[slot * 2] = term;
    slots[slot * 2 + 1] = position;
  }
  return { slots, mask };
}

/** Position of `term` in the vocabulary, or -1. */
export function lookupTerm(table: TermTable, term: number): number {
  const { slots, mask } = table;
  let slot = Math.imul(term, 0x9e3779b1) & mask;
  for (;;) {
    const key = slots[slot * 2] as number;
    if (key === term) return slots[slot * 2 + 1] as number;
    if (key === -1) return -1;
    slot = (slot + 1) & mask;
  }
}

export function inverseDocumentFrequency(promptCount: number, documentFrequency: number): number {
  return Math.log((promptCount + 1) / (documentFrequency + 1)) + 1;
}

export type Vocabulary = {
  readonly promptCount: number;
  /** Ascending term ids. */
  readonly terms: Int32Array;
  readonly documentFrequencies: Int32Array;
  readonly inverseFrequencies: Float64Array;
  readonly table: TermTable;
};

export function vocabularyFrom(promptCount: number, terms: Int32Array, documentFrequencies: Int32Array): Vocabulary {
  return {
    promptCount,
    terms,
    documentFrequencies,
    inverseFrequencies: Float64Array.from(documentFrequencies, (frequency) => inverseDocumentFrequency(promptCount, frequency)),
    table: buildTermTable(terms),
  };
}

/** Terms in at least `minimumDocumentFrequency` prompts; beyond `maximumTerms`, the most frequent. */
export function buildVocabulary(prompts: readonly PromptFeatures[], minimumDocumentFrequency: number, maximumTerms: number): Vocabulary {
  const counts = new Map<number, number>();
  for (const prompt of prompts) {
    for (const term of prompt.termIndices) counts.set(term, (counts.get(term) ?? 0) + 1);
  }
  let kept = [...counts.entries()].filter(([, frequency]) => frequency >= minimumDocumentFrequency);
  if (kept.length > maximumTerms) {
    kept.sort((left, right) => right[1] - left[1] || left[0] - right[0]);
    kept = kept.slice(0, maximumTerms);
  }
  kept.sort((left, right) => left[0] - right[0]);
  return vocabularyFrom(prompts.length, Int32Array.from(kept, ([term]) => term), Int32Array.from(kept, ([, frequency]) => frequency));
}

/** One unit-length row per prompt; terms outside the vocabulary are left out. */
export function designRows(prompts: readonly PromptFeatures[], vocabulary: Vocabulary): SparseRows {
  const rowStart = new Int32Array(prompts.length + 1);
  const columns: number[] = [];
  const values: number[] = [];
  prompts.forEach((prompt, row) => {
    const first = columns.length;
    let squaredNorm = 0;
    for (const term of prompt.termIndices) {
      const position = lookupTerm(vocabulary.table, term);
      if (position === -1) continue;
      const value = vocabulary.inverseFrequencies[position] as number;
      columns.push(position);
      values.push(value);
      squaredNorm += value * value;
    }
    const inverseNorm = squaredNorm > 0 ? 1 / Math.sqrt(squaredNorm) : 0;
    for (let entry = first; entry < values.length; entry += 1) values[entry] = (values[entry] as number) * inverseNorm;
    rowStart[row + 1] = columns.length;
  });
  return { rowStart, columns: Int32Array.from(columns), values: Float64Array.from(values), columnCount: vocabulary.terms.length };
}
