// Responses `input` items -> canonical messages.
//
// The Responses API flattens a conversation into items: messages, function calls, their outputs
// and reasoning, one after another. The canonical model groups them into turns, so the parts of
// one assistant turn (reasoning, text, calls), which arrive as separate items, are merged into
// one assistant message, and consecutive function_call_output items into one tool message.

import type { CanonicalContentPart, CanonicalMessage, ImagePart, TextPart } from './canonical.ts';
import { imagePartFromUrl } from './openai-chat-to-canonical.ts';
import { flatToolName } from './responses-namespaces.ts';
import { reasoningFromItem } from './responses-reasoning.ts';
import type { ResponsesContentPartInput, ResponsesInputItem } from './responses-schema.ts';
import { TranslationError } from './translation-error.ts';

function contentPart(part: ResponsesContentPartInput, param: string): CanonicalContentPart {
  switch (part.type) {
    case 'input_text':
    case 'output_text':
      return { type: 'text', text: part.text ?? '' };
    case 'refusal':
      return { type: 'refusal', text: part.refusal ?? '' };
    case 'input_image':
      if (part.image_url === null || part.image_url === undefined) {
        // A file_id points into OpenAI's file storage, which no other provider can read.
        throw new TranslationError('unsupported_content', 'input_image needs an image_url (a URL or a data URL); file_id is not supported', param);
      }
      return imagePartFromUrl(part.image_url, part.detail ?? undefined);
    default:
      throw new TranslationError('unsupported_content', `content parts of type "${part.type}" are not supported`, param);
  }
}

function contentParts(content: ResponsesInputItem['content'], param: string): CanonicalContentPart[] {
  if (content === null || content === undefined) return [];
  if (typeof content === 'string') return content === '' ? [] : [{ type: 'text', text: content }];
  return content.map((part, index) => contentPart(part, `${param}[${index}]`));
}

function toolResultContent(output: ResponsesInputItem['output'], param: string): Array<TextPart | ImagePart> {
  return contentParts(output, param).filter((part): part is TextPart | ImagePart => part.type === 'text' || part.type === 'image');
}

function required<Value>(value: Value | undefined, field: string, param: string): Value {
  if (value === undefined) throw new TranslationError('invalid_request', `${param}: missing ${field}`, `${param}.${field}`);
  return value;
}

/** Appends parts to the last message when it has the given role, else opens a new message. */
function appendTo(messages: CanonicalMessage[], role: 'assistant' | 'tool', parts: CanonicalContentPart[]): void {
  const last = messages.at(-1);
  if (last !== undefined && last.role === role) last.content.push(...parts);
  else messages.push({ role, content: parts });
}

function addMessageItem(messages: CanonicalMessage[], item: ResponsesInputItem, param: string): void {
  const role = required(item.role, 'role', param);
  const parts = contentParts(item.content, `${param}.content`);
  if (role === 'assistant') appendTo(messages, 'assistant', parts);
  else messages.push({ role, content: parts });
}

function addItem(messages: CanonicalMessage[], item: ResponsesInputItem, param: string): void {
  const type = item.type ?? 'message';
  switch (type) {
    case 'message':
      return addMessageItem(messages, item, param);
    case 'function_call':
      return appendTo(messages, 'assistant', [
        {
          type: 'tool-call',
          id: required(item.call_id, 'call_id', param),
          name: item.namespace === undefined ? required(item.name, 'name', param) : flatToolName(item.namespace, required(item.name, 'name', param)),
          arguments: required(item.arguments, 'arguments', param),
        },
      ]);
    case 'function_call_output':
      return appendTo(messages, 'tool', [
        {
          type: 'tool-result',
          toolCallId: required(item.call_id, 'call_id', param),
          content: toolResultContent(required(item.output, 'output', param), `${param}.output`),
        },
      ]);
    case 'reasoning': {
      const summary = (item.summary ?? []).map((part) => part.text).join('\n\n');
      return appendTo(messages, 'assistant', [reasoningFromItem(summary, item.encrypted_content)]);
    }
    case 'item_reference':
      throw new TranslationError('unsupported_content', 'item_reference needs stored items; send the items themselves or use previous_response_id', param);
    default:
      // Calls and outputs of hosted tools (web_search_call, computer_call...) cannot be replayed
      // to a provider that never ran them.
      throw new TranslationError('unsupported_content', `input items of type "${type}" are not supported`, param);
  }
}

export function inputItemsToMessages(input: string | readonly ResponsesInputItem[] | undefined): CanonicalMessage[] {
  if (input === undefined) return [];
  if (typeof input === 'string') return [{ role: 'user', content: [{ type: 'text', text: input }] }];
  const messages: CanonicalMessage[] = [];
  input.forEach((item, index) => addItem(messages, item, `input[${index}]`));
  return messages;
}
