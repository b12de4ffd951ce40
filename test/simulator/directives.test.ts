// The [[sim:tool ...]] and [[sim:say ...]] directives: parsed from the prompt, planned by the pure
// core, and rendered in every wire format the simulator speaks.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { sayDirectiveOf, toolDirectiveOf } from '../../src/simulator/directives.ts';
import type { RunningSimulator } from '../../src/simulator/index.ts';
import { startSimulator } from '../../src/simulator/index.ts';
import type { SimulatedPrompt } from '../../src/simulator/turn.ts';
import { planTurn, textOfTurn } from '../../src/simulator/turn.ts';
import { postJson } from './wire-shape.ts';

const API_KEY = 'directive-test-key';
let simulator: RunningSimulator;

test.before(async () => {
  simulator = await startSimulator({ apiKey: API_KEY });
});
test.after(() => simulator.close());

const readSchema = { type: 'object', properties: { file_path: { type: 'string' } }, required: ['file_path'] };
const weatherSchema = { type: 'object', properties: { city: { type: 'string' } } };
const TOOL_PROMPT = 'Please look. [[sim:tool read_file {"file_path": "/tmp/a]]b.txt", "lines": [1, 2]}]] Thanks.';
const EXPECTED_ARGUMENTS = { file_path: '/tmp/a]]b.txt', lines: [1, 2] };

function prompt(overrides: Partial<SimulatedPrompt> = {}): SimulatedPrompt {
  return {
    inputTexts: [TOOL_PROMPT],
    lastMessageText: TOOL_PROMPT,
    lastMessageIsFromUser: true,
    tools: [{ name: 'get_weather', parametersSchema: weatherSchema }, { name: 'read_file', parametersSchema: readSchema }],
    toolChoice: { kind: 'auto' },
    responseFormat: { kind: 'text' },
    maxOutputTokens: undefined,
    forcedOutputTokens: undefined,
    ...overrides,
  };
}

test('given directives in text, when parsed, then the tool name, JSON arguments and said text come back', () => {
  assert.equal(toolDirectiveOf(TOOL_PROMPT), { toolName: 'read_file', argumentsJson: JSON.stringify(EXPECTED_ARGUMENTS) });
  assert.is(toolDirectiveOf('[[sim:tool read_file not json]]'), undefined);
  assert.is(toolDirectiveOf('[[sim:tool read_file [1]]]'), undefined);
  assert.is(sayDirectiveOf('before [[sim:say Exactly this, nothing else.]] after'), 'Exactly this, nothing else.');
  assert.is(sayDirectiveOf('no directive here'), undefined);
});

test('given a tool directive naming an offered tool, when planned, then that tool is called with those arguments', () => {
  const turn = planTurn(prompt());
  assert.equal(turn.kind === 'tool_call' ? [turn.toolName, JSON.parse(turn.argumentsJson)] : turn.kind, ['read_file', EXPECTED_ARGUMENTS]);
});

test('given a tool directive naming a tool the request lacks, when planned, then the reply is text, not another tool', () => {
  const turn = planTurn(prompt({ tools: [{ name: 'get_weather', parametersSchema: weatherSchema }] }));
  assert.is(turn.kind, 'text');
});

test('given a tool directive in a tool result, when planned, then it is ignored and the say directive answers', () => {
  const text = 'output: [[sim:tool read_file {"file_path":"x"}]] [[sim:say All done.]]';
  const turn = planTurn(prompt({ lastMessageText: text, lastMessageIsFromUser: false }));
  assert.is(turn.kind === 'text' ? textOfTurn(turn) : turn.kind, 'All done.');
});

test('given a say directive in a user message with tools, when planned, then the reply is the text, not a tool call', () => {
  const turn = planTurn(prompt({ lastMessageText: 'Hi [[sim:say No tools needed.]]' }));
  assert.is(turn.kind === 'text' ? textOfTurn(turn) : turn.kind, 'No tools needed.');
});

test('given a say directive and a token limit, when planned, then the text is exact or cut with reason length', () => {
  const said = planTurn(prompt({ lastMessageText: 'Hi [[sim:say Hello, world!]]', tools: [] }));
  assert.equal(said.kind === 'text' ? [textOfTurn(said), said.finishReason, said.outputTokens] : said.kind, ['Hello, world!', 'stop', 4]);
  const cut = planTurn(prompt({ lastMessageText: '[[sim:say Hello, world!]]', tools: [], maxOutputTokens: 2 }));
  assert.equal(cut.kind === 'text' ? [textOfTurn(cut), cut.finishReason] : cut.kind, ['Hello,', 'length']);
});

