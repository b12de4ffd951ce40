// A minimal multipart/form-data reader, enough for audio uploads: it splits the body on the
// boundary and reads each part's name, file name and bytes.
import { SimulatorRequestError } from './protocol.ts';

export interface FormPart {
  name: string;
  fileName: string | undefined;
  data: Buffer;
}

const PARTS_MAX = 64;

export function boundaryOf(contentType: string): string {
  const match = /boundary=(?:"([^"]+)"|([^;\s]+))/i.exec(contentType);
  const boundary = match?.[1] ?? match?.[2];
  if (!/^multipart\/form-data/i.test(contentType) || boundary === undefined) {
    throw new SimulatorRequestError(400, 'Expected a multipart/form-data body with a boundary.');
  }
  return boundary;
}

function parsePart(raw: Buffer): FormPart | undefined {
  const headerEnd = raw.indexOf('\r\n\r\n');
  if (headerEnd < 0) return undefined;
  const headers = raw.subarray(0, headerEnd).toString('utf8');
  const disposition = /content-disposition:[^\r\n]*/i.exec(headers)?.[0] ?? '';
  const name = /\bname="([^"]*)"/i.exec(disposition)?.[1];
  if (name === undefined) return undefined;
  const fileName = /\bfilename="([^"]*)"/i.exec(disposition)?.[1];
  return { name, fileName, data: raw.subarray(headerEnd + 4) };
}

export function parseMultipartForm(body: Buffer, contentType: string): FormPart[] {
  const delimiter = Buffer.from(`--${boundaryOf(contentType)}`);
  const parts: FormPart[] = [];
  let start = body.indexOf(delimiter);
  while (start >= 0 && parts.length < PARTS_MAX) {
    const contentStart = start + delimiter.length;
    if (body.subarray(contentStart, contentStart + 2).toString() === '--') break;
    const next = body.indexOf(delimiter, contentStart);
    if (next < 0) break;
    // Each part sits between "\r\n" after the delimiter and "\r\n" before the next one.
    const part = parsePart(body.subarray(contentStart + 2, next - 2));
    if (part !== undefined) parts.push(part);
    start = next;
  }
  return parts;
}
