// The HTTP adapter: a bare node:http server (no framework, so it stays fast under benchmarks)
// that routes, authenticates, applies the fault knobs and writes what the endpoints describe.
import { randomBytes } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { isAuthorized, unauthorizedMessage } from './authentication.ts';
import { forcedErrorMessage, providerErrorReply } from './error-bodies.ts';
import { parseKnobs, type SimulatorKnobs } from './knobs.ts';
import type { EndpointContext, EndpointReply, ProviderFamily } from './protocol.ts';
import { SimulatorRequestError } from './protocol.ts';
import { familyOfPath, matchRoute } from './routes.ts';
import { writeFrames } from './stream-writer.ts';

export interface SimulatorOptions {
  port?: number;
  host?: string;
  // Delay before the first byte of every response.
  latencyMs?: number;
  // Pace streamed output; 0 or Infinity means as fast as the socket takes it.
  tokensPerSecond?: number;
  // When set, require it the way the real provider would.
  apiKey?: string;
}

export interface RunningSimulator {
  url: string;
  port: number;
  close(): Promise<void>;
  requestCount(): number;
}

const BODY_BYTES_MAX = 32 * 1024 * 1024;

interface ServerSettings {
  latencyMs: number;
  tokensPerSecond: number;
  apiKey: string | undefined;
  baseUrl: string;
  newId: (prefix: string) => string;
}

function readBody(request: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    request.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > BODY_BYTES_MAX) {
        reject(new SimulatorRequestError(413, `Request body exceeds ${BODY_BYTES_MAX} bytes.`));
        request.destroy();
        return;
      }
      chunks.push(chunk);
    });
    request.on('end', () => resolve(chunks.length === 1 && chunks[0] !== undefined ? chunks[0] : Buffer.concat(chunks)));
    request.on('error', reject);
    // A client that hangs up mid-upload never sends 'end'; without this the handler would wait forever.
    request.on('close', () => {
      if (!request.complete) reject(new SimulatorRequestError(400, 'The client closed the connection before sending the whole body.'));
    });
  });
}

function sendJson(response: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  response.writeHead(status, {
    ...headers,
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(text),
  });
  response.end(text);
}

function parseJson(rawBody: Buffer): unknown {
  if (rawBody.length === 0) return undefined;
  try {
    return JSON.parse(rawBody.toString('utf8'));
  } catch {
    throw new SimulatorRequestError(400, 'We could not parse the JSON body of your request.');
  }
}

/** The in-band error event each family's streams carry when the provider is overloaded mid-stream. */
function overloadedFrame(family: ProviderFamily): string {
  switch (family) {
    case 'anthropic':
      return `event: error\ndata: ${JSON.stringify({ type: 'error', error: { type: 'overloaded_error', message: 'Overloaded' } })}\n\n`;
    case 'gemini':
      return `data: ${JSON.stringify({ error: { code: 503, message: 'The model is overloaded. Please try again later.', status: 'UNAVAILABLE' } })}\n\n`;
    case 'openai':
      return `data: ${JSON.stringify({ error: { message: 'The server is overloaded.', type: 'server_error', param: null, code: null } })}\n\n`;
    default: {
      const exhausted: never = family;
      throw new Error(`unhandled family ${String(exhausted)}`);
    }
  }
}

async function sendReply(response: ServerResponse, reply: EndpointReply, settings: ServerSettings, knobs: SimulatorKnobs,
  family: ProviderFamily): Promise<void> {
  const cutAfter = knobs.cutAfterEvents;
  switch (reply.kind) {
    case 'json':
      sendJson(response, reply.status, reply.body, reply.headers);
      return;
    case 'text':
    case 'bytes': {
      const payload = reply.kind === 'text' ? Buffer.from(reply.text) : reply.bytes;
      response.writeHead(reply.status, { 'content-type': reply.contentType, 'content-length': payload.length });
      response.end(payload);
      return;
    }
    case 'stream':
      response.writeHead(200, { 'content-type': reply.contentType ?? 'text/event-stream; charset=utf-8', 'cache-control': 'no-cache', connection: 'keep-alive' });
      await writeFrames(response, reply.frames, { tokensPerSecond: settings.tokensPerSecond, cutAfterEvents: cutAfter,
        ...(knobs.overloadedAfterEvents === undefined ? {} : { failAfterEvents: { events: knobs.overloadedAfterEvents, failure: overloadedFrame(family) } }) });
      return;
    default: {
      const exhausted: never = reply;
      throw new Error(`unhandled reply ${JSON.stringify(exhausted)}`);
    }
  }
}

