// Writing a server-sent event stream straight to the socket: headers go out with the first
// frame (so an error before it can still be a plain HTTP error), every write waits for 'drain'
// when the socket is full (memory stays flat however long the answer), and a client that goes
// away aborts the upstream call through the request's AbortSignal.
import { once } from 'node:events';
import type { Context } from 'koa';
import { clientGoneSignal } from './call-basics.ts';

export class SseResponse {
  private started = false;
  /** Aborted when the client goes away before the stream ended. */
  readonly signal: AbortSignal;

  constructor(private readonly ctx: Context) {
    this.signal = clientGoneSignal(ctx);
  }

  async write(text: string): Promise<void> {
    if (text === '' || this.signal.aborted) return;
    const response = this.ctx.res;
    if (!this.started) {
      this.started = true;
      this.ctx.respond = false;
      response.writeHead(200, {
        'content-type': 'text/event-stream; charset=utf-8',
        'cache-control': 'no-cache',
        connection: 'keep-alive',
        'x-request-id': String(this.ctx.state.requestId ?? ''),
      });
    }
    if (!response.write(text)) {
      await Promise.race([once(response, 'drain'), once(response, 'close')]);
    }
  }

  async end(text = ''): Promise<void> {
    await this.write(text);
    if (!this.ctx.res.writableEnded) this.ctx.res.end();
  }
}
