// Canonical bytes of ledger payloads: RFC 8785 (JSON Canonicalization Scheme). Hashes are taken
// over these bytes, so the same event always hashes the same on every machine and adapter.
import canonicalize from 'canonicalize';
import { StoreError, type JsonValue } from './event-store.ts';

export interface JsonLimits {
  /** Deepest nesting accepted; deeper payloads are refused rather than risking stack depth. */
  depthMax: number;
  /** Longest canonical text accepted for one event's data or metadata. */
  bytesMax: number;
}

export const DEFAULT_JSON_LIMITS: JsonLimits = { depthMax: 32, bytesMax: 256 * 1024 };

/**
 * Checks that a value is plain JSON (objects, arrays, strings, finite numbers, booleans, null)
 * and returns its canonical text. Anything JSON.stringify would silently drop or change
 * (undefined, NaN, Infinity, functions, bigints, Dates, class instances) is refused.
 */
export function canonicalJson(value: unknown, limits: JsonLimits = DEFAULT_JSON_LIMITS, path = '$'): string {
  assertPlainJson(value, limits.depthMax, path);
  const text = canonicalize(value);
  if (text === undefined) throw new StoreError('invalid_event', `${path} is not JSON`);
  if (Buffer.byteLength(text) > limits.bytesMax) {
    throw new StoreError('invalid_event', `${path} is larger than ${limits.bytesMax} bytes`);
  }
  return text;
}

function assertPlainJson(value: unknown, depthLeft: number, path: string): asserts value is JsonValue {
  if (depthLeft < 0) throw new StoreError('invalid_event', `${path} is nested too deeply`);
  if (value === null || typeof value === 'string' || typeof value === 'boolean') return;
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new StoreError('invalid_event', `${path} is not a finite number`);
    return;
  }
  if (Array.isArray(value)) {
    value.forEach((item, index) => assertPlainJson(item, depthLeft - 1, `${path}[${index}]`));
    return;
  }
  if (typeof value === 'object' && Object.getPrototypeOf(value) === Object.prototype) {
    for (const [key, item] of Object.entries(value)) assertPlainJson(item, depthLeft - 1, `${path}.${key}`);
    return;
  }
  throw new StoreError('invalid_event', `${path} is not plain JSON (${typeof value})`);
}
