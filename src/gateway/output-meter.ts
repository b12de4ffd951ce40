// Stops a streamed answer that outruns its hold (see model-call.ts).
import type { CanonicalStreamPart } from '../protocols/canonical.ts';
import { countTokens } from './token-counter.ts';

/**
 * Counts a stream's output tokens as they pass, to stop an answer that outruns its hold: the
 * output limit the hold pays for was sent upstream, so a provider that keeps going ignores it.
 * Lumen counts with its own tokenizer, which disagrees with a provider's by a few percent; the
 * margin keeps an answer that merely ends at its limit from being cut off as it finishes.
 * What such a stream costs beyond its hold is written off at settlement, never charged.
 */
export class OutputMeter {
  private tokens = 0;
  private readonly limit: number;
  constructor(outputTokensMax: number) {
    this.limit = outputTokensMax + Math.max(16, Math.ceil(outputTokensMax / 10));
  }

  async exceeded(part: CanonicalStreamPart): Promise<boolean> {
    if (!Number.isFinite(this.limit)) return false;
    const text = part.type === 'text-delta' || part.type === 'reasoning-delta' || part.type === 'refusal-delta' ? part.text
      : part.type === 'tool-call-delta' ? part.argumentsDelta : part.type === 'tool-call-start' ? part.name : '';
    if (text !== '') this.tokens += await countTokens(text);
    return this.tokens > this.limit;
  }
}
