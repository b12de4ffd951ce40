// The inbound Anthropic count_tokens request: a Messages request without max_tokens (nothing is
// generated), translated to the same canonical call so that Lumen counts exactly what a
// Messages request would send.

import { anthropicRequestSchema } from './anthropic-schema.ts';
import { anthropicToCanonical } from './anthropic-to-canonical.ts';
import type { CanonicalCall } from './canonical.ts';
import { schemaError } from './translation-error.ts';

const countTokensRequestSchema = anthropicRequestSchema.extend({ max_tokens: anthropicRequestSchema.shape.max_tokens.optional() });

export function parseAnthropicCountTokensRequest(body: unknown): CanonicalCall {
  const parsed = countTokensRequestSchema.safeParse(body);
  if (!parsed.success) throw schemaError(parsed.error);
  // max_tokens only bounds generation; it never changes what the prompt counts.
  return anthropicToCanonical({ ...parsed.data, max_tokens: parsed.data.max_tokens ?? 1 });
}
