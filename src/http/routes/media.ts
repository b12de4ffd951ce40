// OpenAI media routes: POST /v1/images/generations (JSON) and POST /v1/audio/transcriptions
// (multipart/form-data, forwarded byte for byte). Handlers are thin: parse (src/protocols) ->
// resolve the model -> call (src/gateway/media-call.ts) -> present the provider's answer with
// Lumen's extras.
import Router from '@koa/router';
import type { Context } from 'koa';
import type { KeyIndex, KeyRecord } from '../../gateway/key-index.ts';
import { runImageGeneration, runTranscription, type MediaCallInput } from '../../gateway/media-call.ts';
import { resolveModel, type ModelCallServices } from '../../gateway/model-call.ts';
import type { LumenExtras } from '../../gateway/request-record.ts';
import type { Capability } from '../../catalog/model.ts';
import { parseImageGenerationRequest, parseTranscriptionUpload } from '../../protocols/media-schema.ts';
import { wavDurationSeconds } from '../../protocols/wav-duration.ts';
import { appIdOf, clientGoneSignal } from '../call-basics.ts';
import { badRequest } from '../errors.ts';
import { withExtras } from '../lumen-extras.ts';
import { authenticateKey } from '../middleware/authenticate.ts';

export function mediaRoutes(services: ModelCallServices, keys: KeyIndex): Router {
  const router = new Router({ prefix: '/v1' });
  router.use(authenticateKey(keys));

  router.post('/images/generations', async function generateImages(ctx) {
    const body = parseImageGenerationRequest(ctx.state.body);
    const input = mediaCallInput(services, ctx, body.model, 'images');
    const completed = await runImageGeneration(services, input, { body });
    ctx.body = withExtras(completed.result.body, completed.extras);
  });

  router.post('/audio/transcriptions', async function transcribeAudio(ctx) {
    const contentType = ctx.get('content-type');
    if (!contentType.startsWith('multipart/form-data')) throw badRequest('expected a multipart/form-data upload', 'invalid_request');
    const form = ctx.state.rawBody as Buffer;
    const upload = parseTranscriptionUpload(form, contentType);
    const input = mediaCallInput(services, ctx, upload.model, 'transcriptions');
    const completed = await runTranscription(services, input, { form, contentType }, wavDurationSeconds(upload.audio));
    const answer = completed.result.body;
    if (answer.kind === 'json') {
      ctx.body = withExtras(answer.value, completed.extras);
      return;
    }
    // A text transcript has no room for the `lumen` object, so its figures travel as headers.
    setExtrasHeaders(ctx, completed.extras);
    ctx.type = answer.contentType;
    ctx.body = answer.text;
  });
  return router;
}

function mediaCallInput(services: ModelCallServices, ctx: Context, requestedModel: string, capability: Capability): MediaCallInput {
  const principal = ctx.state.principal as KeyRecord;
  return { model: resolveModel(services.catalog, requestedModel, principal, capability), requestedModel, principal,
    appId: appIdOf(ctx), bodySha256: String(ctx.state.bodySha256), signal: clientGoneSignal(ctx),
    setHeaders: (headers) => ctx.set(headers) };
}

function setExtrasHeaders(ctx: Context, extras: LumenExtras): void {
  ctx.set('x-lumen-request-id', extras.lumen.request_id);
  ctx.set('x-lumen-audit-hash', extras.lumen.audit_hash);
  ctx.set('x-lumen-cost-usd', String(extras.lumen.cost_usd));
}
