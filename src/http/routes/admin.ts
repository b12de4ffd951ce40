// The operator's admin API (LUMEN_ADMIN_KEY): accounts, keys and credit grants.
import Router from '@koa/router';
import { z } from 'zod';
import type { Catalog } from '../../catalog/catalog.ts';
import type { RequestContentStore } from '../../gateway/request-content.ts';
import { usdToMicros, microsToUsd } from '../../domain/money.ts';
import type { QualityDocument } from '../../../projections/router-quality.ts';
import type { PublishedVersion } from '../../gateway/router-versions.ts';
import { AccountRejected, type Accounts } from '../../gateway/accounts.ts';
import type { BalanceDocument } from '../../../projections/balances.ts';
import { authenticateAdmin } from '../middleware/authenticate.ts';
import { GatewayError, badRequest, notFound } from '../errors.ts';
import { parseBody } from '../parse-body.ts';
import { PLAN_NAMES } from '../../domain/plans.ts';
import { CLIENT_KINDS } from '../../gateway/client-kind.ts';

const usdAmount = z.union([z.number(), z.string()]).transform((value, context) => {
  try {
    return usdToMicros(value);
  } catch (error) {
    context.addIssue({ code: 'custom', message: (error as Error).message });
    return z.NEVER;
  }
});

const openAccountSchema = z.object({
  name: z.string().trim().min(1).max(200),
  credits_usd: usdAmount.refine((micros) => micros >= 0, 'must not be negative').default(0),
  plan: z.enum(PLAN_NAMES).default('free'),
});
const changePlanSchema = z.object({ plan: z.enum(PLAN_NAMES) }).strict();
const groupSchema = z.object({
  name: z.string().trim().min(1).max(200),
  // Models the group's keys may see and call (catalog ids or aliases); null: every model.
  models: z.array(z.string().min(1).max(200)).min(1).max(200).nullable().default(null),
  // Clients the group's keys may be used from (see src/gateway/client-kind.ts); null: any client.
  clients: z.array(z.enum(CLIENT_KINDS)).min(1).max(20).nullable().default(null),
}).strict();
const assignGroupSchema = z.object({ group_id: z.string().min(1).max(128).nullable() }).strict();
const issueKeySchema = z.object({
  name: z.string().max(200).default('default'),
  allowed_models: z.array(z.string().min(1).max(200)).max(100).nullable().default(null),
  group_id: z.string().min(1).max(128).nullable().default(null),
});
const grantSchema = z.object({
  credits_usd: usdAmount.refine((micros) => micros > 0, 'must be positive'),
  reason: z.string().max(200).default('admin grant'),
});

export function presentAccount(account: BalanceDocument) {
  return {
    id: account.accountId, object: 'account', name: account.name, plan: account.plan,
    credits_usd: microsToUsd(account.grantedMicros + account.toppedUpMicros), granted_usd: microsToUsd(account.grantedMicros),
    topped_up_usd: microsToUsd(account.toppedUpMicros), spent_usd: microsToUsd(account.chargedMicros),
    balance_usd: microsToUsd(account.balanceMicros), balance_micros: account.balanceMicros,
    held_usd: microsToUsd(account.heldMicros), open_holds: account.openHolds, requests: account.requests,
  };
}

export interface AdminServices {
  accounts: Accounts;
  adminKey: string | undefined;
  catalog: Catalog;
  content?: RequestContentStore;
  /** The router-quality read model (ratings of every account: operator only). */
  routerQuality?: () => Promise<QualityDocument[]>;
  /** The published router versions, oldest first, and the live one's name. */
  routerVersions?: () => Promise<{ published: PublishedVersion[]; live: string | null }>;
}

