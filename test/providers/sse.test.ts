import { test } from 'uvu';
import * as assert from 'uvu/assert';
import fc from 'fast-check';
import { parseSse, SseError, SseParser, type SseEvent } from '../../src/providers/sse.ts';

const encoder = new TextEncoder();

function parseInChunks(bytes: Uint8Array, cutPoints: number[]): SseEvent[] {
  const parser = new SseParser({ lineBytesMax: 1024, eventBytesMax: 4096 });
  const cuts = [...new Set(cutPoints.map((cut) => cut % (bytes.length + 1)))].sort((a, b) => a - b);
  const events: SseEvent[] = [];
  let start = 0;
  for (const cut of [...cuts, bytes.length]) {
    events.push(...parser.push(bytes.subarray(start, cut)));
    start = cut;
  }
  return events;
}

const sample =
  '\uFEFF: a comment\r\nevent: message_start\r\ndata: {"a":1}\r\n\r\n' +
  'data: first line\ndata:second line\nid: 7\n\n' +
  'retry: 1000\revent: ping\rdata: caf\u00e9 \u2603\r\r' +
  'data\n\n' +
  'event: ignored-because-no-data\n\n' +
  'data: unterminated';

const expected: SseEvent[] = [
  { event: 'message_start', data: '{"a":1}', id: '' },
  { event: 'message', data: 'first line\nsecond line', id: '7' },
  { event: 'ping', data: 'caf\u00e9 \u2603', id: '7' },
  { event: 'message', data: '', id: '7' },
];

test('given a stream mixing CRLF, LF and CR endings, when parsed whole, then the events follow the standard', () => {
  assert.equal(parseInChunks(encoder.encode(sample), []), expected);
});

test('given the same stream, when fed one byte at a time, then the events are the same', () => {
  const bytes = encoder.encode(sample);
  const cuts = Array.from({ length: bytes.length }, (_, index) => index);
  assert.equal(parseInChunks(bytes, cuts), expected);
});

test('given the same stream, when split at any random points, then the events are the same', () => {
  const bytes = encoder.encode(sample);
  fc.assert(
    fc.property(fc.array(fc.nat(), { maxLength: 40 }), (cuts) => {
      assert.equal(parseInChunks(bytes, cuts), expected);
    }),
    { numRuns: 300 },
  );
});

test('given arbitrary data payloads and line endings, when framed and split randomly, then each payload comes back', () => {
  const payload = fc.string({ unit: 'grapheme', maxLength: 30 }).filter((text) => !/[\r\n]/.test(text));
  const ending = fc.constantFrom('\n', '\r', '\r\n');
  fc.assert(
    fc.property(fc.array(fc.tuple(payload, ending), { minLength: 1, maxLength: 8 }), fc.array(fc.nat(), { maxLength: 20 }), (framed, cuts) => {
      const text = framed.map(([data, lineEnd]) => `data: ${data}${lineEnd}${lineEnd}`).join('');
      const events = parseInChunks(encoder.encode(text), cuts);
      assert.equal(
        events.map((event) => event.data),
        framed.map(([data]) => data),
      );
    }),
    { numRuns: 300 },
  );
});

test('given a line longer than the limit, when parsed, then a typed error names the limit', () => {
  const parser = new SseParser({ lineBytesMax: 16, eventBytesMax: 1024 });
  try {
    parser.push(encoder.encode('data: ' + 'x'.repeat(8)));
    parser.push(encoder.encode('x'.repeat(8)));
    assert.unreachable('expected an SseError');
  } catch (error) {
    assert.instance(error, SseError);
    assert.is((error as SseError).code, 'sse_line_too_long');
  }
});

test('given many data lines adding up past the event limit, when parsed, then a typed error is raised', () => {
  const parser = new SseParser({ lineBytesMax: 64, eventBytesMax: 20 });
  assert.throws(() => parser.push(encoder.encode('data: 0123456789\ndata: 0123456789\n')), (error: unknown) => error instanceof SseError && error.code === 'sse_event_too_large');
});

test('given a web ReadableStream, when parsed with parseSse, then events arrive in order', async () => {
  const stream = new ReadableStream<Uint8Array>({
    start(controller) {
      controller.enqueue(encoder.encode('data: one\n'));
      controller.enqueue(encoder.encode('\ndata: two\n\n'));
      controller.close();
    },
  });
  const events: string[] = [];
  for await (const event of parseSse(stream)) events.push(event.data);
  assert.equal(events, ['one', 'two']);
});

test.run();
