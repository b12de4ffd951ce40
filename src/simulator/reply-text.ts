// The simulated model's prose: a hash-seeded sequence of words, one token per piece, so a test
// can predict both the text (call `simulatedReplyText`) and the usage (the number of pieces).
import { hashText, randomInteger, seededRandom } from './deterministic-random.ts';

const VOCABULARY = [
  'the', 'ledger', 'balance', 'gateway', 'request', 'model', 'token', 'stream', 'answer', 'record',
  'credit', 'audit', 'event', 'policy', 'route', 'price', 'simple', 'quiet', 'bright', 'steady',
  'careful', 'quick', 'honest', 'clear', 'small', 'large', 'every', 'some', 'many', 'few',
  'writes', 'reads', 'checks', 'keeps', 'sends', 'holds', 'counts', 'settles', 'finds', 'returns',
  'river', 'mountain', 'window', 'garden', 'lantern', 'harbor', 'meadow', 'signal', 'compass', 'bridge',
  'and', 'with', 'from', 'into', 'over', 'under', 'before', 'after', 'because', 'while',
  'today', 'again', 'always', 'often',
] as const;

export const DEFAULT_REPLY_TOKENS_LOWEST = 20;
export const DEFAULT_REPLY_TOKENS_HIGHEST = 60;

// The natural length of the reply to a seed, before any max-token limit is applied.
export function naturalReplyTokenCount(seedText: string): number {
  const random = seededRandom(hashText(`length:${seedText}`));
  return randomInteger(random, DEFAULT_REPLY_TOKENS_LOWEST, DEFAULT_REPLY_TOKENS_HIGHEST);
}

function capitalized(word: string): string {
  return word.charAt(0).toUpperCase() + word.slice(1);
}

// Yields exactly `tokenCount` pieces. When `endsSentence` is set the last piece is a full stop,
// as a model that stopped on its own would write; a reply cut by a token limit just stops.
export function* replyPieces(seedText: string, tokenCount: number, endsSentence: boolean): Generator<string> {
  const random = seededRandom(hashText(seedText));
  let wordsInSentence = 0;
  let sentenceLength = randomInteger(random, 5, 12);
  let previousWasStop = false;
  for (let index = 0; index < tokenCount; index += 1) {
    const isLast = index === tokenCount - 1;
    // Never close a sentence just before the final full stop, which would leave two in a row.
    const sentenceIsFull = wordsInSentence >= sentenceLength && !(endsSentence && index === tokenCount - 2);
    const wantsStop = (isLast && endsSentence) || sentenceIsFull;
    if (wantsStop && !previousWasStop && index > 0) {
      yield '.';
      previousWasStop = true;
      wordsInSentence = 0;
      sentenceLength = randomInteger(random, 5, 12);
      continue;
    }
    const word = VOCABULARY[Math.floor(random() * VOCABULARY.length)] ?? 'the';
    const startsSentence = index === 0 || previousWasStop;
    const shown = startsSentence ? capitalized(word) : word;
    yield index === 0 ? shown : ` ${shown}`;
    previousWasStop = false;
    wordsInSentence += 1;
  }
}

export function simulatedReplyText(seedText: string, tokenCount: number, endsSentence: boolean): string {
  let text = '';
  for (const piece of replyPieces(seedText, tokenCount, endsSentence)) text += piece;
  return text;
}
