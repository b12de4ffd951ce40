// Reading and minimally editing a multipart/form-data body (audio uploads). Lumen forwards an
// upload byte for byte; it only reads the small text fields (model, response_format) and may
// swap the model field's value for the provider's own name, leaving every other byte as sent.
import { TranslationError } from './translation-error.ts';

export interface FormPart {
  name: string;
  fileName: string | undefined;
  /** Where the part's content starts and ends in the body. */
  dataStart: number;
  dataEnd: number;
}

/** More parts than any transcription form has; a body with more is refused, not scanned on. */
export const FORM_PARTS_MAX = 64;

export function formBoundary(contentType: string): string {
  const match = /boundary=(?:"([^"]+)"|([^;\s]+))/i.exec(contentType);
  const boundary = match?.[1] ?? match?.[2];
  if (!/^multipart\/form-data/i.test(contentType) || boundary === undefined) {
    throw new TranslationError('invalid_request', 'expected a multipart/form-data body with a boundary');
  }
  return boundary;
}

function partAt(body: Buffer, start: number, end: number): FormPart | undefined {
  const headerEnd = body.indexOf('\r\n\r\n', start);
  if (headerEnd < 0 || headerEnd > end) return undefined;
  const headers = body.subarray(start, headerEnd).toString('utf8');
  const disposition = /content-disposition:[^\r\n]*/i.exec(headers)?.[0] ?? '';
  const name = /\bname="([^"]*)"/i.exec(disposition)?.[1];
  if (name === undefined) return undefined;
  return { name, fileName: /\bfilename="([^"]*)"/i.exec(disposition)?.[1], dataStart: headerEnd + 4, dataEnd: end };
}

export function parseMultipartForm(body: Buffer, contentType: string): FormPart[] {
  const delimiter = Buffer.from(`--${formBoundary(contentType)}`);
  const parts: FormPart[] = [];
  let start = body.indexOf(delimiter);
  while (start >= 0) {
    const contentStart = start + delimiter.length;
    if (body.subarray(contentStart, contentStart + 2).toString() === '--') break;
    const next = body.indexOf(delimiter, contentStart);
    if (next < 0) break;
    if (parts.length === FORM_PARTS_MAX) throw new TranslationError('invalid_request', `a form may have at most ${FORM_PARTS_MAX} parts`);
    // A part sits between the "\r\n" after its delimiter and the "\r\n" before the next one.
    const part = partAt(body, contentStart + 2, next - 2);
    if (part !== undefined) parts.push(part);
    start = next;
  }
  return parts;
}

export function formText(body: Buffer, parts: readonly FormPart[], name: string): string | undefined {
  const part = parts.find((candidate) => candidate.name === name && candidate.fileName === undefined);
  return part === undefined ? undefined : body.subarray(part.dataStart, part.dataEnd).toString('utf8');
}

/** The body with the content of the text field `name` replaced; unchanged when there is no such field. */
export function withFormText(body: Buffer, contentType: string, name: string, value: string): Buffer {
  const part = parseMultipartForm(body, contentType).find((candidate) => candidate.name === name && candidate.fileName === undefined);
  if (part === undefined) return body;
  return Buffer.concat([body.subarray(0, part.dataStart), Buffer.from(value, 'utf8'), body.subarray(part.dataEnd)]);
}
