// Test helper: serves fixed bytes from a loopback HTTP server, so the OpenAI SDK reads Lumen's
// encoded output through its own HTTP, SSE and parsing code, exactly as a client would.

import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { readFileSync } from 'node:fs';

export interface ServedRequest {
  method: string;
  path: string;
  body: unknown;
}

async function readBody(request: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  const text = Buffer.concat(chunks).toString('utf8');
  return text === '' ? undefined : JSON.parse(text);
}

/** Answers every request with `body`; hands the test the base URL and the requests received. */
export async function withServedBytes<Result>(
  body: string,
  contentType: string,
  use: (baseUrl: string, requests: ServedRequest[]) => Promise<Result>,
): Promise<Result> {
  const requests: ServedRequest[] = [];
  const server = createServer((request, response) => {
    readBody(request).then((parsed) => {
      requests.push({ method: request.method ?? '', path: request.url ?? '', body: parsed });
      response.writeHead(200, { 'content-type': contentType });
      response.end(body);
    }, (error: unknown) => response.destroy(error as Error));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  try {
    return await use(`http://127.0.0.1:${port}/v1`, requests);
  } finally {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
}

const fixtureDirectory = new URL('../fixtures/protocols/', import.meta.url);

export function readProtocolFixture(name: string): string {
  return readFileSync(new URL(name, fixtureDirectory), 'utf8');
}

/** The recorded `*.chunks.txt` payloads, one parsed event per line. */
export function recordedEvents(name: string): Array<Record<string, unknown>> {
  return readProtocolFixture(name)
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => JSON.parse(line) as Record<string, unknown>);
}
