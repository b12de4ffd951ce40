// Checks and helpers every adapter's request mapping shares: refusing what no chat provider can
// do (hosted tools, several choices) with a clear 400 instead of silently dropping it.

import type { CanonicalChatRequest, CanonicalContentPart, FunctionTool, ProtocolName } from '../protocols/canonical.ts';
import { TranslationError } from '../protocols/translation-error.ts';

export function functionToolsOnly(request: CanonicalChatRequest, providerLabel: string): FunctionTool[] | undefined {
  if (request.tools === undefined) return undefined;
  return request.tools.map((tool, index) => {
    if (tool.type === 'function') return tool;
    throw new TranslationError(
      'unsupported_hosted_tool',
      `the hosted tool "${tool.name}" cannot run on ${providerLabel}; only function tools are supported for this model`,
      `tools[${index}]`,
    );
  });
}

export function assertSingleChoice(request: CanonicalChatRequest): void {
  const count = request.sampling.choiceCount;
  if (count !== undefined && count > 1) {
    throw new TranslationError('unsupported_parameter', 'Lumen returns one choice per request; n must be 1', 'n');
  }
}

/** The client's unmodelled fields, only when they were written for this adapter's wire family. */
export function passthroughFields(request: CanonicalChatRequest, ownOrigins: readonly ProtocolName[]): Record<string, unknown> {
  const extra = request.extra;
  return extra !== undefined && ownOrigins.includes(extra.origin) ? extra.fields : {};
}

export function joinText(parts: readonly CanonicalContentPart[]): string {
  return parts.map((part) => (part.type === 'text' ? part.text : '')).join('');
}

/** Copies the defined values of `source` under the wire names of a parameter table. */
export function mapParameters<Source extends object>(
  source: Source,
  table: { readonly [Key in keyof Source]?: string },
): Record<string, unknown> {
  const target: Record<string, unknown> = {};
  for (const [canonicalName, wireName] of Object.entries(table) as Array<[keyof Source, string]>) {
    const value = source[canonicalName];
    if (value !== undefined) target[wireName] = value;
  }
  return target;
}
