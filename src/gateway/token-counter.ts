// Counts tokens locally when a provider did not report usage (a cut stream, an OpenAI-compatible
// server that ignores stream_options): o200k_base, OpenAI's current encoding, as a fair estimate
// for every provider. The ranks (a few MB) load on first use only.
import type { CanonicalChatRequest, CanonicalContentPart } from '../protocols/canonical.ts';

type Encoder = { encode(text: string): number[] };
let encoderPromise: Promise<Encoder> | undefined;

async function encoder(): Promise<Encoder> {
  encoderPromise ??= (async () => {
    const { Tiktoken } = await import('js-tiktoken/lite');
    const ranks = (await import('js-tiktoken/ranks/o200k_base')).default;
    return new Tiktoken(ranks);
  })();
  return encoderPromise;
}

export async function countTokens(text: string): Promise<number> {
  if (text.length === 0) return 0;
  return (await encoder()).encode(text).length;
}

export function textOfParts(parts: readonly CanonicalContentPart[]): string {
  return parts.map((part) => {
    switch (part.type) {
      case 'text': case 'reasoning': case 'refusal': return part.text;
      case 'tool-call': return `${part.name} ${part.arguments}`;
      case 'tool-result': return textOfParts(part.content);
      case 'image': return '';
      default: return '';
    }
  }).join('\n');
}

/** The prompt's text as the model reads it, for counting input tokens. */
export function promptText(request: CanonicalChatRequest): string {
  const messages = request.messages.map((message) => textOfParts(message.content)).join('\n');
  const tools = (request.tools ?? []).map((tool) => JSON.stringify(tool)).join('\n');
  return tools === '' ? messages : `${messages}\n${tools}`;
}
