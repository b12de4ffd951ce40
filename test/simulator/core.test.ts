// The simulator's pure core: token rule, deterministic replies, schema-driven JSON, knobs.
import fc from 'fast-check';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { jsonValueFromSchema } from '../../src/simulator/json-from-schema.ts';
import { parseKnobs } from '../../src/simulator/knobs.ts';
import { parseMultipartForm } from '../../src/simulator/multipart-form.ts';
import { naturalReplyTokenCount, simulatedReplyText } from '../../src/simulator/reply-text.ts';
import { countSimulatedTokens, splitIntoTokenPieces } from '../../src/simulator/tokens.ts';
import type { SimulatedPrompt } from '../../src/simulator/turn.ts';
import { planTurn, textOfTurn } from '../../src/simulator/turn.ts';

function prompt(overrides: Partial<SimulatedPrompt> = {}): SimulatedPrompt {
  return {
    inputTexts: ['Hello there'],
    lastMessageText: 'Hello there',
    lastMessageIsFromUser: true,
    tools: [],
    toolChoice: { kind: 'auto' },
    responseFormat: { kind: 'text' },
    maxOutputTokens: undefined,
    forcedOutputTokens: undefined,
    ...overrides,
  };
}

test('given text with words and punctuation, when counted, then each word run and each symbol is a token', () => {
  assert.is(countSimulatedTokens('Hello, world!'), 4);
  assert.is(countSimulatedTokens('  '), 0);
  assert.is(countSimulatedTokens('{"a":1}'), 7);
});

test('given any text, when split into pieces, then the pieces rebuild it and number its tokens', () => {
  fc.assert(
    fc.property(fc.string(), (text) => {
      const pieces = splitIntoTokenPieces(text);
      assert.is(pieces.join(''), text);
      assert.is(pieces.length, Math.max(1, countSimulatedTokens(text)));
    }),
    { numRuns: 300 },
  );
});

test('given the same seed, when a reply is generated twice, then it is identical and has the planned token count', () => {
  const tokens = naturalReplyTokenCount('What is a ledger?');
  assert.ok(tokens >= 20 && tokens <= 60);
  const first = simulatedReplyText('What is a ledger?', tokens, true);
  assert.is(first, simulatedReplyText('What is a ledger?', tokens, true));
  assert.is(countSimulatedTokens(first), tokens);
  assert.ok(first.endsWith('.'));
  assert.is.not(first, simulatedReplyText('What is a balance?', tokens, true));
});

test('given any seed and length, when a finished reply is generated, then it has that many tokens and one final stop', () => {
  fc.assert(
    fc.property(fc.string(), fc.integer({ min: 2, max: 300 }), (seed, tokens) => {
      const text = simulatedReplyText(seed, tokens, true);
      assert.is(countSimulatedTokens(text), tokens);
      assert.ok(text.endsWith('.') && !text.includes('..') && !text.includes('. .'));
    }),
    { numRuns: 200 },
  );
});

test('given a max token limit below the natural length, when planned, then the reply is cut and says length', () => {
  const turn = planTurn(prompt({ maxOutputTokens: 5 }));
  assert.is(turn.kind, 'text');
  if (turn.kind !== 'text') return;
  assert.is(turn.finishReason, 'length');
  assert.is(turn.outputTokens, 5);
  assert.is(countSimulatedTokens(textOfTurn(turn)), 5);
});

test('given tools and a user message, when planned, then the named tool is called with schema-valid arguments', () => {
  const tools = [
    { name: 'first', parametersSchema: { type: 'object', properties: {} } },
    { name: 'weather', parametersSchema: { type: 'object', properties: { city: { type: 'string' }, unit: { enum: ['c', 'f'] } } } },
  ];
  const turn = planTurn(prompt({ tools, toolChoice: { kind: 'named', name: 'weather' } }));
  assert.equal(turn.kind === 'tool_call' ? JSON.parse(turn.argumentsJson) : undefined, { city: 'sample city', unit: 'c' });
  const afterToolResult = planTurn(prompt({ tools, lastMessageIsFromUser: false }));
  assert.is(afterToolResult.kind, 'text');
});

test('given a nested schema, when a value is built, then it follows types, bounds and Gemini upper-case types', () => {
  const schema = {
    type: 'OBJECT',
    properties: {
      count: { type: 'integer', minimum: 100 },
      tags: { type: 'array', items: { type: 'string' }, minItems: 2 },
      flag: { type: ['boolean', 'null'] },
      choice: { anyOf: [{ type: 'null' }, { type: 'number', maximum: 1 }] },
    },
  };
  assert.equal(jsonValueFromSchema(schema), { count: 100, tags: ['sample tags', 'sample tags'], flag: true, choice: 1 });
});

test('given headers and model markers, when knobs are parsed, then headers win and bad values are ignored', () => {
  const headers: Record<string, string> = { 'x-sim-status': '503', 'x-sim-cut-after': 'abc' };
  const knobs = parseKnobs((name) => headers[name], 'sim-error-429-sim-cut-after-4-sim-no-usage-sim-tokens-9');
  assert.is(knobs.errorStatus, 503);
  assert.is(knobs.cutAfterEvents, undefined);
  assert.is(knobs.omitUsage, true);
  assert.is(knobs.forcedOutputTokens, 9);
  assert.is(parseKnobs(() => undefined, 'gpt-4o').errorStatus, undefined);
  assert.is(parseKnobs(() => undefined, 'sim-error-429').errorStatus, 429);
});

test('given a multipart body, when parsed, then fields and file bytes come back', () => {
  const body = Buffer.from(
    '--XyZ\r\nContent-Disposition: form-data; name="model"\r\n\r\nwhisper-1\r\n' +
      '--XyZ\r\nContent-Disposition: form-data; name="file"; filename="a.wav"\r\nContent-Type: audio/wav\r\n\r\nRIFF\r\n\u0000\r\n' +
      '--XyZ--\r\n',
    'latin1',
  );
  const parts = parseMultipartForm(body, 'multipart/form-data; boundary=XyZ');
  assert.equal(parts.map((part) => [part.name, part.fileName]), [['model', undefined], ['file', 'a.wav']]);
  assert.is(parts[1]?.data.toString('latin1'), 'RIFF\r\n\u0000');
});

test.run();
