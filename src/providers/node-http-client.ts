// POST over node:http(s) with keep-alive sockets, for every upstream call. It replaces the global
// fetch: the gateway benchmark found fetch's web-stream machinery the largest single share of
// Lumen's CPU per request, and provider calls need nothing it adds. The answer's body is read as
// an async iterable of byte chunks, which is what the SSE parser consumes.
import http from 'node:http';
import https from 'node:https';

const httpAgent = new http.Agent({ keepAlive: true, maxSockets: 512, keepAliveMsecs: 10_000 });
const httpsAgent = new https.Agent({ keepAlive: true, maxSockets: 512, keepAliveMsecs: 10_000 });

export interface UpstreamResponse {
  ok: boolean;
  status: number;
  headers: Headers;
  body: UpstreamBody;
}

export interface UpstreamBody extends AsyncIterable<Uint8Array> {
  /** Stops reading and releases the socket (destroyed, as the answer was not read to its end). */
  cancel(): Promise<void>;
}

export function httpPost(url: string, options: { headers: Record<string, string>; body: Buffer | string; signal: AbortSignal }):
  Promise<UpstreamResponse> {
  const target = new URL(url);
  const client = target.protocol === 'https:' ? https : http;
  const payload = typeof options.body === 'string' ? Buffer.from(options.body) : options.body;
  return new Promise((resolve, reject) => {
    const request = client.request(target, {
      method: 'POST',
      agent: target.protocol === 'https:' ? httpsAgent : httpAgent,
      headers: { ...options.headers, 'content-length': String(payload.length) },
    }, (response) => {
      const headers = new Headers();
      for (const [name, value] of Object.entries(response.headers)) {
        if (value !== undefined) headers.set(name, Array.isArray(value) ? value.join(', ') : value);
      }
      const status = response.statusCode ?? 0;
      resolve({
        ok: status >= 200 && status < 300, status, headers,
        body: {
          [Symbol.asyncIterator]: () => response[Symbol.asyncIterator]() as AsyncIterator<Uint8Array>,
          async cancel() {
            if (!response.complete) response.destroy();
          },
        },
      });
    });
    // Node reports connection failures with the code on the error itself; the transport's error
    // mapping reads it from `cause`, as fetch reports it.
    request.on('error', (error) => reject(Object.assign(new Error(error.message), { cause: error })));
    // The abort is linked by hand rather than with the `signal` option: Node's own link outlives
    // the answer, and an abort after the answer ended destroyed the pooled keep-alive socket,
    // whose error event nobody listens to (a crash). Once the request closed, abort does nothing.
    const onAbort = () => request.destroy(Object.assign(new Error('This operation was aborted'), { name: 'AbortError', code: 'ABORT_ERR' }));
    if (options.signal.aborted) onAbort();
    else {
      options.signal.addEventListener('abort', onAbort, { once: true });
      request.once('close', () => options.signal.removeEventListener('abort', onAbort));
    }
    request.end(payload);
  });
}
