// A faithful port of numpy.interp for one query point (numpy/_core/src/multiarray/compiled_base.c,
// `arr_interp` with `binary_search_with_guess`). RouteLLM computes CPT with np.interp over
// accuracies that need not increase monotonically; numpy then does not fail but returns
// whatever its guessed binary search lands on. To report CPT exactly as RouteLLM does, we
// reproduce that search step by step rather than a "cleaner" crossing search.

const likelyInCacheSize = 8;

/** numpy's search: index j with xp[j] <= x < xp[j+1] (for sorted xp), -1 below, length above. */
function binarySearchWithGuess(key: number, xp: readonly number[], initialGuess: number): number {
  const length = xp.length;
  let low = 0;
  let high = length;
  if (key > (xp[length - 1] as number)) return length;
  if (key < (xp[0] as number)) return -1;
  if (length <= 4) {
    let index = 1;
    while (index < length && key >= (xp[index] as number)) index += 1;
    return index - 1;
  }
  const guess = Math.max(1, Math.min(initialGuess, length - 3));
  if (key < (xp[guess] as number)) {
    if (key >= (xp[guess - 1] as number)) return guess - 1;
    high = guess - 1;
    if (guess > likelyInCacheSize && key >= (xp[guess - likelyInCacheSize] as number)) {
      low = guess - likelyInCacheSize;
    }
  } else {
    if (key < (xp[guess + 1] as number)) return guess;
    if (key < (xp[guess + 2] as number)) return guess + 1;
    low = guess + 2;
    if (guess < length - likelyInCacheSize - 1 && key < (xp[guess + likelyInCacheSize] as number)) {
      high = guess + likelyInCacheSize;
    }
  }
  while (low < high) {
    const middle = low + ((high - low) >> 1);
    if (key >= (xp[middle] as number)) low = middle + 1;
    else high = middle;
  }
  return low - 1;
}

/** numpy.interp(x, xp, fp) for a scalar x and default left/right (the end values of fp). */
export function numpyInterp(x: number, xp: readonly number[], fp: readonly number[]): number {
  if (xp.length === 0 || xp.length !== fp.length) {
    throw new Error('numpyInterp needs non-empty xp and fp of equal length');
  }
  if (Number.isNaN(x)) return x;
  const last = xp.length - 1;
  // numpy starts each call with guess 0 (then clamps it to 1 inside the search).
  const index = binarySearchWithGuess(x, xp, 0);
  if (index === -1) return fp[0] as number;
  if (index === xp.length) return fp[last] as number;
  if (index === last) return fp[last] as number;
  const xLow = xp[index] as number;
  const yLow = fp[index] as number;
  if (xLow === x) return yLow;
  const xHigh = xp[index + 1] as number;
  const yHigh = fp[index + 1] as number;
  const slope = (yHigh - yLow) / (xHigh - xLow);
  const result = slope * (x - xLow) + yLow;
  if (!Number.isNaN(result)) return result;
  const fromHigh = slope * (x - xHigh) + yHigh;
  return Number.isNaN(fromHigh) && yLow === yHigh ? yLow : fromHigh;
}
