import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { CanonicalChatResult } from '../../src/protocols/canonical.ts';
import { canonicalToResponses } from '../../src/protocols/canonical-to-responses.ts';
import { parseResponsesRequest } from '../../src/protocols/responses-schema.ts';
import { continueConversation, responsesToCanonical, turnsToStore } from '../../src/protocols/responses-to-canonical.ts';
import { TranslationError } from '../../src/protocols/translation-error.ts';
import { openAIChatBody } from '../../src/providers/openai/request.ts';

const translate = (body: unknown) => responsesToCanonical(parseResponsesRequest(body));

function refusal(body: unknown): TranslationError {
  try {
    translate(body);
  } catch (error) {
    if (error instanceof TranslationError) return error;
    throw error;
  }
  assert.unreachable('expected a TranslationError');
  throw new Error('unreachable');
}

const weatherTool = { type: 'function', name: 'weather', description: 'Weather by city', parameters: { type: 'object', properties: { city: { type: 'string' } } }, strict: true };

test('given a full Responses request, when translated, then every modelled field reaches the canonical call', () => {
  const call = translate({
    model: 'fast',
    instructions: 'Be brief.',
    input: [
      { role: 'developer', content: 'Answer in English.' },
      { role: 'user', content: [{ type: 'input_text', text: 'What is here?' }, { type: 'input_image', image_url: 'data:image/png;base64,iVBORw0K', detail: 'auto' }] },
      { type: 'message', id: 'msg_1', status: 'completed', role: 'assistant', content: [{ type: 'output_text', text: 'A cat.', annotations: [] }] },
      { role: 'user', content: 'Weather in Rome?' },
    ],
    tools: [weatherTool],
    tool_choice: { type: 'function', name: 'weather' },
    parallel_tool_calls: false,
    max_output_tokens: 300,
    temperature: 0.2,
    top_p: 0.9,
    text: { format: { type: 'json_schema', name: 'answer', schema: { type: 'object' }, strict: true } },
    reasoning: { effort: 'low', summary: 'auto' },
    include: ['reasoning.encrypted_content'],
    store: false,
    previous_response_id: 'resp_earlier',
    metadata: { team: 'search' },
    user: 'u-1',
    stream: true,
    service_tier: 'flex',
  });
  assert.is(call.model, 'fast');
  assert.is(call.stream, true);
  assert.is(call.store, false);
  assert.is(call.previousResponseId, 'resp_earlier');
  assert.equal(call.request, {
    messages: [
      { role: 'system', content: [{ type: 'text', text: 'Be brief.' }] },
      { role: 'developer', content: [{ type: 'text', text: 'Answer in English.' }] },
      { role: 'user', content: [{ type: 'text', text: 'What is here?' }, { type: 'image', source: { kind: 'base64', mediaType: 'image/png', data: 'iVBORw0K' } }] },
      { role: 'assistant', content: [{ type: 'text', text: 'A cat.' }] },
      { role: 'user', content: [{ type: 'text', text: 'Weather in Rome?' }] },
    ],
    sampling: { temperature: 0.2, topP: 0.9, maxOutputTokens: 300 },
    tools: [{ type: 'function', name: 'weather', description: 'Weather by city', parameters: weatherTool.parameters, strict: true }],
    toolChoice: { type: 'tool', name: 'weather' },
    parallelToolCalls: false,
    responseFormat: { type: 'json_schema', name: 'answer', schema: { type: 'object' }, strict: true },
    reasoning: { effort: 'low', summary: 'auto' },
    metadata: { team: 'search' },
    user: 'u-1',
    extra: { origin: 'openai-responses', fields: { service_tier: 'flex' } },
  });
  assert.is(call.echo.instructions, 'Be brief.');
  assert.equal(call.echo.tool_choice, { type: 'function', name: 'weather' });
  assert.equal(call.echo.text, { format: { type: 'json_schema', name: 'answer', schema: { type: 'object' }, strict: true } });
});

test('given a plain string input and no options, when translated, then it is one user message and the echo carries OpenAI defaults', () => {
  const call = translate({ model: 'fast', input: 'Hello' });
  assert.equal(call.request.messages, [{ role: 'user', content: [{ type: 'text', text: 'Hello' }] }]);
  assert.equal(call.request.sampling, {});
  assert.is(call.stream, false);
  assert.equal(call.echo, {
    instructions: null,
    tools: [],
    tool_choice: 'auto',
    parallel_tool_calls: true,
    temperature: 1,
    top_p: 1,
    max_output_tokens: null,
    text: { format: { type: 'text' } },
    reasoning: { effort: null, summary: null },
    store: true,
    metadata: {},
    previous_response_id: null,
    truncation: 'disabled',
  });
});

