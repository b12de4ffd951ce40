// Deterministic, dependency-free hashing and pseudo-random numbers for the router.
// Fitting must give byte-identical parameters for the same history, so nothing here
// may depend on the platform, the clock or Math.random.
import { seededRandom } from '../domain/seeded-random.ts';

export const fnvOffsetBasis = 0x811c9dc5;
export const fnvPrime = 0x01000193;

/**
 * The final avalanche step applied to a running FNV-1a state, so that short strings differing
 * in one character still spread over all bucket bits (plain FNV-1a leaves the low bits correlated).
 */
export function avalanche(state: number): number {
  let hash = state;
  hash ^= hash >>> 16;
  hash = Math.imul(hash, 0x85ebca6b);
  hash ^= hash >>> 13;
  hash = Math.imul(hash, 0xc2b2ae35);
  hash ^= hash >>> 16;
  return hash >>> 0;
}

/** 32-bit FNV-1a over the UTF-16 code units of a string, then the avalanche, as an unsigned integer. */
export function hashString(text: string, seed = 0): number {
  let hash = (fnvOffsetBasis ^ seed) >>> 0;
  for (let index = 0; index < text.length; index += 1) {
    hash ^= text.charCodeAt(index);
    hash = Math.imul(hash, fnvPrime);
  }
  return avalanche(hash);
}


/** Rounds to a fixed number of decimals so serialized parameters are stable and short. */
export function roundTo(value: number, decimals: number): number {
  const factor = 10 ** decimals;
  const rounded = Math.round(value * factor) / factor;
  // Normalise negative zero: JSON.stringify(-0) is "0" but Object.is differs in tests.
  return rounded === 0 ? 0 : rounded;
}

/** Seeded generator for fitting; the one implementation lives in src/domain/seeded-random.ts. */
export const createSeededRandom = seededRandom;
