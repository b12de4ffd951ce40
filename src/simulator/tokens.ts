// The simulator's tokenizer. Real providers each use their own tokenizer, which would make
// usage figures impossible to predict in tests; the simulator instead uses one documented rule:
// a token is either a run of letters and digits, or a single character that is neither a letter,
// a digit nor whitespace. Whitespace is free. So "Hello, world!" is 4 tokens.
//
// The generated replies are built from exactly such pieces, so output usage always equals the
// number of pieces streamed.

const TOKEN_PATTERN = /[\p{L}\p{N}]+|[^\s\p{L}\p{N}]/gu;

export function countSimulatedTokens(text: string): number {
  let count = 0;
  TOKEN_PATTERN.lastIndex = 0;
  while (TOKEN_PATTERN.exec(text) !== null) count += 1;
  return count;
}

export function countSimulatedTokensOfAll(texts: readonly string[]): number {
  let total = 0;
  for (const text of texts) total += countSimulatedTokens(text);
  return total;
}

// Splits a text into pieces of exactly one token each; the whitespace before a token travels
// with it, and trailing whitespace joins the last piece, so the pieces concatenate back to the
// text and their number is its token count (except the empty text, which is one empty piece).
export function splitIntoTokenPieces(text: string): string[] {
  const pieces: string[] = [];
  let pieceStart = 0;
  TOKEN_PATTERN.lastIndex = 0;
  let match = TOKEN_PATTERN.exec(text);
  while (match !== null) {
    const tokenEnd = match.index + match[0].length;
    pieces.push(text.slice(pieceStart, tokenEnd));
    pieceStart = tokenEnd;
    match = TOKEN_PATTERN.exec(text);
  }
  const trailing = text.slice(pieceStart);
  if (pieces.length === 0) return [trailing];
  if (trailing.length > 0) pieces[pieces.length - 1] += trailing;
  return pieces;
}

// Groups one-token pieces into larger chunks, for providers (Gemini) whose stream chunks carry
// several tokens each.
export function groupPieces(pieces: readonly string[], piecesPerGroup: number): string[] {
  const groups: string[] = [];
  for (let start = 0; start < pieces.length; start += piecesPerGroup) {
    groups.push(pieces.slice(start, start + piecesPerGroup).join(''));
  }
  return groups;
}
