// OpenAI Responses request (client side) -> canonical call.
//
// No upstream adapter speaks the Responses API; every Responses call runs through a provider's
// chat endpoint. So what only OpenAI's servers can do (hosted tools, stored prompts and
// conversations, background runs, logprobs) is refused here with a 400 that names the field,
// never dropped. `previous_response_id` is returned for the HTTP layer to resolve from storage.

import type {
  FunctionTool as ResponsesFunctionTool,
  ResponseFormatTextConfig,
  ResponseTextConfig,
  ToolChoiceFunction,
  ToolChoiceOptions,
} from 'openai/resources/responses/responses';
import type { Reasoning } from 'openai/resources/shared';
import type { CanonicalCall, CanonicalChatResult, CanonicalMessage, CanonicalTool, ResponseFormat, SamplingParameters, ToolChoice } from './canonical.ts';
import { unmodelledFields } from './openai-chat-to-canonical.ts';
import { inputItemsToMessages } from './responses-input-items.ts';
import { flatToolName, type ClientSideTool } from './responses-namespaces.ts';
import type { ResponsesRequest, ResponsesToolChoiceInput, ResponsesToolInput } from './responses-schema.ts';
import { TranslationError } from './translation-error.ts';

/** Request fields this translation consumes; every other field travels on in `extra`. */
const MODELLED_FIELDS = new Set([
  'model', 'input', 'instructions', 'tools', 'tool_choice', 'parallel_tool_calls', 'max_output_tokens', 'temperature',
  'top_p', 'text', 'reasoning', 'include', 'store', 'previous_response_id', 'metadata', 'user', 'stream', 'background',
  'conversation', 'prompt', 'top_logprobs', 'truncation',
]);

/** `include` values Lumen honours: encrypted reasoning is always returned (see responses-reasoning.ts). */
const HONOURED_INCLUDES = new Set(['reasoning.encrypted_content', 'message.input_image.image_url']);
/** Outputs of hosted tools, which are refused anyway, so there is never anything to include. */
const HOSTED_TOOL_INCLUDE = /^(web_search_call|file_search_call|code_interpreter_call|computer_call_output)\./;

/** The request fields a Responses `response` object echoes back, as OpenAI fills them in. */
export interface ResponsesEcho {
  instructions: string | null;
  tools: ClientSideTool[];
  tool_choice: ToolChoiceOptions | ToolChoiceFunction;
  parallel_tool_calls: boolean;
  temperature: number | null;
  top_p: number | null;
  max_output_tokens: number | null;
  text: ResponseTextConfig;
  reasoning: Reasoning;
  store: boolean;
  metadata: Record<string, string>;
  previous_response_id: string | null;
  truncation: 'auto' | 'disabled';
  user?: string;
}

export interface ResponsesCall extends CanonicalCall {
  /** For the HTTP layer to load the earlier turns with, then `continueConversation`. */
  previousResponseId: string | undefined;
  /** Whether the client lets Lumen keep the response for a later previous_response_id. */
  store: boolean;
  /** The instructions as messages; OpenAI never carries them over to a follow-up response. */
  instructionMessages: CanonicalMessage[];
  /** The turns of `input`, without instructions: what a stored conversation keeps. */
  inputMessages: CanonicalMessage[];
  echo: ResponsesEcho;
}

function hostedToolName(tool: { type: string; name?: string | undefined }): string {
  return tool.type === 'custom' && tool.name !== undefined ? `custom tool "${tool.name}"` : `hosted tool "${tool.type}"`;
}

function refuseHostedTool(tool: { type: string; name?: string | undefined }, param: string): never {
  throw new TranslationError(
    'unsupported_hosted_tool',
    `the ${hostedToolName(tool)} is not supported: Lumen runs Responses requests through chat providers, so only function tools are available`,
    param,
  );
}

function toolName(tool: ResponsesToolInput, param: string): string {
  if (tool.name === undefined) throw new TranslationError('invalid_request', `${param}: missing name`, `${param}.name`);
  return tool.name;
}

function functionTool(tool: ResponsesToolInput, param: string): ResponsesFunctionTool {
  if (tool.type !== 'function') return refuseHostedTool(tool, param);
  return {
    type: 'function',
    name: toolName(tool, param),
    description: tool.description ?? null,
    parameters: tool.parameters ?? null,
    strict: tool.strict ?? null,
  };
}

