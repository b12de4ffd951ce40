// The audit API. GET /v1/audit/key (public) is the log's verifier key; GET /v1/audit/checkpoint
// (public) its latest signed checkpoint; GET /v1/audit/{hash} a receipt for any event, to any
// valid API key, with the payload only for the owning account (and the operator); POST
// /v1/audit/checkpoints (admin) publishes a checkpoint now.
import Router from '@koa/router';
import type { Context } from 'koa';
import { z } from 'zod';
import type { Logger } from 'pino';
import type { AuditLog } from '../../audit/log/audit-log.ts';
import { AuditIntegrityError, type Viewer } from '../../audit/log/entry-receipts.ts';
import type { PublishedCheckpoint } from '../../audit/log/checkpoint-stream.ts';
import { LogRefusal } from '../../audit/log/seal-steps.ts';
import { hashApiKey, presentedKey, secretsEqual } from '../../gateway/api-keys.ts';
import type { KeyIndex } from '../../gateway/key-index.ts';
import { authenticateAdmin } from '../middleware/authenticate.ts';
import { GatewayError, badRequest, notFound, unauthorized } from '../errors.ts';

/** How long a client waits before asking again for an entry not yet covered by a checkpoint. */
const RETRY_AFTER_SECONDS = 1;

const entryQuerySchema = z.object({
  from_size: z.string().regex(/^[1-9][0-9]{0,15}$/, 'must be a positive integer').transform(Number).optional(),
});

export interface AuditRouteServices {
  audit: AuditLog | undefined;
  keys: KeyIndex;
  adminKey: string | undefined;
  logger: Logger;
}

export function auditRoutes({ audit, keys, adminKey, logger }: AuditRouteServices): Router {
  const router = new Router({ prefix: '/v1/audit' });
  const enabled = (): AuditLog => {
    if (audit === undefined) throw new GatewayError(503, 'server_error', 'audit_disabled', 'the audit log is off on this gateway');
    return audit;
  };
  router.use(async function auditFindingsAsErrors(_ctx, next) {
    try {
      await next();
    } catch (error) {
      throw findingAsError(error, logger);
    }
  });

  router.get('/key', async function auditKey(ctx) {
    const key = enabled().key;
    ctx.body = { object: 'audit.key', origin: key.origin, key_name: key.keyName, key_id: key.keyId, algorithm: 'ed25519',
      verifier_key: key.verifierKey };
  });

  router.get('/checkpoint', async function latestCheckpoint(ctx) {
    const outcome = await enabled().latestCheckpoint();
    if (outcome === undefined) throw notFound('no checkpoint has been published yet', 'no_checkpoint');
    ctx.body = presentCheckpoint(outcome);
  });

  router.post('/checkpoints', authenticateAdmin(adminKey), async function publishCheckpoint(ctx) {
    const outcome = await enabled().publishCheckpoint();
    if (outcome.checkpoint === undefined) throw notFound('the log is empty: there is nothing to sign yet', 'no_checkpoint');
    ctx.status = outcome.published ? 201 : 200;
    ctx.body = presentCheckpoint(outcome.checkpoint);
  });

  router.get('/:hash', async function auditEntry(ctx) {
    const log = enabled();
    const viewer = viewerOf(ctx, keys, adminKey);
    const hash = ctx.params.hash!.toLowerCase();
    if (!/^[0-9a-f]{64}$/.test(hash)) throw badRequest('an entry hash is 64 hex digits', 'invalid_hash', 'hash');
    const query = entryQuerySchema.safeParse(ctx.query);
    if (!query.success) throw badRequest(`from_size: ${query.error.issues[0]?.message}`, 'invalid_from_size', 'from_size');
    const answer = await log.entry(hash, viewer, query.data.from_size);
    switch (answer.kind) {
      case 'not_found':
        throw notFound(`no ledger entry has hash ${hash}`, 'entry_not_found', 'hash');
      case 'invalid_from_size':
        throw badRequest(answer.message, 'invalid_from_size', 'from_size');
      case 'pending':
        log.requestCheckpoint();
        ctx.status = 202;
        ctx.set('retry-after', String(RETRY_AFTER_SECONDS));
        ctx.body = { object: 'audit.pending', hash, status: answer.reason, leaf_index: answer.leafIndex, retry_after_sec: RETRY_AFTER_SECONDS };
        return;
      case 'receipt':
        ctx.body = answer.receipt;
        return;
      default:
        throw new Error(`unhandled answer ${JSON.stringify(answer satisfies never)}`);
    }
  });
  return router;
}

/** A damaged log is answered loudly, with the finding's own code, never as a plain internal error. */
function findingAsError(error: unknown, logger: Logger): unknown {
  if (error instanceof AuditIntegrityError) {
    logger.error({ code: error.code }, `audit: ${error.message}`);
    return new GatewayError(500, 'server_error', error.code, `the audit log cannot back this entry: ${error.message}`);
  }
  if (error instanceof LogRefusal) {
    return new GatewayError(503, 'server_error', 'audit_refusing', `the audit log refuses to sign: ${error.message}`);
  }
  return error;
}

function presentCheckpoint(checkpoint: PublishedCheckpoint) {
  return { object: 'audit.checkpoint', origin: checkpoint.origin, tree_size: checkpoint.treeSize,
    root_hash: checkpoint.rootHash.toString('hex'), signed_note: checkpoint.signedNote, event_hash: checkpoint.eventHash };
}

/** A valid key is required: the admin key reads every payload, an API key its own account's. */
function viewerOf(ctx: Context, keys: KeyIndex, adminKey: string | undefined): Viewer {
  const key = presentedKey(ctx.get('authorization') || undefined, ctx.get('x-api-key') || undefined);
  if (key === undefined) throw unauthorized('no API key: send "Authorization: Bearer <key>" or "x-api-key: <key>"', 'missing_api_key');
  if (adminKey !== undefined && secretsEqual(key, adminKey)) return { kind: 'operator' };
  const record = keys.find(hashApiKey(key));
  if (record === undefined) throw unauthorized('invalid API key', 'invalid_api_key');
  if (record.revoked) throw unauthorized('this API key has been revoked', 'revoked_api_key');
  return { kind: 'account', accountId: record.accountId };
}
