// Test helpers: read recorded fixtures, read raw SSE streams, and compare JSON shapes (the set of
// key paths with the JSON type at each), so a test can say "the simulator sends at least every
// field the real provider sent, with the same types".
import { readFileSync } from 'node:fs';

const FIXTURES = new URL('../fixtures/simulator/', import.meta.url);

export function fixtureJson(name: string): unknown {
  return JSON.parse(readFileSync(new URL(name, FIXTURES), 'utf8'));
}

export function fixtureChunks(name: string): Record<string, unknown>[] {
  return readFileSync(new URL(name, FIXTURES), 'utf8')
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => JSON.parse(line) as Record<string, unknown>);
}

function typeOf(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  return typeof value;
}

// Key paths with types; array elements collapse to `[]`, so two arrays of the same kind of
// element compare equal whatever their lengths.
export function shapeOf(value: unknown, path = '$', into = new Set<string>()): Set<string> {
  into.add(`${path}:${typeOf(value)}`);
  if (Array.isArray(value)) for (const element of value) shapeOf(element, `${path}[]`, into);
  else if (typeof value === 'object' && value !== null) {
    for (const [key, child] of Object.entries(value)) shapeOf(child, `${path}.${key}`, into);
  }
  return into;
}

// The paths of `expected` that `actual` lacks, ignoring paths under any of `ignored` prefixes
// (fields a real provider sends that the simulator deliberately leaves out).
export function missingShape(expected: unknown, actual: unknown, ignored: readonly string[] = []): string[] {
  const actualShape = shapeOf(actual);
  return [...shapeOf(expected)].filter(
    (path) => !actualShape.has(path) && !ignored.some((prefix) => path.startsWith(prefix)),
  );
}

export interface ServerSentEvent {
  event: string | undefined;
  data: string;
}

// A deliberately simple SSE reader for tests: splits on blank lines (LF or CRLF framing) and
// reads the `event:` and `data:` fields.
export function parseServerSentEvents(body: string): ServerSentEvent[] {
  return body
    .split(/\r?\n\r?\n/)
    .filter((block) => block.trim() !== '')
    .map((block) => {
      let event: string | undefined;
      const data: string[] = [];
      for (const line of block.split(/\r?\n/)) {
        if (line.startsWith('event: ')) event = line.slice('event: '.length);
        else if (line.startsWith('data: ')) data.push(line.slice('data: '.length));
      }
      return { event, data: data.join('\n') };
    });
}

export async function postJson(url: string, body: unknown, headers: Record<string, string> = {}): Promise<Response> {
  return fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });
}
