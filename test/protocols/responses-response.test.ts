import { test } from 'uvu';
import * as assert from 'uvu/assert';
import OpenAI from 'openai';
import type { CanonicalChatResult } from '../../src/protocols/canonical.ts';
import { canonicalToResponses } from '../../src/protocols/canonical-to-responses.ts';
import { parseResponsesRequest } from '../../src/protocols/responses-schema.ts';
import { responsesToCanonical } from '../../src/protocols/responses-to-canonical.ts';
import { withServedBytes } from './served-bytes.ts';

const identity = { id: 'resp_lumen1', model: 'fast', createdSeconds: 1770000000 };
const usage = { inputTokens: 50, outputTokens: 20, cachedInputTokens: 10, cacheCreationInputTokens: 0, reasoningTokens: 5 };
const echoOf = (body: Record<string, unknown>) => responsesToCanonical(parseResponsesRequest({ model: 'fast', input: 'hi', ...body })).echo;

test('given a text result, when rendered, then the response object is exactly what OpenAI returns', () => {
  const result: CanonicalChatResult = {
    id: 'up-1',
    model: 'claude',
    content: [{ type: 'reasoning', text: 'Short.' }, { type: 'text', text: 'Hello' }, { type: 'text', text: ' there' }],
    finish: { reason: 'stop', rawReason: 'end_turn' },
    usage,
  };
  assert.equal(canonicalToResponses(result, identity, echoOf({ instructions: 'Be brief.', metadata: { team: 'a' } })), {
    id: 'resp_lumen1',
    object: 'response',
    created_at: 1770000000,
    status: 'completed',
    background: false,
    error: null,
    incomplete_details: null,
    instructions: 'Be brief.',
    max_output_tokens: null,
    model: 'fast',
    output: [
      { id: 'rs_lumen1_0', type: 'reasoning', summary: [{ type: 'summary_text', text: 'Short.' }] },
      {
        id: 'msg_lumen1_1',
        type: 'message',
        status: 'completed',
        role: 'assistant',
        content: [
          { type: 'output_text', annotations: [], logprobs: [], text: 'Hello' },
          { type: 'output_text', annotations: [], logprobs: [], text: ' there' },
        ],
      },
    ],
    parallel_tool_calls: true,
    previous_response_id: null,
    reasoning: { effort: null, summary: null },
    store: true,
    temperature: 1,
    text: { format: { type: 'text' } },
    tool_choice: 'auto',
    tools: [],
    top_p: 1,
    truncation: 'disabled',
    usage: {
      input_tokens: 50,
      input_tokens_details: { cached_tokens: 10, cache_write_tokens: 0 },
      output_tokens: 20,
      output_tokens_details: { reasoning_tokens: 5 },
      total_tokens: 70,
    },
    metadata: { team: 'a' },
  });
});

test('given a truncated result, when rendered, then the response is incomplete with the reason and the message is incomplete', () => {
  const result: CanonicalChatResult = { id: 'x', model: 'm', content: [{ type: 'text', text: 'Once upon' }], finish: { reason: 'length', rawReason: 'max_tokens' } };
  const response = canonicalToResponses(result, identity, echoOf({ max_output_tokens: 2 }));
  assert.is(response.status, 'incomplete');
  assert.equal(response.incomplete_details, { reason: 'max_output_tokens' });
  assert.is(response.max_output_tokens, 2);
  assert.is(response.output[0]?.type === 'message' && response.output[0].status, 'incomplete');
});

test('given a rendered response with text and a call, when the OpenAI SDK fetches it, then output_text and the call read back', async () => {
  const result: CanonicalChatResult = {
    id: 'up-3',
    model: 'gpt',
    content: [{ type: 'text', text: 'Checking.' }, { type: 'tool-call', id: 'call_1', name: 'weather', arguments: '{"city":"Rome"}' }],
    finish: { reason: 'tool_calls', rawReason: 'tool_calls' },
    usage,
  };
  const body = JSON.stringify(canonicalToResponses(result, identity, echoOf({})));
  const response = await withServedBytes(body, 'application/json', (baseURL) =>
    new OpenAI({ baseURL, apiKey: 'test-key', maxRetries: 0 }).responses.create({ model: 'fast', input: 'hi' }),
  );
  assert.is(response.output_text, 'Checking.');
  assert.equal(response.output[1], { id: 'fc_lumen1_1', type: 'function_call', status: 'completed', arguments: '{"city":"Rome"}', call_id: 'call_1', name: 'weather' });
  assert.is(response.usage?.total_tokens, 70);
});

test.run();