/** Function tools, and namespace tools whose every member is a function tool (see responses-namespaces.ts). */
function clientSideTools(tools: readonly ResponsesToolInput[]): ClientSideTool[] {
  return tools.map((tool, index): ClientSideTool => {
    if (tool.type !== 'namespace') return functionTool(tool, `tools[${index}]`);
    const members = (tool.tools ?? []).map((member, memberIndex) => functionTool(member, `tools[${index}].tools[${memberIndex}]`));
    return { type: 'namespace', name: toolName(tool, `tools[${index}]`), description: tool.description ?? '', tools: members };
  });
}

type FunctionToolFields = { description?: string | null; parameters?: unknown; strict?: boolean | null };

function canonicalTool(tool: FunctionToolFields, name: string): CanonicalTool {
  return {
    type: 'function',
    name,
    ...(tool.description !== null && tool.description !== undefined ? { description: tool.description } : {}),
    parameters: (tool.parameters as Record<string, unknown> | null | undefined) ?? { type: 'object', properties: {} },
    ...(tool.strict !== null && tool.strict !== undefined ? { strict: tool.strict } : {}),
  };
}

function canonicalTools(tools: readonly ClientSideTool[]): CanonicalTool[] {
  return tools.flatMap((tool) => tool.type === 'function'
    ? [canonicalTool(tool, tool.name)]
    // Members are function tools: clientSideTools refused every other kind.
    : tool.tools.map((member) => canonicalTool(member as FunctionToolFields, flatToolName(tool.name, member.name))));
}

function toolChoice(choice: ResponsesToolChoiceInput | undefined): ToolChoiceOptions | ToolChoiceFunction {
  if (choice === undefined) return 'auto';
  if (typeof choice === 'string') return choice;
  if (choice.type === 'function' && choice.name !== undefined) return { type: 'function', name: choice.name };
  if (choice.type === 'allowed_tools') throw new TranslationError('unsupported_parameter', 'tool_choice of type "allowed_tools" is not supported', 'tool_choice');
  return refuseHostedTool(choice, 'tool_choice');
}

function canonicalToolChoice(choice: ToolChoiceOptions | ToolChoiceFunction): ToolChoice {
  return typeof choice === 'string' ? choice : { type: 'tool', name: choice.name };
}

function responseFormat(text: ResponsesRequest['text']): ResponseFormat | undefined {
  const format = text?.format;
  if (format === undefined || format.type !== 'json_schema') return format === undefined ? undefined : { type: format.type };
  return {
    type: 'json_schema',
    name: format.name,
    schema: format.schema,
    ...(format.description !== null && format.description !== undefined ? { description: format.description } : {}),
    ...(format.strict !== null && format.strict !== undefined ? { strict: format.strict } : {}),
  };
}

function textFormatEcho(text: ResponsesRequest['text']): ResponseFormatTextConfig {
  const format = text?.format;
  if (format === undefined || format.type !== 'json_schema') return { type: format?.type ?? 'text' };
  const { name, schema, description, strict } = format;
  return { type: 'json_schema', name, schema, ...(description ? { description } : {}), strict: strict ?? null };
}

/** What needs OpenAI's own storage or machinery is refused before anything else is translated. */
function refuseUnsupported(request: ResponsesRequest): void {
  const refuse = (param: string, why: string): never => {
    throw new TranslationError('unsupported_parameter', `${param} is not supported: ${why}`, param);
  };
  if (request.background === true) refuse('background', 'Lumen answers every response in the request that created it');
  if (request.conversation !== undefined && request.conversation !== null) refuse('conversation', 'use previous_response_id to continue a conversation');
  if (request.prompt !== undefined && request.prompt !== null) refuse('prompt', 'stored prompt templates live in OpenAI\'s own storage');
  if ((request.top_logprobs ?? 0) > 0) refuse('top_logprobs', 'Lumen does not relay log probabilities');
  if (request.truncation === 'auto') refuse('truncation', 'Lumen never truncates the input; send "disabled" or leave it out');
  for (const [index, value] of (request.include ?? []).entries()) {
    if (!HONOURED_INCLUDES.has(value) && !HOSTED_TOOL_INCLUDE.test(value)) refuse(`include[${index}]`, `"${value}" cannot be included`);
  }
}

