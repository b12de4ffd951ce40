// OpenAI Responses routes: POST /v1/responses (plain and streamed), GET and DELETE /v1/responses/{id}.
// Every Responses call runs through a provider's chat endpoint via the canonical call. When the
// client lets Lumen store a response (`store`, true unless sent false, as at OpenAI), its turns
// are kept outside the ledger (src/gateway/stored-responses.ts) for previous_response_id.
import Router from '@koa/router';
import { prepareCall, runCall, streamCall, type ModelCallServices, type StreamSink } from '../../gateway/model-call.ts';
import type { KeyIndex, KeyRecord } from '../../gateway/key-index.ts';
import type { StoredResponses } from '../../gateway/stored-responses.ts';
import type { CanonicalChatResult, CanonicalMessage } from '../../protocols/canonical.ts';
import { canonicalToResponses } from '../../protocols/canonical-to-responses.ts';
import { ResponsesStreamEncoder, responsesSseFrame, type ResponsesStreamEvent } from '../../protocols/canonical-to-responses-stream.ts';
import { parseResponsesRequest } from '../../protocols/responses-schema.ts';
import { continueConversation, responsesToCanonical, turnsToStore } from '../../protocols/responses-to-canonical.ts';
import { StreamAccumulator } from '../../protocols/stream-accumulator.ts';
import { authenticateKey } from '../middleware/authenticate.ts';
import { callBasics, nowSeconds, responseIdentity } from '../call-basics.ts';
import { notFound } from '../errors.ts';
import { withExtras } from '../lumen-extras.ts';
import { takeRoutingOptions } from '../routing-options.ts';
import { SseResponse } from '../sse-response.ts';

/** Keeps a finished response for later, when the call asked for it. */
type Keep = (result: CanonicalChatResult, response: Record<string, unknown>) => Promise<void>;

export function responsesRoutes(services: ModelCallServices, keys: KeyIndex, stored: StoredResponses): Router {
  const router = new Router({ prefix: '/v1' });
  router.use(authenticateKey(keys));

  router.post('/responses', async function createResponse(ctx) {
    const routing = takeRoutingOptions(ctx);
    const principal = ctx.state.principal as KeyRecord;
    const requested = responsesToCanonical(parseResponsesRequest(ctx.state.body));
    const previousTurns = await previousTurnsOf(stored, requested.previousResponseId, principal.accountId);
    const call = requested.previousResponseId === undefined ? requested : continueConversation(requested, previousTurns);
    const sse = new SseResponse(ctx);
    const prepared = await prepareCall(services, { ...callBasics(ctx, sse), routing, protocol: 'openai-responses', requestedModel: call.model,
      stream: call.stream, request: call.request });
    const identity = responseIdentity(ctx, prepared, `resp_${prepared.requestId}`, services.now);
    const keep: Keep = async (result, response) => {
      if (call.store) await stored.save(identity.id, principal.accountId, { turns: turnsToStore(previousTurns, call, result), response });
    };
    if (call.stream) {
      await streamCall(services, prepared, responsesSink(sse, new ResponsesStreamEncoder(identity, call.echo), keep));
      return sse.end();
    }
    const completed = await runCall(services, prepared);
    const body = withExtras(canonicalToResponses(completed.result, identity, call.echo), completed.extras);
    await keep(completed.result, body);
    ctx.body = body;
  });

  router.get('/responses/:id', async function retrieveResponse(ctx) {
    const found = await stored.load(ctx.params.id!, (ctx.state.principal as KeyRecord).accountId);
    if (found === undefined) throw notFound(`no stored response with id "${ctx.params.id}"`, 'response_not_found', 'id');
    ctx.body = found.response;
  });

  router.delete('/responses/:id', async function deleteResponse(ctx) {
    const deleted = await stored.remove(ctx.params.id!, (ctx.state.principal as KeyRecord).accountId);
    if (!deleted) throw notFound(`no stored response with id "${ctx.params.id}"`, 'response_not_found', 'id');
    ctx.body = { id: ctx.params.id, object: 'response.deleted', deleted: true };
  });
  return router;
}

async function previousTurnsOf(stored: StoredResponses, responseId: string | undefined, accountId: string): Promise<CanonicalMessage[]> {
  if (responseId === undefined) return [];
  const previous = await stored.load(responseId, accountId);
  if (previous === undefined) {
    throw notFound(`previous_response_id "${responseId}" names no response stored for this account`, 'previous_response_not_found',
      'previous_response_id');
  }
  return previous.turns;
}

/**
 * Frames the encoder's events. The last event carrying the whole response (completed,
 * incomplete or failed) gets the extras on that response, so `finalResponse()` has them; a
 * finished response is stored before the client sees it, so a follow-up can name it at once.
 */
function responsesSink(sse: SseResponse, encoder: ResponsesStreamEncoder, keep: Keep): StreamSink {
  const accumulator = new StreamAccumulator();
  const frames = (events: ResponsesStreamEvent[]) => events.map((event) => responsesSseFrame(event)).join('');
  return {
    write(part) {
      accumulator.add(part);
      return sse.write(frames(encoder.encode(part)));
    },
    async end(last, extras) {
      accumulator.add(last);
      const events = encoder.encode(last);
      const index = events.findLastIndex((event) => 'response' in event);
      const final = events[index];
      if (final !== undefined && 'response' in final) {
        const response = withExtras(final.response, extras);
        events[index] = { ...final, response } as ResponsesStreamEvent;
        if (last.type === 'finish') await keep(accumulator.toResult(), response);
      }
      await sse.end(frames(events));
    },
  };
}
