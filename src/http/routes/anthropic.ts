// Anthropic Messages routes: POST /v1/messages (plain and streamed) and
// POST /v1/messages/count_tokens, for any catalog model: translation runs through the canonical
// call, so an Anthropic client reaches OpenAI and Gemini models too. Errors on these paths are
// rendered in Anthropic's shape by the one error middleware.
import Router from '@koa/router';
import type { Context } from 'koa';
import { prepareCall, resolveModel, runCall, streamCall, type ModelCallServices, type StreamSink } from '../../gateway/model-call.ts';
import type { KeyIndex, KeyRecord } from '../../gateway/key-index.ts';
import { countTokens, promptText } from '../../gateway/token-counter.ts';
import { parseAnthropicCountTokensRequest } from '../../protocols/anthropic-count-tokens.ts';
import { parseAnthropicRequest } from '../../protocols/anthropic-schema.ts';
import { anthropicToCanonical } from '../../protocols/anthropic-to-canonical.ts';
import { AnthropicStreamEncoder, canonicalToAnthropic, type AnthropicEvent } from '../../protocols/canonical-to-anthropic.ts';
import { sseFrame } from '../../protocols/sse-frames.ts';
import { authenticateKey } from '../middleware/authenticate.ts';
import { callBasics, nowSeconds, responseIdentity } from '../call-basics.ts';
import { withExtras } from '../lumen-extras.ts';
import { takeRoutingOptions } from '../routing-options.ts';
import { SseResponse } from '../sse-response.ts';

/**
 * Anthropic's protocol headers travel with the call. Only Anthropic servers read them; other
 * upstreams ignore headers they do not know, so no handler needs to ask which provider it is.
 */
const FORWARDED_HEADERS = ['anthropic-version', 'anthropic-beta'] as const;

export function anthropicRoutes(services: ModelCallServices, keys: KeyIndex): Router {
  const router = new Router({ prefix: '/v1' });
  router.use(authenticateKey(keys));

  router.post('/messages', async function createMessage(ctx) {
    const routing = takeRoutingOptions(ctx);
    const call = anthropicToCanonical(parseAnthropicRequest(ctx.state.body));
    const sse = new SseResponse(ctx);
    const prepared = await prepareCall(services, { ...callBasics(ctx, sse), routing, protocol: 'anthropic-messages', requestedModel: call.model,
      stream: call.stream, request: call.request, headers: forwardedHeaders(ctx) });
    const identity = responseIdentity(ctx, prepared, `msg_${prepared.requestId}`, services.now);
    if (call.stream) {
      await streamCall(services, prepared, anthropicSink(sse, new AnthropicStreamEncoder(identity)));
      return sse.end();
    }
    const completed = await runCall(services, prepared);
    ctx.body = withExtras(canonicalToAnthropic(completed.result, identity), completed.extras);
  });

  router.post('/messages/count_tokens', async function countMessageTokens(ctx) {
    const call = parseAnthropicCountTokensRequest(ctx.state.body);
    // Resolved like a real call, so an unknown or forbidden model answers as it would there.
    resolveModel(services.catalog, call.model, ctx.state.principal as KeyRecord, 'chat');
    // Counted locally (o200k_base) for every target: no adapter offers a count endpoint yet,
    // and nothing is generated, so nothing is recorded in the ledger either.
    ctx.body = { input_tokens: await countTokens(promptText(call.request)) };
  });
  return router;
}

function forwardedHeaders(ctx: Context): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const name of FORWARDED_HEADERS) {
    const value = ctx.get(name).trim();
    if (value !== '') headers[name] = value;
  }
  return headers;
}

/**
 * Frames the encoder's named events. The extras ride on message_delta, the last event with data
 * before message_stop (or on the error event when the stream failed), so the SDK's accumulated
 * message is unchanged while a client reading raw events still gets the audit hash.
 */
function anthropicSink(sse: SseResponse, encoder: AnthropicStreamEncoder): StreamSink {
  const frames = (events: AnthropicEvent[]) => events.map((event) => sseFrame(event.data, event.event)).join('');
  return {
    write: (part) => sse.write(frames(encoder.encode(part))),
    async end(last, extras) {
      const events = encoder.encode(last);
      const deltaIndex = events.findIndex((event) => event.event === 'message_delta');
      const index = deltaIndex === -1 ? events.length - 1 : deltaIndex;
      const carrier = events[index];
      if (carrier !== undefined) events[index] = { ...carrier, data: withExtras(carrier.data, extras) };
      await sse.end(frames(events));
    },
  };
}