export function adminRoutes({ accounts, adminKey, catalog, content, routerQuality, routerVersions }: AdminServices): Router {
  const router = new Router({ prefix: '/v1/admin' });
  router.use(authenticateAdmin(adminKey));

  router.post('/accounts', async function openAccount(ctx) {
    const input = parseBody(openAccountSchema, ctx.state.body);
    const account = await accounts.open({ name: input.name, plan: input.plan, creditsMicros: input.credits_usd });
    ctx.status = 201;
    ctx.body = presentAccount(account);
  });

  router.get('/accounts/:id', async function showAccount(ctx) {
    const account = await accounts.balance(ctx.params.id!);
    if (account === undefined) throw notFound(`no account ${ctx.params.id}`, 'account_not_found');
    ctx.body = presentAccount(account);
  });

  router.post('/accounts/:id/keys', async function issueKey(ctx) {
    const input = parseBody(issueKeySchema, ctx.state.body ?? {});
    const allowedModels = input.allowed_models === null ? null : catalogIds(catalog, input.allowed_models);
    const issued = await rejectionsAsErrors(() => accounts.issueKey(ctx.params.id!, { name: input.name, allowedModels,
      groupId: input.group_id }));
    ctx.status = 201;
    ctx.body = { id: issued.keyId, object: 'api_key', key: issued.key, prefix: issued.keyPrefix, name: issued.name,
      account_id: ctx.params.id, allowed_models: issued.allowedModels, group_id: issued.groupId };
  });

  router.put('/accounts/:id/plan', async function changePlan(ctx) {
    const input = parseBody(changePlanSchema, ctx.state.body);
    ctx.body = presentAccount(await rejectionsAsErrors(() => accounts.changePlan(ctx.params.id!, input.plan)));
  });

  router.post('/accounts/:id/groups', async function defineGroup(ctx) {
    const input = parseBody(groupSchema, ctx.state.body);
    const models = input.models === null ? null : catalogIds(catalog, input.models, 'models');
    const group = await rejectionsAsErrors(() => accounts.defineGroup(ctx.params.id!, { name: input.name, models, clients: input.clients }));
    ctx.status = 201;
    ctx.body = { id: group.groupId, object: 'key_group', account_id: ctx.params.id, name: group.name, models: group.models,
      clients: group.clients };
  });

  router.put('/accounts/:id/keys/:keyId/group', async function assignGroup(ctx) {
    const input = parseBody(assignGroupSchema, ctx.state.body);
    await rejectionsAsErrors(() => accounts.assignGroup(ctx.params.id!, ctx.params.keyId!, input.group_id));
    ctx.body = { id: ctx.params.keyId, object: 'api_key', group_id: input.group_id };
  });

  router.delete('/accounts/:id/keys/:keyId', async function revokeKey(ctx) {
    await rejectionsAsErrors(() => accounts.revokeKey(ctx.params.id!, ctx.params.keyId!));
    ctx.body = { id: ctx.params.keyId, object: 'api_key', revoked: true };
  });

  router.post('/accounts/:id/credits', async function grantCredits(ctx) {
    const input = parseBody(grantSchema, ctx.state.body);
    const account = await rejectionsAsErrors(() => accounts.grant(ctx.params.id!, input.credits_usd, input.reason));
    ctx.body = presentAccount(account);
  });
  router.get('/router/quality', async function showRouterQuality(ctx) {
    const documents = (await routerQuality?.()) ?? [];
    ctx.body = { object: 'list', data: documents.map((document) => ({ model: document.model, prompt_kind: document.promptKind,
      ratings: document.ratings, mean_rating: document.meanRating })) };
  });
  router.get('/router/versions', async function listRouterVersions(ctx) {
    const { published, live } = (await routerVersions?.()) ?? { published: [], live: null };
    ctx.body = { object: 'list', live_version: live, data: published.map((version) => ({ version: version.version,
      source: version.source, previous_version: version.previousVersion, feature_version: version.featureVersion,
      parameters_sha256: version.parametersSha256, parameters_bytes: version.parametersBytes, history: version.history,
      report: version.report })) };
  });
  // Content kept for requests that opted in with "observability": true; deletable at any time
  // without touching the ledger, whose RequestCompleted event only says content was kept.
  router.get('/requests/:id/content', async function showRequestContent(ctx) {
    const kept = await content?.find(null, ctx.params.id!);
    if (kept === undefined) throw notFound(`no content kept for request ${ctx.params.id}`, 'content_not_found');
    ctx.body = { request_id: kept.requestId, account_id: kept.accountId, audit_hash: kept.eventHash,
      request: kept.request, response: kept.response };
  });
  router.delete('/requests/:id/content', async function deleteRequestContent(ctx) {
    const deleted = (await content?.delete(null, ctx.params.id!)) ?? false;
    if (!deleted) throw notFound(`no content kept for request ${ctx.params.id}`, 'content_not_found');
    ctx.body = { request_id: ctx.params.id, deleted: true };
  });
  return router;
}

/** Allowed models are kept as catalog ids, so an alias the key was given keeps matching. */
function catalogIds(catalog: Catalog, names: string[], field = 'allowed_models'): string[] {
  return [...new Set(names.map((name, index) => {
    const resolution = catalog.resolve(name);
    if (!resolution.ok) throw badRequest(`${field}[${index}]: ${resolution.error.message}`, 'model_not_found', `${field}[${index}]`);
    return resolution.model.id;
  }))];
}

async function rejectionsAsErrors<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (!(error instanceof AccountRejected)) throw error;
    if (error.code === 'account_not_found' || error.code === 'key_not_found' || error.code === 'group_not_found') {
      throw notFound(error.message, error.code);
    }
    if (error.code === 'account_exists') throw new GatewayError(409, 'invalid_request_error', error.code, error.message);
    throw badRequest(error.message, error.code);
  }
}
