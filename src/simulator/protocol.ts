// The contract between the HTTP adapter (server.ts) and the endpoint modules. Endpoints are
// functions from a parsed request to a reply description; they never touch sockets, so the
// server alone owns framing, pacing, backpressure and the fault knobs.
import type { SimulatorKnobs } from './knobs.ts';

export type ProviderFamily = 'openai' | 'anthropic' | 'gemini';

export interface EndpointRequest {
  body: unknown;
  rawBody: Buffer;
  contentType: string;
  query: URLSearchParams;
  pathParameters: Record<string, string>;
  knobs: SimulatorKnobs;
  context: EndpointContext;
}

// Values that would otherwise come from the clock or a random source, handed in by the server.
export interface EndpointContext {
  nowSeconds: number;
  newId: (prefix: string) => string;
  baseUrl: string;
}

// One frame of a stream, already serialized in the provider's framing. `tokens` is how many
// output tokens the frame carries, which is what `tokensPerSecond` paces.
export interface StreamFrame {
  wire: string;
  tokens: number;
}

export type EndpointReply =
  | { kind: 'json'; status: number; body: unknown; headers?: Record<string, string> }
  | { kind: 'text'; status: number; text: string; contentType: string }
  | { kind: 'bytes'; status: number; bytes: Buffer; contentType: string }
  | { kind: 'stream'; frames: Iterable<StreamFrame>; contentType?: string };

export type Endpoint = (request: EndpointRequest) => EndpointReply;

// An operating error raised by an endpoint: rendered by the server in the family's error shape.
export class SimulatorRequestError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly parameter: string | null = null,
  ) {
    super(message);
    this.name = 'SimulatorRequestError';
  }
}

export function jsonReply(body: unknown, status = 200): EndpointReply {
  return { kind: 'json', status, body };
}

// OpenAI and most SSE servers frame events as `data: <json>\n\n`.
export function dataFrame(payload: unknown, tokens = 0): StreamFrame {
  return { wire: `data: ${JSON.stringify(payload)}\n\n`, tokens };
}

// Anthropic (and the Responses API) also name each event.
export function namedFrame(eventName: string, payload: unknown, tokens = 0): StreamFrame {
  return { wire: `event: ${eventName}\ndata: ${JSON.stringify(payload)}\n\n`, tokens };
}
