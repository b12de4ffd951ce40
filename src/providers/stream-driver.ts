// Runs one upstream stream through a provider's decoder and enforces the canonical stream's
// ordering rules in one place: failures before the first part are thrown, failures after it
// become a single `error` part, and nothing follows a `finish` or an `error`.

import type { CanonicalStreamPart, StreamError } from '../protocols/canonical.ts';
import { ProviderError } from './provider.ts';
import type { SseEvent } from './sse.ts';

/**
 * A provider's stateful mapping from its own SSE events to canonical parts. `end` is called when
 * the upstream closes the stream and returns the closing parts (usage, finish), or an error when
 * the stream stopped early. Both may throw StreamProtocolError on a malformed stream.
 */
export interface StreamDecoder {
  decode(event: SseEvent): CanonicalStreamPart[];
  end(): CanonicalStreamPart[];
}

/** A stream that breaks its provider's own rules (a second message_start, an unknown block). */
export class StreamProtocolError extends Error {
  readonly code: string;
  constructor(code: string, message: string) {
    super(message);
    this.name = 'StreamProtocolError';
    this.code = code;
  }
}

export function streamErrorFrom(error: unknown): StreamError {
  if (error instanceof ProviderError) {
    return { status: error.status, type: error.type, message: error.message, ...(error.code ? { code: error.code } : {}) };
  }
  if (error instanceof StreamProtocolError) {
    return { status: 502, type: 'provider_invalid_response', code: error.code, message: error.message };
  }
  // Anything else is a programmer error in a decoder; it still must not crash the client's stream.
  return { status: 500, type: 'api_error', message: error instanceof Error ? error.message : String(error) };
}

const isTerminal = (part: CanonicalStreamPart) => part.type === 'finish' || part.type === 'error';

export async function* driveStream(
  open: () => Promise<AsyncIterable<SseEvent>>,
  decoder: StreamDecoder,
): AsyncGenerator<CanonicalStreamPart> {
  const events = await open();
  try {
    for await (const event of events) {
      for (const part of decoder.decode(event)) {
        yield part;
        if (isTerminal(part)) return;
      }
    }
    for (const part of decoder.end()) {
      yield part;
      if (isTerminal(part)) return;
    }
  } catch (error) {
    yield { type: 'error', error: streamErrorFrom(error) };
  }
}

/** Replays already-received events through a decoder; what tests and the simulator use. */
export async function* decodeEvents(events: Iterable<SseEvent> | AsyncIterable<SseEvent>, decoder: StreamDecoder): AsyncGenerator<CanonicalStreamPart> {
  yield* driveStream(async () => toAsync(events), decoder);
}

async function* toAsync(events: Iterable<SseEvent> | AsyncIterable<SseEvent>): AsyncGenerator<SseEvent> {
  yield* events;
}
