// Self-service for the holder of an API key: the account, its keys, its usage and its balance,
// all read from projections. A key sees only its own account.
import Router from '@koa/router';
import type { Context } from 'koa';
import { z } from 'zod';
import { microsToUsd } from '../../domain/money.ts';
import type { Plan } from '../../domain/plans.ts';
import type { Accounts } from '../../gateway/accounts.ts';
import type { Billing } from '../../gateway/billing.ts';
import type { KeyIndex, KeyRecord } from '../../gateway/key-index.ts';
import type { BalanceDocument } from '../../../projections/balances.ts';
import type { UsageDocument } from '../../../projections/usage-daily.ts';
import { authenticateKey } from '../middleware/authenticate.ts';
import { badRequest, forbidden, notFound } from '../errors.ts';
import { parseBody } from '../parse-body.ts';

export interface SelfServiceServices {
  accounts: Accounts;
  keys: KeyIndex;
  billing: Billing;
  lowBalanceMicros: number;
  now: () => Date;
}

const newKeySchema = z.object({ name: z.string().trim().min(1).max(200).default('default') }).strict();
const USAGE_DAYS_MAX = 366;

export function presentPlan(plan: Plan) {
  return { id: plan.name, object: 'plan', name: plan.title,
    price_usd_monthly: plan.priceCentsMonthly === null ? null : plan.priceCentsMonthly / 100,
    included_credits_usd: microsToUsd(plan.includedCreditsMicros), requests_per_minute: plan.requestsPerMinute,
    tokens_per_minute: plan.tokensPerMinute,
    monthly_spend_cap_usd: plan.monthlySpendCapMicros === null ? null : microsToUsd(plan.monthlySpendCapMicros),
    allowed_tiers: plan.allowedTiers, features: plan.features };
}

export function selfServiceRoutes(services: SelfServiceServices): Router {
  const router = new Router({ prefix: '/v1' });
  router.use(authenticateKey(services.keys));

  router.get('/me', async function showMe(ctx) {
    const principal = ctx.state.principal as KeyRecord;
    const balance = await balanceOf(services, principal.accountId);
    const keys = await services.accounts.keysOf(principal.accountId);
    const state = await services.accounts.state(principal.accountId);
    ctx.body = { object: 'account', id: principal.accountId, name: balance.name, plan: presentPlan(principal.plan),
      balance: presentBalance(balance, services), key_id: principal.keyId,
      keys: keys.map((key) => ({ id: key.keyId, object: 'api_key', prefix: key.keyPrefix, name: key.name, revoked: key.revoked,
        group_id: key.groupId ?? null })),
      groups: [...state.groups].map(([id, group]) => ({ id, name: group.name, models: group.models, clients: group.clients })),
      stripe_customer_linked: state.stripeCustomerId !== null };
  });

  router.post('/me/keys', async function createOwnKey(ctx) {
    const principal = ctx.state.principal as KeyRecord;
    const input = parseBody(newKeySchema, ctx.state.body ?? {});
    // A key in a group can only make keys in that group: never more access than it has itself.
    const issued = await services.accounts.issueKey(principal.accountId, { name: input.name, allowedModels: principal.allowedModels,
      groupId: principal.groupId });
    ctx.status = 201;
    ctx.body = { id: issued.keyId, object: 'api_key', key: issued.key, prefix: issued.keyPrefix, name: issued.name,
      group_id: issued.groupId, allowed_models: issued.allowedModels };
  });

  router.delete('/me/keys/:id', async function revokeOwnKey(ctx) {
    const principal = ctx.state.principal as KeyRecord;
    const keys = await services.accounts.keysOf(principal.accountId);
    const key = keys.find((candidate) => candidate.keyId === ctx.params.id);
    if (key === undefined) throw notFound(`no key ${ctx.params.id} on this account`, 'key_not_found');
    if (principal.groupId !== null && key.groupId !== principal.groupId) {
      throw forbidden('a key in a group may only revoke keys of its own group', 'key_not_manageable');
    }
    await services.accounts.revokeKey(principal.accountId, key.keyId);
    ctx.body = { id: key.keyId, object: 'api_key', revoked: true };
  });

  router.get('/me/usage', async function showOwnUsage(ctx) {
    const principal = ctx.state.principal as KeyRecord;
    const month = services.now().toISOString().slice(0, 7);
    const rows = await services.accounts.usageOf(principal.accountId, `${month}-01`);
    const byModel = new Map<string, ReturnType<typeof totals>>();
    for (const row of rows) byModel.set(row.model, totals([...(byModel.get(row.model)?.rows ?? []), row]));
    ctx.body = { object: 'usage', account_id: principal.accountId, period: month, ...present(totals(rows)),
      by_model: [...byModel].map(([model, sum]) => ({ model, tier: sum.rows[0]!.tier, ...present(sum) })) };
  });

  router.get('/usage', async function usageReport(ctx) {
    const principal = ctx.state.principal as KeyRecord;
    const days = daysParameter(ctx);
    const from = new Date(services.now().getTime() - (days - 1) * 86_400_000).toISOString().slice(0, 10);
    const rows = await services.accounts.usageOf(principal.accountId, from);
    ctx.body = { object: 'list', account_id: principal.accountId, days, from, ...present(totals(rows)),
      data: rows.map((row) => ({ day: row.day, model: row.model, tier: row.tier, app_id: row.appId === '' ? null : row.appId,
        requests: row.requests, input_tokens: row.inputTokens, output_tokens: row.outputTokens, cost_usd: microsToUsd(row.costMicros),
        cost_micros: row.costMicros })) };
  });

  router.get('/balance', async function showBalance(ctx) {
    const principal = ctx.state.principal as KeyRecord;
    ctx.body = presentBalance(await balanceOf(services, principal.accountId), services);
  });
  return router;
}

