// Gemini generateContent request: the fields the simulator reads, and their translation into a
// provider-neutral prompt.
import { z } from 'zod';
import type { SimulatorKnobs } from '../knobs.ts';
import type { SimulatedPrompt, SimulatedResponseFormat, SimulatedToolChoice } from '../turn.ts';

const partSchema = z.looseObject({
  text: z.string().optional(),
  functionCall: z.looseObject({ name: z.string(), args: z.unknown().optional() }).optional(),
  functionResponse: z.looseObject({ name: z.string(), response: z.unknown().optional() }).optional(),
});

const contentSchema = z.looseObject({ role: z.string().optional(), parts: z.array(partSchema) });

export const generateRequestSchema = z.looseObject({
  contents: z.array(contentSchema).min(1),
  systemInstruction: z.looseObject({ parts: z.array(partSchema) }).optional(),
  tools: z
    .array(
      z.looseObject({
        functionDeclarations: z
          .array(z.looseObject({ name: z.string().min(1), parameters: z.unknown().optional(), parametersJsonSchema: z.unknown().optional() }))
          .optional(),
      }),
    )
    .optional(),
  toolConfig: z
    .looseObject({
      functionCallingConfig: z
        .looseObject({ mode: z.string().optional(), allowedFunctionNames: z.array(z.string()).optional() })
        .optional(),
    })
    .optional(),
  generationConfig: z
    .looseObject({
      maxOutputTokens: z.number().int().min(1).optional(),
      candidateCount: z.number().int().min(1).max(8).optional(),
      responseMimeType: z.string().optional(),
      responseSchema: z.unknown().optional(),
      responseJsonSchema: z.unknown().optional(),
    })
    .optional(),
});

export type GenerateRequest = z.infer<typeof generateRequestSchema>;
type Part = z.infer<typeof partSchema>;

function partTexts(part: Part): string[] {
  if (part.text !== undefined) return [part.text];
  if (part.functionCall !== undefined) return [JSON.stringify(part.functionCall.args ?? {})];
  if (part.functionResponse !== undefined) return [JSON.stringify(part.functionResponse.response ?? {})];
  return [];
}

function toolChoiceOf(request: GenerateRequest): SimulatedToolChoice {
  const config = request.toolConfig?.functionCallingConfig;
  const mode = config?.mode?.toUpperCase();
  if (mode === 'NONE') return { kind: 'none' };
  const allowed = config?.allowedFunctionNames?.[0];
  if (mode === 'ANY') return allowed === undefined ? { kind: 'required' } : { kind: 'named', name: allowed };
  return { kind: 'auto' };
}

function responseFormatOf(request: GenerateRequest): SimulatedResponseFormat {
  const config = request.generationConfig;
  if (config?.responseMimeType !== 'application/json') return { kind: 'text' };
  const schema = config.responseJsonSchema ?? config.responseSchema;
  return schema === undefined ? { kind: 'json_object' } : { kind: 'json_schema', schema };
}

export function generatePrompt(request: GenerateRequest, knobs: SimulatorKnobs): SimulatedPrompt {
  const inputTexts = (request.systemInstruction?.parts ?? []).flatMap(partTexts);
  for (const content of request.contents) inputTexts.push(...content.parts.flatMap(partTexts));
  const lastContent = request.contents[request.contents.length - 1];
  const carriesFunctionResponse = lastContent?.parts.some((part) => part.functionResponse !== undefined) ?? false;
  const tools = (request.tools ?? [])
    .flatMap((tool) => tool.functionDeclarations ?? [])
    .map((declaration) => ({ name: declaration.name, parametersSchema: declaration.parametersJsonSchema ?? declaration.parameters ?? {} }));
  return {
    inputTexts,
    lastMessageText: (lastContent?.parts ?? []).flatMap(partTexts).join('\n'),
    lastMessageIsFromUser: (lastContent?.role ?? 'user') === 'user' && !carriesFunctionResponse,
    tools,
    toolChoice: toolChoiceOf(request),
    responseFormat: responseFormatOf(request),
    maxOutputTokens: request.generationConfig?.maxOutputTokens,
    forcedOutputTokens: knobs.forcedOutputTokens,
  };
}