test('given each hosted tool, when translated, then a 400 unsupported_hosted_tool names the tool and its position', () => {
  const hosted = [
    { type: 'web_search' },
    { type: 'web_search_preview' },
    { type: 'file_search', vector_store_ids: ['vs_1'] },
    { type: 'code_interpreter', container: { type: 'auto' } },
    { type: 'computer_use_preview', display_width: 1024, display_height: 768, environment: 'browser' },
    { type: 'image_generation' },
    { type: 'mcp', server_label: 'docs', server_url: 'https://example.test/mcp' },
    { type: 'local_shell' },
  ];
  for (const tool of hosted) {
    const error = refusal({ model: 'fast', input: 'hi', tools: [weatherTool, tool] });
    assert.is(error.code, 'unsupported_hosted_tool');
    assert.is(error.status, 400);
    assert.is(error.param, 'tools[1]');
    assert.match(error.message, `"${tool.type}"`);
  }
  const custom = refusal({ model: 'fast', input: 'hi', tools: [{ type: 'custom', name: 'write_sql', format: { type: 'text' } }] });
  assert.is(custom.code, 'unsupported_hosted_tool');
  assert.match(custom.message, 'custom tool "write_sql"');
});

const agentsNamespace = {
  type: 'namespace', name: 'multi_agent_v1', description: 'Sub-agents',
  tools: [{ type: 'function', name: 'spawn_agent', description: 'Start one', parameters: { type: 'object', properties: { task: { type: 'string' } } }, strict: false }],
};

test('given a namespace tool, when translated, then its functions reach the provider under flat names and the echo keeps the namespace', () => {
  const call = translate({ model: 'fast', input: 'hi', tools: [weatherTool, agentsNamespace] });
  assert.equal(call.request.tools?.map((tool) => tool.name), ['weather', 'multi_agent_v1__spawn_agent']);
  assert.equal(call.echo.tools[1], { type: 'namespace', name: 'multi_agent_v1', description: 'Sub-agents',
    tools: [{ type: 'function', name: 'spawn_agent', description: 'Start one', parameters: { type: 'object', properties: { task: { type: 'string' } } }, strict: false }] });
  const body = openAIChatBody(call.request, 'gpt-5', false, { maxTokensField: 'max_completion_tokens' });
  assert.equal((body.tools as { function: { name: string } }[]).map((tool) => tool.function.name), ['weather', 'multi_agent_v1__spawn_agent']);
});

test('given a call to a namespaced function, when rendered and echoed back, then the client sees namespace and name and the provider the flat name', () => {
  const request = { model: 'fast', input: 'hi', tools: [agentsNamespace] };
  const result: CanonicalChatResult = {
    id: 'up-1', model: 'gpt', finish: { reason: 'tool_calls', rawReason: 'tool_calls' },
    content: [{ type: 'tool-call', id: 'call_1', name: 'multi_agent_v1__spawn_agent', arguments: '{"task":"look"}' }],
  };
  const response = canonicalToResponses(result, { id: 'resp_1', model: 'fast', createdSeconds: 1 }, translate(request).echo);
  const item = response.output[0] as { namespace?: string; name: string };
  assert.equal([item.namespace, item.name], ['multi_agent_v1', 'spawn_agent']);
  const followUp = translate({ ...request, input: [item, { type: 'function_call_output', call_id: 'call_1', output: 'started' }] });
  const calls = followUp.request.messages[0]?.content;
  assert.equal(calls?.[0], { type: 'tool-call', id: 'call_1', name: 'multi_agent_v1__spawn_agent', arguments: '{"task":"look"}' });
});

test('given a namespace tool holding a custom tool, when translated, then the member is refused naming its position', () => {
  const error = refusal({ model: 'fast', input: 'hi', tools: [{ ...agentsNamespace, tools: [{ type: 'custom', name: 'write_sql' }] }] });
  assert.equal([error.code, error.param], ['unsupported_hosted_tool', 'tools[0].tools[0]']);
});

test('given a hosted tool_choice, when translated, then it is refused the same way', () => {
  const error = refusal({ model: 'fast', input: 'hi', tool_choice: { type: 'web_search_preview' } });
  assert.is(error.code, 'unsupported_hosted_tool');
  assert.is(error.param, 'tool_choice');
});

test('given options only OpenAI storage or machinery can honour, when translated, then each is refused naming the field', () => {
  const cases: Array<[Record<string, unknown>, string]> = [
    [{ background: true }, 'background'],
    [{ conversation: 'conv_1' }, 'conversation'],
    [{ prompt: { id: 'pmpt_1' } }, 'prompt'],
    [{ top_logprobs: 3 }, 'top_logprobs'],
    [{ include: ['reasoning.encrypted_content', 'message.output_text.logprobs'] }, 'include[1]'],
    [{ input: [{ type: 'item_reference', id: 'msg_1' }] }, 'input[0]'],
    [{ input: [{ role: 'user', content: [{ type: 'input_file', file_id: 'file_1' }] }] }, 'input[0].content[0]'],
    [{ input: [{ role: 'user', content: [{ type: 'input_image', file_id: 'file_1', detail: 'auto' }] }] }, 'input[0].content[0]'],
  ];
  for (const [fields, param] of cases) {
    const error = refusal({ model: 'fast', input: 'hi', ...fields });
    assert.is(error.param, param, JSON.stringify(fields));
  }
});