async function balanceOf(services: SelfServiceServices, accountId: string): Promise<BalanceDocument> {
  const balance = await services.accounts.balance(accountId);
  if (balance === undefined) throw notFound('no such account', 'account_not_found');
  return balance;
}

function presentBalance(balance: BalanceDocument, services: SelfServiceServices) {
  const overdraftMicros = services.billing.settings.overdraftMicros;
  const availableMicros = balance.balanceMicros - balance.heldMicros;
  return { object: 'balance', account_id: balance.accountId, currency: 'usd',
    balance_usd: microsToUsd(balance.balanceMicros), balance_micros: balance.balanceMicros,
    held_usd: microsToUsd(balance.heldMicros), held_micros: balance.heldMicros, open_holds: balance.openHolds,
    available_usd: microsToUsd(availableMicros), available_micros: availableMicros,
    overdraft_usd: microsToUsd(overdraftMicros),
    granted_usd: microsToUsd(balance.grantedMicros), topped_up_usd: microsToUsd(balance.toppedUpMicros),
    charged_usd: microsToUsd(balance.chargedMicros), written_off_usd: microsToUsd(balance.writtenOffMicros),
    low_balance_threshold_usd: microsToUsd(services.lowBalanceMicros), low_balance: availableMicros < services.lowBalanceMicros };
}

function totals(rows: UsageDocument[]) {
  return { rows, requests: rows.reduce((sum, row) => sum + row.requests, 0),
    inputTokens: rows.reduce((sum, row) => sum + row.inputTokens, 0), outputTokens: rows.reduce((sum, row) => sum + row.outputTokens, 0),
    costMicros: rows.reduce((sum, row) => sum + row.costMicros, 0) };
}

function present(sum: ReturnType<typeof totals>) {
  return { requests: sum.requests, input_tokens: sum.inputTokens, output_tokens: sum.outputTokens,
    cost_usd: microsToUsd(sum.costMicros), cost_micros: sum.costMicros };
}

function daysParameter(ctx: Context): number {
  const text = ctx.query.days;
  if (text === undefined) return 30;
  const days = Number(text);
  if (typeof text !== 'string' || !Number.isSafeInteger(days) || days < 1 || days > USAGE_DAYS_MAX) {
    throw badRequest(`days must be a whole number from 1 to ${USAGE_DAYS_MAX}`, 'invalid_request', 'days');
  }
  return days;
}
