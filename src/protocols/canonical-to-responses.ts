// Canonical result -> OpenAI Responses `response` object (non-stream), plus the pieces the
// stream encoder shares with it, so that a streamed response ends with the same object a
// non-streamed one would be. Typed against the OpenAI SDK's own definitions.

import type {
  Response,
  ResponseError,
  ResponseFunctionToolCall,
  ResponseOutputItem,
  ResponseOutputMessage,
  ResponseOutputText,
  ResponseReasoningItem,
} from 'openai/resources/responses/responses';
import { assertNever, type CanonicalChatResult, type CanonicalContentPart, type CanonicalUsage, type StreamError } from './canonical.ts';
import type { ResponseIdentity } from './canonical-to-openai-chat.ts';
import { finishToResponses } from './finish-reasons.ts';
import { splitToolName, type ClientSideTool } from './responses-namespaces.ts';
import { encryptedContentFromReasoning } from './responses-reasoning.ts';
import type { ResponsesEcho } from './responses-to-canonical.ts';
import { usageToResponses } from './usage-mapping.ts';

/**
 * The object as OpenAI's servers send it: `output_text` is a convenience the SDK adds itself,
 * and `store` is sent although this SDK version's type leaves it out.
 */
export type ResponseBody = Omit<Response, 'output_text'> & { store: boolean };

export type ItemStatus = 'in_progress' | 'completed' | 'incomplete';

export interface ResponseState {
  status: 'in_progress' | 'completed' | 'incomplete' | 'failed';
  output: ResponseOutputItem[];
  usage?: CanonicalUsage | undefined;
  incompleteReason?: 'max_output_tokens' | 'content_filter' | undefined;
  error?: StreamError | undefined;
}

/**
 * Output item ids derive from the response id and the item's position, so they are unique,
 * stable between the stream and the final object, and need no randomness here.
 */
export function outputItemId(responseId: string, prefix: 'msg' | 'fc' | 'rs', outputIndex: number): string {
  return `${prefix}_${responseId.replace(/^resp_/, '')}_${outputIndex}`;
}

export function outputText(text: string): ResponseOutputText {
  return { type: 'output_text', annotations: [], logprobs: [], text };
}

export function reasoningItem(id: string, summaryText: string, part: { signature?: string | undefined; redactedData?: string | undefined }): ResponseReasoningItem {
  const encrypted = encryptedContentFromReasoning(part);
  return {
    id,
    type: 'reasoning',
    summary: summaryText === '' ? [] : [{ type: 'summary_text', text: summaryText }],
    ...(encrypted !== undefined ? { encrypted_content: encrypted } : {}),
  };
}

/** `tools` are the request's own, to give a call to a namespace tool's function its namespace back. */
export function functionCallItem(
  id: string,
  call: { id: string; name: string; arguments: string },
  status: ItemStatus,
  tools: readonly ClientSideTool[],
): ResponseFunctionToolCall {
  return { id, type: 'function_call', status, arguments: call.arguments, call_id: call.id, ...splitToolName(call.name, tools) };
}

/** OpenAI's Responses error codes are a closed list; Lumen's own error types map onto it. */
export function responseError(error: StreamError): ResponseError {
  return { code: error.status === 429 ? 'rate_limit_exceeded' : 'server_error', message: error.message };
}

export function responseBody(identity: ResponseIdentity, echo: ResponsesEcho, state: ResponseState): ResponseBody {
  return {
    id: identity.id,
    object: 'response',
    created_at: identity.createdSeconds,
    status: state.status,
    background: false,
    error: state.error !== undefined ? responseError(state.error) : null,
    incomplete_details: state.incompleteReason !== undefined ? { reason: state.incompleteReason } : null,
    instructions: echo.instructions,
    max_output_tokens: echo.max_output_tokens,
    model: identity.model,
    output: state.output,
    parallel_tool_calls: echo.parallel_tool_calls,
    previous_response_id: echo.previous_response_id,
    reasoning: echo.reasoning,
    store: echo.store,
    temperature: echo.temperature,
    text: echo.text,
    tool_choice: echo.tool_choice,
    tools: echo.tools,
    top_p: echo.top_p,
    truncation: echo.truncation,
    ...(state.usage !== undefined ? { usage: usageToResponses(state.usage) } : {}),
    ...(echo.user !== undefined ? { user: echo.user } : {}),
    metadata: echo.metadata,
  };
}

/** Adjacent text and refusal parts share one message item, as OpenAI groups them. */
function addToMessage(output: ResponseOutputItem[], responseId: string, content: ResponseOutputMessage['content'][number], status: ItemStatus): void {
  const last = output.at(-1);
  if (last?.type === 'message') {
    last.content.push(content);
    return;
  }
  output.push({ id: outputItemId(responseId, 'msg', output.length), type: 'message', status, role: 'assistant', content: [content] });
}

export function outputItemsFromContent(
  content: readonly CanonicalContentPart[],
  responseId: string,
  messageStatus: ItemStatus,
  tools: readonly ClientSideTool[],
): ResponseOutputItem[] {
  const output: ResponseOutputItem[] = [];
  for (const part of content) {
    switch (part.type) {
      case 'text':
        addToMessage(output, responseId, outputText(part.text), messageStatus);
        break;
      case 'refusal':
        addToMessage(output, responseId, { type: 'refusal', refusal: part.text }, messageStatus);
        break;
      case 'reasoning':
        output.push(reasoningItem(outputItemId(responseId, 'rs', output.length), part.text, part));
        break;
      case 'tool-call':
        output.push(functionCallItem(outputItemId(responseId, 'fc', output.length), part, 'completed', tools));
        break;
      case 'image':
      case 'tool-result':
        // Only clients put images and tool results in a conversation; no model output has them.
        break;
      default:
        assertNever(part);
    }
  }
  return output;
}

export function canonicalToResponses(result: CanonicalChatResult, identity: ResponseIdentity, echo: ResponsesEcho): ResponseBody {
  const outcome = finishToResponses(result.finish);
  const incompleteReason = outcome.status === 'incomplete' ? outcome.reason : undefined;
  const output = outputItemsFromContent(result.content, identity.id, outcome.status === 'incomplete' ? 'incomplete' : 'completed', echo.tools);
  return responseBody(identity, echo, { status: outcome.status, output, usage: result.usage, incompleteReason });
}
