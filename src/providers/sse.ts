// The one server-sent-events parser every upstream stream goes through (WHATWG HTML, "Parsing an
// event stream"). It works on bytes, so a line limit is a byte limit and a UTF-8 character split
// across network chunks is only decoded once its line is complete.

export interface SseEvent {
  /** The `event:` field, or "message" when the event named none. */
  event: string;
  data: string;
  /** The last event id seen so far in the stream ("" when none). */
  id: string;
}

export interface SseLimits {
  /** Longest single line accepted, terminator excluded. */
  lineBytesMax: number;
  /** Largest `data` accepted for one event, all its data lines together. */
  eventBytesMax: number;
}

export const DEFAULT_SSE_LIMITS: SseLimits = { lineBytesMax: 1_048_576, eventBytesMax: 4_194_304 };

export type SseErrorCode = 'sse_line_too_long' | 'sse_event_too_large';

export class SseError extends Error {
  readonly code: SseErrorCode;
  constructor(code: SseErrorCode, message: string) {
    super(message);
    this.name = 'SseError';
    this.code = code;
  }
}

const LINE_FEED = 0x0a;
const CARRIAGE_RETURN = 0x0d;

/**
 * Incremental parser: feed it chunks as they arrive, collect the completed events. An event still
 * open when the input ends is discarded, as the standard requires.
 */
export class SseParser {
  private readonly limits: SseLimits;
  private readonly decoder = new TextDecoder('utf-8');
  private lineChunks: Uint8Array[] = [];
  private lineBytes = 0;
  private previousWasCarriageReturn = false;
  private isFirstLine = true;
  private eventType = '';
  private dataLines: string[] = [];
  private dataBytes = 0;
  private lastEventId = '';

  constructor(limits: SseLimits = DEFAULT_SSE_LIMITS) {
    this.limits = limits;
  }

  push(chunk: Uint8Array): SseEvent[] {
    const events: SseEvent[] = [];
    let lineStart = 0;
    for (let position = 0; position < chunk.length; position++) {
      const byte = chunk[position];
      if (byte !== LINE_FEED && byte !== CARRIAGE_RETURN) continue;
      // A CRLF pair is one terminator, even when the network split it between two chunks.
      const isSecondHalfOfCrlf = byte === LINE_FEED && this.previousWasCarriageReturn && position === lineStart;
      this.previousWasCarriageReturn = byte === CARRIAGE_RETURN;
      if (isSecondHalfOfCrlf && this.lineBytes === 0) {
        lineStart = position + 1;
        continue;
      }
      this.appendToLine(chunk.subarray(lineStart, position));
      const event = this.processLine(this.takeLine());
      if (event !== undefined) events.push(event);
      lineStart = position + 1;
    }
    if (lineStart < chunk.length) {
      this.previousWasCarriageReturn = false;
      this.appendToLine(chunk.subarray(lineStart));
    }
    return events;
  }

  private appendToLine(bytes: Uint8Array): void {
    if (bytes.length === 0) return;
    this.lineBytes += bytes.length;
    if (this.lineBytes > this.limits.lineBytesMax) {
      throw new SseError('sse_line_too_long', `SSE line exceeds ${this.limits.lineBytesMax} bytes`);
    }
    this.lineChunks.push(bytes.slice());
  }

  private takeLine(): string {
    const bytes = new Uint8Array(this.lineBytes);
    let offset = 0;
    for (const chunk of this.lineChunks) {
      bytes.set(chunk, offset);
      offset += chunk.length;
    }
    this.lineChunks = [];
    this.lineBytes = 0;
    let line = this.decoder.decode(bytes);
    if (this.isFirstLine && line.startsWith('\uFEFF')) line = line.slice(1);
    this.isFirstLine = false;
    return line;
  }

  private processLine(line: string): SseEvent | undefined {
    if (line === '') return this.dispatch();
    if (line.startsWith(':')) return undefined;
    const colon = line.indexOf(':');
    const field = colon === -1 ? line : line.slice(0, colon);
    let value = colon === -1 ? '' : line.slice(colon + 1);
    if (value.startsWith(' ')) value = value.slice(1);
    this.processField(field, value);
    return undefined;
  }

  private processField(field: string, value: string): void {
    switch (field) {
      case 'event':
        this.eventType = value;
        return;
      case 'data':
        this.dataBytes += Buffer.byteLength(value) + 1;
        if (this.dataBytes > this.limits.eventBytesMax) {
          throw new SseError('sse_event_too_large', `SSE event exceeds ${this.limits.eventBytesMax} bytes`);
        }
        this.dataLines.push(value);
        return;
      case 'id':
        if (!value.includes('\u0000')) this.lastEventId = value;
        return;
      default:
        // `retry` and unknown fields are ignored: Lumen never reconnects an upstream stream.
        return;
    }
  }

  private dispatch(): SseEvent | undefined {
    const hasData = this.dataLines.length > 0;
    const event: SseEvent = { event: this.eventType || 'message', data: this.dataLines.join('\n'), id: this.lastEventId };
    this.eventType = '';
    this.dataLines = [];
    this.dataBytes = 0;
    return hasData ? event : undefined;
  }
}

/** Parses a byte stream (a fetch body, or any async iterable of chunks) into events. */
export async function* parseSse(
  source: AsyncIterable<Uint8Array>,
  limits: SseLimits = DEFAULT_SSE_LIMITS,
): AsyncGenerator<SseEvent> {
  const parser = new SseParser(limits);
  for await (const chunk of source) {
    yield* parser.push(chunk);
  }
}
