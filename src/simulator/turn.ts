// What the simulated model decides to answer, independent of any wire format. Each protocol
// module translates its request into a `SimulatedPrompt`, asks `planTurn` for the answer, and
// renders the resulting `SimulatedTurn` in its own format. Pure: no I/O, no clock.
import { sayDirectiveOf, toolDirectiveOf } from './directives.ts';
import { jsonTextFromSchema } from './json-from-schema.ts';
import { naturalReplyTokenCount, replyPieces } from './reply-text.ts';
import { countSimulatedTokens, countSimulatedTokensOfAll, splitIntoTokenPieces } from './tokens.ts';

export interface SimulatedTool {
  name: string;
  parametersSchema: unknown;
}

export type SimulatedToolChoice =
  | { kind: 'auto' }
  | { kind: 'none' }
  | { kind: 'required' }
  | { kind: 'named'; name: string };

export type SimulatedResponseFormat =
  | { kind: 'text' }
  | { kind: 'json_object' }
  | { kind: 'json_schema'; schema: unknown };

export interface SimulatedPrompt {
  // Every text the caller sent that counts as input (system, messages, tool results, tool-call
  // arguments); input usage is the simulated token count of all of them.
  inputTexts: string[];
  // The text of the last message; it seeds the reply, so the same question gets the same answer.
  lastMessageText: string;
  // True when the last message was written by the user (not a tool result): only then does
  // the simulated model call a tool, so an agent loop always terminates after one round.
  lastMessageIsFromUser: boolean;
  tools: SimulatedTool[];
  toolChoice: SimulatedToolChoice;
  responseFormat: SimulatedResponseFormat;
  maxOutputTokens: number | undefined;
  // A test knob (x-sim-output-tokens) that replaces the natural reply length.
  forcedOutputTokens: number | undefined;
}

export type FinishReason = 'stop' | 'length';

export interface TextTurn {
  kind: 'text';
  outputTokens: number;
  finishReason: FinishReason;
  // Lazily generated, so a long streamed reply is never held in memory as a whole.
  pieces: () => Iterable<string>;
}

export interface ToolCallTurn {
  kind: 'tool_call';
  toolName: string;
  argumentsJson: string;
  outputTokens: number;
}

export type SimulatedTurn = TextTurn | ToolCallTurn;

export function countInputTokens(prompt: SimulatedPrompt): number {
  return countSimulatedTokensOfAll(prompt.inputTexts);
}

function chosenTool(prompt: SimulatedPrompt): SimulatedTool | undefined {
  if (prompt.tools.length === 0 || !prompt.lastMessageIsFromUser) return undefined;
  const choice = prompt.toolChoice;
  switch (choice.kind) {
    case 'none': return undefined;
    case 'auto':
    case 'required': return prompt.tools[0];
    case 'named': return prompt.tools.find((tool) => tool.name === choice.name) ?? prompt.tools[0];
    default: {
      const exhausted: never = choice;
      throw new Error(`unhandled tool choice ${JSON.stringify(exhausted)}`);
    }
  }
}

function fixedTextTurn(text: string, maxOutputTokens: number | undefined): TextTurn {
  const allPieces = splitIntoTokenPieces(text);
  const limit = maxOutputTokens ?? Number.POSITIVE_INFINITY;
  const kept = allPieces.length > limit ? allPieces.slice(0, limit) : allPieces;
  return {
    kind: 'text',
    outputTokens: kept.length,
    finishReason: allPieces.length > limit ? 'length' : 'stop',
    pieces: () => kept,
  };
}

function proseTurn(prompt: SimulatedPrompt, seedText: string): TextTurn {
  const natural = prompt.forcedOutputTokens ?? naturalReplyTokenCount(seedText);
  const limit = prompt.maxOutputTokens ?? Number.POSITIVE_INFINITY;
  const outputTokens = Math.min(natural, limit);
  const finishReason: FinishReason = natural > limit ? 'length' : 'stop';
  return {
    kind: 'text',
    outputTokens,
    finishReason,
    pieces: () => replyPieces(seedText, outputTokens, finishReason === 'stop'),
  };
}

function toolCallTurn(toolName: string, argumentsJson: string): ToolCallTurn {
  return { kind: 'tool_call', toolName, argumentsJson, outputTokens: countSimulatedTokens(argumentsJson) };
}

// A `[[sim:tool ...]]` directive in a user message decides the tool call; one naming a tool the
// request does not offer (or forbids with tool_choice none) yields text, never some other tool,
// because an agent would otherwise run a call the prompt did not ask for. Returns undefined when
// the prompt has no applicable directive.
function directedToolTurn(prompt: SimulatedPrompt): ToolCallTurn | 'no_tool' | undefined {
  if (!prompt.lastMessageIsFromUser) return undefined;
  const directive = toolDirectiveOf(prompt.lastMessageText);
  if (directive === undefined) return undefined;
  const offered = prompt.toolChoice.kind !== 'none' && prompt.tools.some((tool) => tool.name === directive.toolName);
  return offered ? toolCallTurn(directive.toolName, directive.argumentsJson) : 'no_tool';
}

// `variant` tells apart the choices of one request (OpenAI's `n`, Gemini's candidateCount).
export function planTurn(prompt: SimulatedPrompt, variant = 0): SimulatedTurn {
  const directed = directedToolTurn(prompt);
  if (directed !== undefined && directed !== 'no_tool') return directed;
  // Unlike the tool directive, `[[sim:say ...]]` also works in a tool result, so a test can make
  // an agent's final answer predictable by having the tool print the directive.
  const said = sayDirectiveOf(prompt.lastMessageText);
  if (said !== undefined) return fixedTextTurn(said, prompt.maxOutputTokens);
  const tool = directed === 'no_tool' ? undefined : chosenTool(prompt);
  if (tool !== undefined) return toolCallTurn(tool.name, jsonTextFromSchema(tool.parametersSchema));
  const seedText = variant === 0 ? prompt.lastMessageText : `${prompt.lastMessageText}\u0000${variant}`;
  const format = prompt.responseFormat;
  switch (format.kind) {
    case 'text': return proseTurn(prompt, seedText);
    case 'json_schema': return fixedTextTurn(jsonTextFromSchema(format.schema), prompt.maxOutputTokens);
    case 'json_object': {
      const answer = textOfTurn(proseTurn({ ...prompt, maxOutputTokens: undefined }, seedText));
      return fixedTextTurn(JSON.stringify({ answer }), prompt.maxOutputTokens);
    }
    default: {
      const exhausted: never = format;
      throw new Error(`unhandled response format ${JSON.stringify(exhausted)}`);
    }
  }
}

export function textOfTurn(turn: TextTurn): string {
  let text = '';
  for (const piece of turn.pieces()) text += piece;
  return text;
}

// The reasoning a model "thinks" before answering (Anthropic extended thinking).
export function planThinking(prompt: SimulatedPrompt, budgetTokens: number): TextTurn {
  const tokens = Math.max(1, Math.min(budgetTokens, 24));
  return proseTurn({ ...prompt, forcedOutputTokens: tokens, maxOutputTokens: undefined }, `thinking:${prompt.lastMessageText}`);
}