test('given a body without a model, when parsed, then the TranslationError names the field', () => {
  assert.throws(() => parseResponsesRequest({ input: 'hi' }), (error: unknown) => error instanceof TranslationError && error.param === 'model');
});

const identity = { id: 'resp_lumen1', model: 'fast', createdSeconds: 1770000000 };

test('given a function call answered by the model, when the client sends the call and its output back, then the next turn has the call and its result', () => {
  const first = translate({ model: 'fast', input: 'Weather in Rome?', tools: [weatherTool] });
  const result: CanonicalChatResult = {
    id: 'up-1',
    model: 'claude',
    content: [{ type: 'tool-call', id: 'toolu_1', name: 'weather', arguments: '{"city":"Rome"}' }],
    finish: { reason: 'tool_calls', rawReason: 'tool_use' },
  };
  const response = canonicalToResponses(result, identity, first.echo);
  assert.equal(response.output, [{ id: 'fc_lumen1_0', type: 'function_call', status: 'completed', arguments: '{"city":"Rome"}', call_id: 'toolu_1', name: 'weather' }]);

  const second = translate({
    model: 'fast',
    tools: [weatherTool],
    input: [{ role: 'user', content: 'Weather in Rome?' }, ...response.output, { type: 'function_call_output', call_id: 'toolu_1', output: 'sunny' }],
  });
  assert.equal(second.request.messages, [
    { role: 'user', content: [{ type: 'text', text: 'Weather in Rome?' }] },
    { role: 'assistant', content: [{ type: 'tool-call', id: 'toolu_1', name: 'weather', arguments: '{"city":"Rome"}' }] },
    { role: 'tool', content: [{ type: 'tool-result', toolCallId: 'toolu_1', content: [{ type: 'text', text: 'sunny' }] }] },
  ]);
  const upstream = openAIChatBody(second.request, 'gpt-4.1', false, { maxTokensField: 'max_completion_tokens' });
  assert.equal((upstream.messages as unknown[]).slice(1), [
    { role: 'assistant', content: null, tool_calls: [{ id: 'toolu_1', type: 'function', function: { name: 'weather', arguments: '{"city":"Rome"}' } }] },
    { role: 'tool', tool_call_id: 'toolu_1', content: 'sunny' },
  ]);
});

test('given signed and redacted reasoning in a result, when the output items are echoed back, then both come back as the provider needs them', () => {
  const result: CanonicalChatResult = {
    id: 'up-2',
    model: 'claude',
    content: [
      { type: 'reasoning', text: 'Think about Rome.', signature: 'sig-1' },
      { type: 'reasoning', text: '', redactedData: 'opaque-blob' },
      { type: 'text', text: 'Sunny.' },
    ],
    finish: { reason: 'stop', rawReason: 'end_turn' },
  };
  const first = translate({ model: 'fast', input: 'Weather?' });
  const response = canonicalToResponses(result, identity, first.echo);
  assert.equal(response.output.map((item) => item.type), ['reasoning', 'reasoning', 'message']);
  const echoed = translate({ model: 'fast', input: [...response.output, { role: 'user', content: 'And tomorrow?' }] });
  assert.equal(echoed.request.messages[0], {
    role: 'assistant',
    content: [
      { type: 'reasoning', text: 'Think about Rome.', signature: 'sig-1' },
      { type: 'reasoning', text: '', redactedData: 'opaque-blob' },
      { type: 'text', text: 'Sunny.' },
    ],
  });
});

test('given a stored earlier turn, when a follow-up names previous_response_id, then instructions stay first and the earlier turns precede the input', () => {
  const earlier = translate({ model: 'fast', instructions: 'Old rules.', input: 'Hi' });
  const reply: CanonicalChatResult = { id: 'x', model: 'm', content: [{ type: 'text', text: 'Hello!' }], finish: { reason: 'stop', rawReason: 'stop' } };
  const stored = turnsToStore([], earlier, reply);
  const followUp = continueConversation(translate({ model: 'fast', instructions: 'New rules.', input: 'Bye', previous_response_id: 'resp_1' }), stored);
  assert.equal(followUp.request.messages.map((message) => [message.role, message.content[0]]), [
    ['system', { type: 'text', text: 'New rules.' }],
    ['user', { type: 'text', text: 'Hi' }],
    ['assistant', { type: 'text', text: 'Hello!' }],
    ['user', { type: 'text', text: 'Bye' }],
  ]);
});

test.run();