function sampling(request: ResponsesRequest): SamplingParameters {
  return {
    ...(request.temperature !== null && request.temperature !== undefined ? { temperature: request.temperature } : {}),
    ...(request.top_p !== null && request.top_p !== undefined ? { topP: request.top_p } : {}),
    ...(request.max_output_tokens !== null && request.max_output_tokens !== undefined ? { maxOutputTokens: request.max_output_tokens } : {}),
  };
}

function echo(request: ResponsesRequest, tools: ClientSideTool[], choice: ToolChoiceOptions | ToolChoiceFunction): ResponsesEcho {
  return {
    instructions: request.instructions ?? null,
    tools,
    tool_choice: choice,
    parallel_tool_calls: request.parallel_tool_calls ?? true,
    // OpenAI echoes its defaults, 1 and 1, when the client left them out.
    temperature: request.temperature ?? 1,
    top_p: request.top_p ?? 1,
    max_output_tokens: request.max_output_tokens ?? null,
    text: { format: textFormatEcho(request.text), ...(request.text?.verbosity ? { verbosity: request.text.verbosity } : {}) },
    reasoning: { effort: request.reasoning?.effort ?? null, summary: request.reasoning?.summary ?? null },
    store: request.store ?? true,
    metadata: request.metadata ?? {},
    previous_response_id: request.previous_response_id ?? null,
    truncation: 'disabled',
    ...(request.user !== undefined ? { user: request.user } : {}),
  };
}

export function responsesToCanonical(request: ResponsesRequest): ResponsesCall {
  refuseUnsupported(request);
  const tools = clientSideTools(request.tools ?? []);
  const choice = toolChoice(request.tool_choice);
  const format = responseFormat(request.text);
  const instructionMessages: CanonicalMessage[] = request.instructions ? [{ role: 'system', content: [{ type: 'text', text: request.instructions }] }] : [];
  const inputMessages = inputItemsToMessages(request.input);
  const effort = request.reasoning?.effort;
  const summary = request.reasoning?.summary;
  const extraFields = unmodelledFields(request, MODELLED_FIELDS);
  return {
    model: request.model,
    stream: request.stream === true,
    // The Responses stream always ends with the full response, usage included.
    includeUsage: true,
    previousResponseId: request.previous_response_id ?? undefined,
    store: request.store ?? true,
    instructionMessages,
    inputMessages,
    echo: echo(request, tools, choice),
    request: {
      messages: [...instructionMessages, ...inputMessages],
      sampling: sampling(request),
      ...(tools.length > 0 ? { tools: canonicalTools(tools) } : {}),
      ...(request.tool_choice !== undefined ? { toolChoice: canonicalToolChoice(choice) } : {}),
      ...(request.parallel_tool_calls !== null && request.parallel_tool_calls !== undefined ? { parallelToolCalls: request.parallel_tool_calls } : {}),
      ...(format !== undefined ? { responseFormat: format } : {}),
      ...(effort || summary ? { reasoning: { ...(effort ? { effort } : {}), ...(summary ? { summary } : {}) } } : {}),
      ...(request.metadata ? { metadata: request.metadata } : {}),
      ...(request.user !== undefined ? { user: request.user } : {}),
      ...(Object.keys(extraFields).length > 0 ? { extra: { origin: 'openai-responses', fields: extraFields } } : {}),
    },
  };
}

/** The call with the turns of the response named by previous_response_id put before its input. */
export function continueConversation(call: ResponsesCall, previousTurns: readonly CanonicalMessage[]): ResponsesCall {
  return { ...call, request: { ...call.request, messages: [...call.instructionMessages, ...previousTurns, ...call.inputMessages] } };
}

/** What to store under a response's id so that a follow-up can continue from it. */
export function turnsToStore(previousTurns: readonly CanonicalMessage[], call: ResponsesCall, result: CanonicalChatResult): CanonicalMessage[] {
  return [...previousTurns, ...call.inputMessages, { role: 'assistant', content: result.content }];
}
