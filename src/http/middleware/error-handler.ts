// First in the chain: whatever a later middleware throws is answered in the route's protocol
// (OpenAI's shape on OpenAI routes, Anthropic's on /v1/messages), with the right status.
import type { Context, Next } from 'koa';
import type { Logger } from 'pino';
import { errorBody, notFound, toGatewayError, type ClientProtocol } from '../errors.ts';

export function protocolOfPath(path: string): ClientProtocol {
  return path.startsWith('/v1/messages') ? 'anthropic' : 'openai';
}

export function errorHandler(logger: Logger) {
  return async function handleErrors(ctx: Context, next: Next): Promise<void> {
    try {
      await next();
      if (ctx.status === 404 && ctx.body === undefined) throw notFound(`no route for ${ctx.method} ${ctx.path}`, 'unknown_route');
    } catch (thrown) {
      const error = toGatewayError(thrown);
      if (error.status >= 500 && error.code === 'internal_error') {
        logger.error({ err: thrown, path: ctx.path, requestId: ctx.state.requestId }, 'unhandled error');
      }
      if (ctx.headerSent || !ctx.writable) {
        ctx.res.destroy();
        return;
      }
      ctx.status = error.status;
      ctx.set(error.headers);
      // A refused body is not kept: close the connection rather than parse what may follow.
      if (error.status === 413) ctx.set('connection', 'close');
      ctx.body = errorBody(error, protocolOfPath(ctx.path), ctx.state.providerKind as string | undefined);
    }
  };
}
