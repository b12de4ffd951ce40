// The only place that calls providers over HTTP (through node-http-client.ts). It owns the timeouts, links the
// client's AbortSignal to the upstream call (a client disconnect aborts the upstream request
// and releases its socket) and bounds how much a provider may send back.

import { transportError, invalidResponseError, type AbortCause } from './http-errors.ts';
import type { ProviderError, ProviderLimits } from './provider.ts';
import { httpPost, type UpstreamBody, type UpstreamResponse } from './node-http-client.ts';
import { parseSse, type SseEvent } from './sse.ts';

export interface UpstreamRequest {
  providerId: string;
  url: string;
  headers: Record<string, string>;
  /** Sent as JSON, unless it is a `RawBody`. */
  body: unknown;
}

/** Bytes sent exactly as given (a multipart upload), with their own content type. */
export class RawBody {
  constructor(readonly bytes: Buffer, readonly contentType: string) {}
}

/** Each adapter's reading of its provider's error responses. */
export type ErrorMapper = (status: number, body: unknown, headers: Headers) => ProviderError;

interface LinkedAbort {
  signal: AbortSignal;
  armTimeout(timeoutMs: number): void;
  release(): void;
  cause(): AbortCause | undefined;
}

function linkAbort(callerSignal: AbortSignal): LinkedAbort {
  const controller = new AbortController();
  let cause: AbortCause | undefined;
  let timer: NodeJS.Timeout | undefined;
  const onCallerAbort = () => {
    cause ??= 'client';
    controller.abort();
  };
  if (callerSignal.aborted) onCallerAbort();
  else callerSignal.addEventListener('abort', onCallerAbort, { once: true });
  return {
    signal: controller.signal,
    armTimeout(timeoutMs) {
      clearTimeout(timer);
      timer = setTimeout(() => {
        cause ??= 'timeout';
        controller.abort();
      }, timeoutMs);
    },
    release() {
      clearTimeout(timer);
      callerSignal.removeEventListener('abort', onCallerAbort);
    },
    cause: () => cause,
  };
}

async function readBounded(response: UpstreamResponse, bytesMax: number, providerId: string): Promise<string> {
  const chunks: Uint8Array[] = [];
  let total = 0;
  for await (const chunk of response.body) {
    total += chunk.length;
    if (total > bytesMax) {
      await response.body.cancel().catch(() => undefined);
      throw invalidResponseError(providerId, `body larger than ${bytesMax} bytes`);
    }
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString('utf8');
}

function parseErrorBody(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

async function send(
  request: UpstreamRequest,
  callerSignal: AbortSignal,
  limits: ProviderLimits,
  mapError: ErrorMapper,
): Promise<{ response: UpstreamResponse; link: LinkedAbort }> {
  const link = linkAbort(callerSignal);
  link.armTimeout(limits.requestTimeoutMs);
  try {
    const raw = request.body instanceof RawBody ? request.body : undefined;
    const response = await httpPost(request.url, {
      headers: { 'content-type': raw?.contentType ?? 'application/json', ...request.headers },
      body: raw?.bytes ?? JSON.stringify(request.body),
      signal: link.signal,
    });
    if (!response.ok) {
      const text = await readBounded(response, limits.responseBodyBytesMax, request.providerId);
      throw mapError(response.status, parseErrorBody(text), response.headers);
    }
    return { response, link };
  } catch (error) {
    link.release();
    throw transportError(error, link.cause(), request.providerId);
  }
}

/** POSTs a JSON body and returns the parsed JSON answer; any failure is a ProviderError. */
export async function postJson(
  request: UpstreamRequest,
  callerSignal: AbortSignal,
  limits: ProviderLimits,
  mapError: ErrorMapper,
): Promise<unknown> {
  const { response, link } = await send(request, callerSignal, limits, mapError);
  let text: string;
  try {
    text = await readBounded(response, limits.responseBodyBytesMax, request.providerId);
  } catch (error) {
    throw transportError(error, link.cause(), request.providerId);
  } finally {
    link.release();
  }
  try {
    return JSON.parse(text);
  } catch {
    throw invalidResponseError(request.providerId, 'body is not JSON');
  }
}

/** POSTs a body and returns the answer as text with its content type (JSON or not); failures are ProviderErrors. */
export async function postForText(
  request: UpstreamRequest,
  callerSignal: AbortSignal,
  limits: ProviderLimits,
  mapError: ErrorMapper,
): Promise<{ text: string; contentType: string }> {
  const { response, link } = await send(request, callerSignal, limits, mapError);
  try {
    return { text: await readBounded(response, limits.responseBodyBytesMax, request.providerId),
      contentType: response.headers.get('content-type') ?? 'application/octet-stream' };
  } catch (error) {
    throw transportError(error, link.cause(), request.providerId);
  } finally {
    link.release();
  }
}

/**
 * POSTs a JSON body and resolves once the provider answered with a success status, to an
 * iterable of SSE events. Reading it re-arms an idle timeout per chunk; stopping early (break,
 * return) cancels the upstream body. Failures while reading are thrown as ProviderError.
 */
export async function openEventStream(
  request: UpstreamRequest,
  callerSignal: AbortSignal,
  limits: ProviderLimits,
  mapError: ErrorMapper,
): Promise<AsyncIterable<SseEvent>> {
  const { response, link } = await send(request, callerSignal, limits, mapError);
  const body = response.body;
  async function* chunks(source: UpstreamBody): AsyncGenerator<Uint8Array> {
    link.armTimeout(limits.streamIdleTimeoutMs);
    for await (const chunk of source) {
      link.armTimeout(limits.streamIdleTimeoutMs);
      yield chunk;
    }
  }
  async function* events(body: UpstreamBody): AsyncGenerator<SseEvent> {
    try {
      yield* parseSse(chunks(body), { lineBytesMax: limits.sseLineBytesMax, eventBytesMax: limits.sseEventBytesMax });
    } catch (error) {
      throw transportError(error, link.cause(), request.providerId);
    } finally {
      link.release();
      await body.cancel().catch(() => undefined);
    }
  }
  return events(body);
}
