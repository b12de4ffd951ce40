// Canonical bytes of ledger payloads: RFC 8785 (JSON Canonicalization Scheme). Hashes are taken
// over these bytes, so the same event always hashes the same on every machine and adapter.
//
// One pass both checks that a value is plain JSON and writes its canonical text: object keys in
// UTF-16 code-unit order (what Array.prototype.sort does for strings), numbers and strings as
// ECMAScript's JSON.stringify writes them (which is what RFC 8785 prescribes), and lone
// surrogates refused. It is tested against the `canonicalize` package as the reference; it
// exists because the append path canonicalizes every payload and a second validation walk
// cost as much as the serialization itself.
import { StoreError } from './event-store.ts';

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
  const text = write(value, limits.depthMax, path);
  // UTF-8 is at most 3 bytes per UTF-16 unit: only long texts need the exact count.
  if (text.length * 3 > limits.bytesMax && Buffer.byteLength(text) > limits.bytesMax) {
    throw new StoreError('invalid_event', `${path} is larger than ${limits.bytesMax} bytes`);
  }
  return text;
}

function write(value: unknown, depthLeft: number, path: string): string {
  switch (typeof value) {
    case 'string':
      if (hasLoneSurrogate(value)) throw new StoreError('invalid_event', `${path} holds a lone surrogate`);
      return JSON.stringify(value);
    case 'number':
      if (!Number.isFinite(value)) throw new StoreError('invalid_event', `${path} is not a finite number`);
      return JSON.stringify(value);
    case 'boolean':
      return value ? 'true' : 'false';
    case 'object':
      if (value === null) return 'null';
      if (depthLeft <= 0) throw new StoreError('invalid_event', `${path} is nested too deeply`);
      if (Array.isArray(value)) {
        return `[${value.map((item, index) => write(item, depthLeft - 1, `${path}[${index}]`)).join(',')}]`;
      }
      if (Object.getPrototypeOf(value) !== Object.prototype && Object.getPrototypeOf(value) !== null) break;
      return writeObject(value as Record<string, unknown>, depthLeft, path);
    default:
      break;
  }
  throw new StoreError('invalid_event', `${path} is not plain JSON (${value === null ? 'null' : typeof value})`);
}

function writeObject(object: Record<string, unknown>, depthLeft: number, path: string): string {
  const keys = Object.keys(object).sort();
  let text = '{';
  for (let index = 0; index < keys.length; index += 1) {
    const key = keys[index]!;
    if (hasLoneSurrogate(key)) throw new StoreError('invalid_event', `${path} has a key with a lone surrogate`);
    if (index > 0) text += ',';
    text += `${JSON.stringify(key)}:${write(object[key], depthLeft - 1, `${path}.${key}`)}`;
  }
  return `${text}}`;
}

function hasLoneSurrogate(text: string): boolean {
  for (let index = 0; index < text.length; index += 1) {
    const code = text.charCodeAt(index);
    if (code < 0xd800 || code > 0xdfff) continue;
    if (code >= 0xdc00) return true;
    const next = text.charCodeAt(index + 1);
    if (!(next >= 0xdc00 && next <= 0xdfff)) return true;
    index += 1;
  }
  return false;
}
