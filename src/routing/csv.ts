// RFC 4180 CSV reading: quoted fields may hold commas, CR/LF line breaks and doubled quotes.
// Pure: takes the whole text, returns rows of fields or a typed error value.

export type CsvError = {
  readonly code: 'csv_unterminated_quote' | 'csv_text_after_quote';
  readonly line: number;
  readonly message: string;
};

export type CsvResult = { readonly ok: true; readonly rows: string[][] } | { readonly ok: false; readonly error: CsvError };

const quote = '"';
const comma = ',';

/**
 * Parses CSV text into rows. Records end at CRLF, LF or a lone CR; a final line break is
 * optional and does not produce an empty record. A byte-order mark at the start is skipped.
 */
export function parseCsv(text: string): CsvResult {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let line = 1;
  let index = text.charCodeAt(0) === 0xfeff ? 1 : 0;
  // True when the current field started with a quote and its closing quote was read.
  let fieldWasQuoted = false;
  const endField = (): void => {
    row.push(field);
    field = '';
    fieldWasQuoted = false;
  };
  const endRecord = (): void => {
    endField();
    rows.push(row);
    row = [];
  };
  while (index < text.length) {
    const character = text[index] as string;
    if (character === quote && field === '' && !fieldWasQuoted) {
      const closing = readQuotedField(text, index + 1);
      if (closing === undefined) {
        return { ok: false, error: { code: 'csv_unterminated_quote', line, message: `quoted field opened on line ${line} never closes` } };
      }
      field = closing.value;
      line += closing.lineBreaks;
      fieldWasQuoted = true;
      index = closing.nextIndex;
      continue;
    }
    if (character === comma) {
      endField();
      index += 1;
    } else if (character === '\r' || character === '\n') {
      endRecord();
      index += character === '\r' && text[index + 1] === '\n' ? 2 : 1;
      line += 1;
    } else if (fieldWasQuoted) {
      return { ok: false, error: { code: 'csv_text_after_quote', line, message: `text follows a closing quote on line ${line}` } };
    } else {
      field += character;
      index += 1;
    }
  }
  if (field !== '' || fieldWasQuoted || row.length > 0) endRecord();
  return { ok: true, rows };
}

type QuotedField = { value: string; nextIndex: number; lineBreaks: number };

/** Reads from just after an opening quote to just after the matching closing quote. */
function readQuotedField(text: string, start: number): QuotedField | undefined {
  let value = '';
  let lineBreaks = 0;
  let index = start;
  while (index < text.length) {
    const closingAt = text.indexOf(quote, index);
    if (closingAt === -1) return undefined;
    const chunk = text.slice(index, closingAt);
    value += chunk;
    lineBreaks += countLineBreaks(chunk);
    if (text[closingAt + 1] === quote) {
      value += quote;
      index = closingAt + 2;
    } else {
      return { value, nextIndex: closingAt + 1, lineBreaks };
    }
  }
  return undefined;
}

function countLineBreaks(chunk: string): number {
  let count = 0;
  for (let index = 0; index < chunk.length; index += 1) {
    const character = chunk[index];
    if (character === '\n' || (character === '\r' && chunk[index + 1] !== '\n')) count += 1;
  }
  return count;
}