async function handle(request: IncomingMessage, response: ServerResponse, settings: ServerSettings): Promise<void> {
  const url = new URL(request.url ?? '/', settings.baseUrl);
  const header = (name: string): string | undefined => {
    const value = request.headers[name];
    return Array.isArray(value) ? value[0] : value;
  };
  let family: ProviderFamily = familyOfPath(url.pathname);
  const requestId = settings.newId('req_');
  const fail = (status: number, message: string, parameter: string | null = null, retryAfterSeconds?: number): void => {
    const error = providerErrorReply({ family, status, message, parameter, requestId, ...(retryAfterSeconds === undefined ? {} : { retryAfterSeconds }) });
    sendJson(response, error.status, error.body, error.headers);
  };
  try {
    const matched = matchRoute(request.method ?? 'GET', url.pathname, header);
    if (matched === undefined) return fail(404, `Unknown request URL: ${request.method} ${url.pathname}.`);
    family = matched.route.family;
    if (settings.apiKey !== undefined && !isAuthorized(family, header, url.searchParams, settings.apiKey)) {
      const denied = unauthorizedMessage(family, header, url.searchParams);
      return fail(denied.status, denied.message);
    }
    const rawBody = await readBody(request);
    const body = matched.route.rawBody === true ? undefined : parseJson(rawBody);
    const bodyModel = typeof body === 'object' && body !== null ? (body as Record<string, unknown>)['model'] : undefined;
    const model = matched.pathParameters['model'] ?? (typeof bodyModel === 'string' ? bodyModel : '');
    const knobs = parseKnobs(header, model);
    const latencyMs = settings.latencyMs + knobs.extraLatencyMs;
    if (latencyMs > 0) await sleep(latencyMs);
    if (knobs.errorStatus !== undefined) {
      return fail(knobs.errorStatus, forcedErrorMessage(knobs.errorStatus), null, knobs.retryAfterSeconds);
    }
    const context: EndpointContext = { nowSeconds: Math.floor(Date.now() / 1000), newId: settings.newId, baseUrl: settings.baseUrl };
    const reply = matched.route.endpoint({
      body, rawBody, contentType: header('content-type') ?? '', query: url.searchParams,
      pathParameters: matched.pathParameters, knobs, context,
    });
    await sendReply(response, reply, settings, knobs, family);
  } catch (error) {
    if (response.headersSent) {
      response.destroy();
      return;
    }
    if (error instanceof SimulatorRequestError) return fail(error.status, error.message, error.parameter);
    fail(500, `The simulator failed: ${error instanceof Error ? error.message : String(error)}`);
  }
}

function idFactory(): (prefix: string) => string {
  // A per-process nonce plus a counter: unique like real ids, far cheaper than a UUID each.
  const nonce = randomBytes(6).toString('hex');
  let counter = 0;
  return (prefix) => `${prefix}sim${nonce}${(counter++).toString(36).padStart(6, '0')}`;
}

export async function startSimulator(options: SimulatorOptions = {}): Promise<RunningSimulator> {
  const host = options.host ?? '127.0.0.1';
  let handled = 0;
  const settings: ServerSettings = {
    latencyMs: options.latencyMs ?? 0,
    tokensPerSecond: options.tokensPerSecond ?? 0,
    apiKey: options.apiKey,
    baseUrl: 'http://placeholder',
    newId: idFactory(),
  };
  const server = createServer({ keepAliveTimeout: 30_000 }, (request, response) => {
    handled += 1;
    void handle(request, response, settings);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  const url = `http://${host.includes(':') ? `[${host}]` : host}:${port}`;
  settings.baseUrl = url;
  return {
    url,
    port,
    requestCount: () => handled,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error === undefined ? resolve() : reject(error)));
        server.closeAllConnections();
      }),
  };
}