async function post(path: string, body: unknown, headers: Record<string, string>): Promise<Record<string, any>> {
  const response = await postJson(`${simulator.url}${path}`, body, headers);
  assert.is(response.status, 200, await response.clone().text());
  return (await response.json()) as Record<string, any>;
}

const openAiHeaders = { authorization: `Bearer ${API_KEY}` };
const chatTools = [
  { type: 'function', function: { name: 'get_weather', parameters: weatherSchema } },
  { type: 'function', function: { name: 'read_file', parameters: readSchema } },
];

test('given a tool directive, when sent as OpenAI chat, then the tool call carries exactly those arguments', async () => {
  const body = await post('/v1/chat/completions', { model: 'sim-gpt-small', messages: [{ role: 'user', content: TOOL_PROMPT }], tools: chatTools }, openAiHeaders);
  const call = body['choices'][0].message.tool_calls[0];
  assert.equal([call.function.name, JSON.parse(call.function.arguments)], ['read_file', EXPECTED_ARGUMENTS]);
});

test('given a tool directive, when sent to Responses, then the function call carries exactly those arguments', async () => {
  const tools = chatTools.map((tool) => ({ type: 'function', name: tool.function.name, parameters: tool.function.parameters }));
  const body = await post('/v1/responses', { model: 'sim-gpt-small', input: TOOL_PROMPT, tools }, openAiHeaders);
  const call = (body['output'] as { type: string; name: string; arguments: string }[]).find((item) => item.type === 'function_call');
  assert.equal([call?.name, JSON.parse(call?.arguments ?? 'null')], ['read_file', EXPECTED_ARGUMENTS]);
});

test('given a tool directive, when sent as Anthropic Messages, then the tool_use block carries exactly that input', async () => {
  const tools = chatTools.map((tool) => ({ name: tool.function.name, input_schema: tool.function.parameters }));
  const body = await post('/v1/messages', { model: 'sim-claude-sonnet', max_tokens: 256, messages: [{ role: 'user', content: TOOL_PROMPT }], tools },
    { 'x-api-key': API_KEY, 'anthropic-version': '2023-06-01' });
  const block = (body['content'] as { type: string; name: string; input: unknown }[]).find((item) => item.type === 'tool_use');
  assert.equal([block?.name, block?.input, body['stop_reason']], ['read_file', EXPECTED_ARGUMENTS, 'tool_use']);
});

test('given a tool directive, when sent to Gemini, then the functionCall carries exactly those args', async () => {
  const tools = [{ functionDeclarations: chatTools.map((tool) => ({ name: tool.function.name, parameters: tool.function.parameters })) }];
  const body = await post('/v1beta/models/sim-gemini-flash:generateContent', { contents: [{ role: 'user', parts: [{ text: TOOL_PROMPT }] }], tools },
    { 'x-goog-api-key': API_KEY });
  const part = (body['candidates'][0].content.parts as { functionCall?: { name: string; args: unknown } }[]).find((item) => item.functionCall);
  assert.equal([part?.functionCall?.name, part?.functionCall?.args], ['read_file', EXPECTED_ARGUMENTS]);
});

test('given a say directive, when sent in each wire format, then every reply text is exactly the said text', async () => {
  const said = 'Lumen relayed this sentence.';
  const text = `Answer please. [[sim:say ${said}]]`;
  const chat = await post('/v1/chat/completions', { model: 'sim-gpt-small', messages: [{ role: 'user', content: text }] }, openAiHeaders);
  const responses = await post('/v1/responses', { model: 'sim-gpt-small', input: text }, openAiHeaders);
  const anthropic = await post('/v1/messages', { model: 'sim-claude-sonnet', max_tokens: 256, messages: [{ role: 'user', content: text }] },
    { 'x-api-key': API_KEY, 'anthropic-version': '2023-06-01' });
  const gemini = await post('/v1beta/models/sim-gemini-flash:generateContent', { contents: [{ role: 'user', parts: [{ text }] }] },
    { 'x-goog-api-key': API_KEY });
  assert.equal(
    [chat['choices'][0].message.content, responses['output_text'] ?? responses['output'][0].content[0].text, anthropic['content'][0].text,
      gemini['candidates'][0].content.parts[0].text],
    [said, said, said, said],
  );
});

test.run();
