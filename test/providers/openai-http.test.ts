import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { CanonicalChatRequest, CanonicalStreamPart } from '../../src/protocols/canonical.ts';
import { createOpenAIAdapter } from '../../src/providers/openai/adapter.ts';
import { DEFAULT_PROVIDER_LIMITS, ProviderError, type ProviderLimits } from '../../src/providers/provider.ts';
import { frameAsSse, readFixture, textOf } from './replay.ts';

type Handler = (request: IncomingMessage, body: unknown, response: ServerResponse) => void;

async function withServer(handler: Handler, run: (baseUrl: string) => Promise<void>): Promise<void> {
  const server: Server = createServer((request, response) => {
    let text = '';
    request.on('data', (chunk) => (text += chunk));
    request.on('end', () => handler(request, text === '' ? undefined : JSON.parse(text), response));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  try {
    await run(`http://127.0.0.1:${port}/v1`);
  } finally {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
}

const request: CanonicalChatRequest = {
  messages: [{ role: 'user', content: [{ type: 'text', text: 'Invent a holiday' }] }],
  sampling: { maxOutputTokens: 300 },
};

function adapter(baseUrl: string, limits: Partial<ProviderLimits> = {}) {
  return createOpenAIAdapter({ id: 'openai-test', baseUrl, apiKey: 'sk-test', limits: { ...DEFAULT_PROVIDER_LIMITS, ...limits } });
}

async function collect(parts: AsyncIterable<CanonicalStreamPart>): Promise<CanonicalStreamPart[]> {
  const collected: CanonicalStreamPart[] = [];
  for await (const part of parts) collected.push(part);
  return collected;
}

async function rejection(promise: Promise<unknown>): Promise<ProviderError> {
  try {
    await promise;
  } catch (error) {
    assert.instance(error, ProviderError);
    return error as ProviderError;
  }
  throw new Error('expected a ProviderError');
}

test('given an OpenAI server streaming the recorded fixture, when streamChat runs, then usage is asked for and the text arrives', async () => {
  let seen: { authorization?: string; body?: any } = {};
  await withServer(
    (incoming, body, response) => {
      seen = { authorization: incoming.headers.authorization, body };
      response.writeHead(200, { 'content-type': 'text/event-stream' });
      response.end(frameAsSse('openai-text.chunks.txt', 'openai'));
    },
    async (baseUrl) => {
      const parts = await collect(adapter(baseUrl).streamChat(request, { upstreamModel: 'gpt-4.1-nano', signal: new AbortController().signal }));
      assert.ok(textOf(parts).startsWith('**Holiday Name:**'));
      assert.is(parts.at(-1)?.type, 'finish');
    },
  );
  assert.is(seen.authorization, 'Bearer sk-test');
  assert.equal(seen.body.stream_options, { include_usage: true });
  assert.is(seen.body.max_completion_tokens, 300);
  assert.is(seen.body.model, 'gpt-4.1-nano');
});

test('given an OpenAI server answering JSON, when chat runs, then the body is mapped', async () => {
  await withServer(
    (_incoming, _body, response) => {
      response.writeHead(200, { 'content-type': 'application/json' });
      response.end(readFixture('openai-text.json'));
    },
    async (baseUrl) => {
      const result = await adapter(baseUrl).chat(request, { upstreamModel: 'gpt-4.1-nano', signal: new AbortController().signal });
      assert.is(result.usage?.inputTokens, 16);
    },
  );
});

test('given a 429 with retry-after, when streamChat starts, then a ProviderError is thrown before any part', async () => {
  await withServer(
    (_incoming, _body, response) => {
      response.writeHead(429, { 'content-type': 'application/json', 'retry-after': '7' });
      response.end(JSON.stringify({ error: { message: 'slow down', type: 'requests', code: 'rate_limit_exceeded' } }));
    },
    async (baseUrl) => {
      const error = await rejection(collect(adapter(baseUrl).streamChat(request, { upstreamModel: 'm', signal: new AbortController().signal })));
      assert.is(error.status, 429);
      assert.is(error.retryAfterSeconds, 7);
      assert.is(error.code, 'rate_limit_exceeded');
    },
  );
});

test('given nothing listening, when chat runs, then the error is a 502 provider_unreachable', async () => {
  let closedUrl = '';
  await withServer(() => undefined, async (baseUrl) => {
    closedUrl = baseUrl;
  });
  const error = await rejection(adapter(closedUrl).chat(request, { upstreamModel: 'm', signal: new AbortController().signal }));
  assert.is(error.status, 502);
  assert.is(error.type, 'provider_unreachable');
});

test('given a server that never answers, when the request timeout passes, then the error is a 504', async () => {
  await withServer(() => undefined, async (baseUrl) => {
    const error = await rejection(adapter(baseUrl, { requestTimeoutMs: 50 }).chat(request, { upstreamModel: 'm', signal: new AbortController().signal }));
    assert.is(error.status, 504);
    assert.is(error.type, 'provider_timeout');
  });
});

test('given a stream in progress, when the client aborts, then the upstream connection is closed', async () => {
  let upstreamClosed: Promise<void> = Promise.resolve();
  await withServer(
    (incoming, _body, response) => {
      upstreamClosed = new Promise((resolve) => response.on('close', () => resolve()));
      response.writeHead(200, { 'content-type': 'text/event-stream' });
      response.write(`data: ${JSON.stringify({ id: 'c', model: 'm', choices: [{ index: 0, delta: { content: 'Hi' } }] })}\n\n`);
      void incoming;
    },
    async (baseUrl) => {
      const client = new AbortController();
      const parts: CanonicalStreamPart[] = [];
      for await (const part of adapter(baseUrl).streamChat(request, { upstreamModel: 'm', signal: client.signal })) {
        parts.push(part);
        if (part.type === 'text-delta') client.abort();
      }
      await upstreamClosed;
      const last = parts.at(-1);
      assert.is(last?.type === 'error' && last.error.type, 'client_closed_request');
    },
  );
});

test('given a stream in progress, when the consumer stops iterating, then the upstream connection is closed', async () => {
  let upstreamClosed: Promise<void> = Promise.resolve();
  await withServer(
    (_incoming, _body, response) => {
      upstreamClosed = new Promise((resolve) => response.on('close', () => resolve()));
      response.writeHead(200, { 'content-type': 'text/event-stream' });
      response.write(`data: ${JSON.stringify({ id: 'c', model: 'm', choices: [{ index: 0, delta: { content: 'Hi' } }] })}\n\n`);
    },
    async (baseUrl) => {
      for await (const part of adapter(baseUrl).streamChat(request, { upstreamModel: 'm', signal: new AbortController().signal })) {
        if (part.type === 'text-delta') break;
      }
      await upstreamClosed;
    },
  );
});

test.run();
