// Canonical request -> Gemini generateContent request body.

import {
  assertNever,
  type CanonicalChatRequest,
  type CanonicalContentPart,
  type CanonicalMessage,
  type ImageSource,
  type ReasoningEffort,
  type ToolChoice,
} from '../../protocols/canonical.ts';
import { assertSingleChoice, functionToolsOnly, joinText, mapParameters } from '../request-guards.ts';

type Part = Record<string, unknown>;

const GENERATION_TABLE = {
  temperature: 'temperature',
  topP: 'topP',
  topK: 'topK',
  maxOutputTokens: 'maxOutputTokens',
  stopSequences: 'stopSequences',
  seed: 'seed',
  presencePenalty: 'presencePenalty',
  frequencyPenalty: 'frequencyPenalty',
} as const;

/** Gemini 2.5 takes a thinking budget; this is Lumen's reading of an effort as one. */
const THINKING_BUDGET_BY_EFFORT: Record<ReasoningEffort, number> = {
  none: 0,
  minimal: 512,
  low: 1024,
  medium: 8192,
  high: 24576,
  xhigh: 32768,
};

const MEDIA_TYPE_BY_EXTENSION: Record<string, string> = { png: 'image/png', gif: 'image/gif', webp: 'image/webp', jpg: 'image/jpeg', jpeg: 'image/jpeg' };

function imagePart(source: ImageSource): Part {
  if (source.kind === 'base64') return { inlineData: { mimeType: source.mediaType, data: source.data } };
  const extension = /\.([a-z]+)(?:\?|$)/i.exec(source.url)?.[1]?.toLowerCase() ?? '';
  return { fileData: { mimeType: MEDIA_TYPE_BY_EXTENSION[extension] ?? 'image/jpeg', fileUri: source.url } };
}

function argumentsObject(text: string): Record<string, unknown> {
  try {
    const value: unknown = JSON.parse(text === '' ? '{}' : text);
    return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}

/** Gemini answers a function by name, not by call id; the name is found from the call. */
function toolNamesById(messages: readonly CanonicalMessage[]): Map<string, string> {
  const names = new Map<string, string>();
  for (const message of messages) {
    for (const part of message.content) if (part.type === 'tool-call') names.set(part.id, part.name);
  }
  return names;
}

function geminiPart(part: CanonicalContentPart, toolNames: Map<string, string>): Part[] {
  switch (part.type) {
    case 'text':
      return part.text === '' ? [] : [{ text: part.text }];
    case 'image':
      return [imagePart(part.source)];
    case 'tool-call':
      return [{ functionCall: { name: part.name, args: argumentsObject(part.arguments) }, ...(part.signature ? { thoughtSignature: part.signature } : {}) }];
    case 'tool-result':
      return [{ functionResponse: { name: toolNames.get(part.toolCallId) ?? part.toolCallId, response: { content: joinText(part.content) } } }];
    case 'reasoning':
      // Thought text is not sent back; only a signature matters to Gemini.
      return part.signature !== undefined && part.redactedData === undefined ? [{ text: '', thoughtSignature: part.signature }] : [];
    case 'refusal':
      return [{ text: part.text }];
    default:
      return assertNever(part);
  }
}

function contents(messages: readonly CanonicalMessage[]): Array<{ role: 'user' | 'model'; parts: Part[] }> {
  const toolNames = toolNamesById(messages);
  const result: Array<{ role: 'user' | 'model'; parts: Part[] }> = [];
  for (const message of messages) {
    if (message.role === 'system' || message.role === 'developer') continue;
    const role = message.role === 'assistant' ? 'model' : 'user';
    const parts = message.content.flatMap((part) => geminiPart(part, toolNames));
    if (parts.length === 0) continue;
    const previous = result.at(-1);
    if (previous !== undefined && previous.role === role) previous.parts.push(...parts);
    else result.push({ role, parts });
  }
  return result;
}

function toolConfig(choice: ToolChoice): Record<string, unknown> {
  if (typeof choice !== 'string') return { functionCallingConfig: { mode: 'ANY', allowedFunctionNames: [choice.name] } };
  const mode = { auto: 'AUTO', none: 'NONE', required: 'ANY' }[choice];
  return { functionCallingConfig: { mode } };
}

function generationConfig(request: CanonicalChatRequest): Record<string, unknown> {
  const format = request.responseFormat;
  const reasoning = request.reasoning;
  const budget = reasoning?.budgetTokens ?? (reasoning?.effort ? THINKING_BUDGET_BY_EFFORT[reasoning.effort] : undefined);
  return {
    ...mapParameters(request.sampling, GENERATION_TABLE),
    ...(format?.type === 'json_object' ? { responseMimeType: 'application/json' } : {}),
    ...(format?.type === 'json_schema' ? { responseMimeType: 'application/json', responseJsonSchema: format.schema } : {}),
    ...(budget !== undefined ? { thinkingConfig: { thinkingBudget: budget, includeThoughts: budget > 0 } } : {}),
  };
}

export function geminiRequestBody(request: CanonicalChatRequest): Record<string, unknown> {
  assertSingleChoice(request);
  const tools = functionToolsOnly(request, 'a Gemini upstream');
  const system = request.messages.filter((message) => message.role === 'system' || message.role === 'developer');
  const generation = generationConfig(request);
  return {
    contents: contents(request.messages),
    ...(system.length > 0 ? { systemInstruction: { parts: system.map((message) => ({ text: joinText(message.content) })) } } : {}),
    ...(tools !== undefined && tools.length > 0
      ? {
          tools: [
            {
              functionDeclarations: tools.map((tool) => ({
                name: tool.name,
                ...(tool.description !== undefined ? { description: tool.description } : {}),
                parametersJsonSchema: tool.parameters,
              })),
            },
          ],
        }
      : {}),
    ...(request.toolChoice !== undefined ? { toolConfig: toolConfig(request.toolChoice) } : {}),
    ...(Object.keys(generation).length > 0 ? { generationConfig: generation } : {}),
  };
}
