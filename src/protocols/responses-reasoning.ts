// Canonical reasoning parts <-> Responses `reasoning` items, both directions in one place because
// they must agree on one encoding.
//
// A Responses client keeps no reasoning of its own: it echoes each reasoning item back verbatim
// on the next turn, and `encrypted_content` is the only opaque field it carries. Lumen stores no
// reasoning items by id, so everything a provider needs back travels in that field:
// - an OpenAI encrypted blob or Anthropic redacted_thinking data, as is (canonical `redactedData`);
// - an Anthropic thinking signature (or Gemini thought signature), tagged with a prefix so that
//   on the way back it becomes a signed reasoning part with its summary text, not redacted data.

import type { ReasoningPart } from './canonical.ts';

const SIGNATURE_PREFIX = 'lumen-signature-v1:';

/** The opaque value to hand the client, or undefined when the part needs nothing back. */
export function encryptedContentFromReasoning(part: Pick<ReasoningPart, 'signature' | 'redactedData'>): string | undefined {
  if (part.redactedData !== undefined) return part.redactedData;
  if (part.signature !== undefined) return `${SIGNATURE_PREFIX}${part.signature}`;
  return undefined;
}

/**
 * A reasoning item from the client as a canonical part. Opaque data makes the part redacted,
 * so its text is empty, as the canonical model requires; a signature keeps the summary text.
 */
export function reasoningFromItem(summaryText: string, encryptedContent: string | null | undefined): ReasoningPart {
  if (encryptedContent === null || encryptedContent === undefined || encryptedContent === '') return { type: 'reasoning', text: summaryText };
  if (encryptedContent.startsWith(SIGNATURE_PREFIX)) {
    return { type: 'reasoning', text: summaryText, signature: encryptedContent.slice(SIGNATURE_PREFIX.length) };
  }
  return { type: 'reasoning', text: '', redactedData: encryptedContent };
}
