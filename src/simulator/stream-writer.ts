// Writes a stream of frames to an HTTP response. Frames are produced lazily and written as they
// come, waiting for 'drain' whenever the socket buffer is full, so memory stays flat however long
// the reply. Without pacing, frames are coalesced into writes of up to `COALESCE_BYTES`, which is
// what lets a benchmark push thousands of streams per second.
import type { ServerResponse } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import type { StreamFrame } from './protocol.ts';

const COALESCE_BYTES = 16 * 1024;

export interface StreamWriteOptions {
  tokensPerSecond: number;
  // Destroy the socket after this many frames: a provider dying mid-stream.
  cutAfterEvents: number | undefined;
  // After this many frames, send `failure` (an in-band error event) and end the stream.
  failAfterEvents?: { events: number; failure: string };
}

function writeAndWait(response: ServerResponse, chunk: string): Promise<void> {
  return new Promise((resolve) => {
    // The callback fires once the chunk is handed to the kernel, or with an error once the
    // socket is gone; both mean there is nothing more to wait for.
    response.write(chunk, () => resolve());
  });
}

function waitForDrain(response: ServerResponse): Promise<void> {
  return new Promise((resolve) => {
    const done = (): void => {
      response.off('drain', done);
      response.off('close', done);
      resolve();
    };
    response.on('drain', done);
    response.on('close', done);
  });
}

async function write(response: ServerResponse, chunk: string): Promise<void> {
  // A response destroyed by the client will neither drain nor close again: do not wait for it.
  if (response.write(chunk) || response.destroyed) return;
  await waitForDrain(response);
}

export async function writeFrames(
  response: ServerResponse,
  frames: Iterable<StreamFrame>,
  options: StreamWriteOptions,
): Promise<void> {
  const paced = Number.isFinite(options.tokensPerSecond) && options.tokensPerSecond > 0;
  const cutAfter = options.cutAfterEvents;
  if (cutAfter === 0) {
    response.flushHeaders();
    response.socket?.destroy();
    return;
  }
  let pending = '';
  let written = 0;
  const fail = options.failAfterEvents;
  for (const frame of frames) {
    if (response.destroyed) return;
    if (fail !== undefined && written >= fail.events) {
      response.end(pending + fail.failure);
      return;
    }
    if (paced && frame.tokens > 0) {
      if (pending !== '') await write(response, pending);
      pending = '';
      await sleep((frame.tokens * 1000) / options.tokensPerSecond);
    }
    pending += frame.wire;
    written += 1;
    if (cutAfter !== undefined && written >= cutAfter) {
      await writeAndWait(response, pending);
      response.socket?.destroy();
      return;
    }
    if (paced || pending.length >= COALESCE_BYTES) {
      await write(response, pending);
      pending = '';
    }
  }
  response.end(pending);
}
