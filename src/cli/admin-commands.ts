// `lumen accounts`, `lumen keys` and `lumen credits`: thin wrappers over the admin HTTP API, so
// an operator (or a script, with --json) never has to hand-write curl calls with the admin key.
// Dollar amounts are passed to the API as the text the operator typed: the gateway parses them
// into micro-dollars exactly, and the CLI never rounds them through a float.
import { adminCommandGroup, type AdminSubcommand } from './admin-command-group.ts';

interface AccountBody {
  id: string;
  name: string;
  plan: string;
  credits_usd: number;
  spent_usd: number;
  balance_usd: number;
  requests: number;
}

interface IssuedKeyBody {
  id: string;
  key: string;
  prefix: string;
  name: string;
  account_id: string;
  allowed_models: string[] | null;
}

const segment = (value: string) => encodeURIComponent(value);

const accountSubcommands: Record<string, AdminSubcommand> = {
  create: {
    synopsis: '--name NAME [--credits-usd N] [--plan P]',
    positionals: [],
    options: { name: { type: 'string' }, 'credits-usd': { type: 'string' }, plan: { type: 'string' } },
    async run(call) {
      const request: Record<string, string> = { name: call.requiredFlag('name', 'NAME') };
      const credits = call.flag('credits-usd');
      if (credits !== undefined) request.credits_usd = credits;
      const plan = call.flag('plan');
      if (plan !== undefined) request.plan = plan;
      const body = await call.api('POST', '/v1/admin/accounts', request) as AccountBody;
      return { body, human: `created ${describeAccount(body)}` };
    },
  },
  show: {
    synopsis: 'ACCOUNT_ID',
    positionals: ['ACCOUNT_ID'],
    options: {},
    async run(call) {
      const body = await call.api('GET', `/v1/admin/accounts/${segment(call.argument('ACCOUNT_ID'))}`) as AccountBody;
      return { body, human: describeAccount(body) };
    },
  },
};

const keySubcommands: Record<string, AdminSubcommand> = {
  create: {
    synopsis: 'ACCOUNT_ID [--name N] [--allow-model M ...]',
    positionals: ['ACCOUNT_ID'],
    options: { name: { type: 'string' }, 'allow-model': { type: 'string', multiple: true } },
    async run(call) {
      const request: Record<string, unknown> = {};
      const name = call.flag('name');
      if (name !== undefined) request.name = name;
      // No --allow-model means every model; an empty list would mean none, which nobody asks for.
      const allowedModels = call.repeatedFlag('allow-model');
      if (allowedModels.length > 0) request.allowed_models = allowedModels;
      const body = await call.api('POST', `/v1/admin/accounts/${segment(call.argument('ACCOUNT_ID'))}/keys`, request) as IssuedKeyBody;
      return { body, human: describeIssuedKey(body) };
    },
  },
  revoke: {
    synopsis: 'ACCOUNT_ID KEY_ID',
    positionals: ['ACCOUNT_ID', 'KEY_ID'],
    options: {},
    async run(call) {
      const accountId = call.argument('ACCOUNT_ID');
      const keyId = call.argument('KEY_ID');
      const body = await call.api('DELETE', `/v1/admin/accounts/${segment(accountId)}/keys/${segment(keyId)}`);
      return { body, human: `revoked key ${keyId} of account ${accountId}; requests with it now get 401` };
    },
  },
};

const creditSubcommands: Record<string, AdminSubcommand> = {
  grant: {
    synopsis: 'ACCOUNT_ID --usd N [--reason R]',
    positionals: ['ACCOUNT_ID'],
    options: { usd: { type: 'string' }, reason: { type: 'string' } },
    async run(call) {
      const usd = call.requiredFlag('usd', 'N');
      const request: Record<string, string> = { credits_usd: usd };
      const reason = call.flag('reason');
      if (reason !== undefined) request.reason = reason;
      const body = await call.api('POST', `/v1/admin/accounts/${segment(call.argument('ACCOUNT_ID'))}/credits`, request) as AccountBody;
      return { body, human: `granted ${dollars(Number(usd))} to account ${body.id}; balance is now ${dollars(body.balance_usd)}` };
    },
  },
};

export const accounts = adminCommandGroup('accounts', accountSubcommands);
export const keys = adminCommandGroup('keys', keySubcommands);
export const credits = adminCommandGroup('credits', creditSubcommands);

function describeAccount(account: AccountBody): string {
  return [
    `account ${account.id}`,
    `  name      ${account.name}`,
    `  plan      ${account.plan}`,
    `  balance   ${dollars(account.balance_usd)} (${dollars(account.credits_usd)} granted, ${dollars(account.spent_usd)} spent)`,
    `  requests  ${account.requests}`,
  ].join('\n');
}

function describeIssuedKey(issued: IssuedKeyBody): string {
  const models = issued.allowed_models === null ? 'all' : issued.allowed_models.join(', ');
  // The secret goes last and alone on its line, so `tail -n 1` picks it out.
  return [
    `created key ${issued.id} (${issued.name}) for account ${issued.account_id}`,
    `  prefix          ${issued.prefix}`,
    `  allowed models  ${models}`,
    'the key is shown only this once; store it now:',
    issued.key,
  ].join('\n');
}

/** Dollars with at least cents, keeping every micro-dollar digit the API returned. */
function dollars(amount: number): string {
  const [whole, fraction = ''] = String(Math.abs(amount)).split('.');
  return `${amount < 0 ? '-' : ''}$${whole}.${fraction.padEnd(2, '0')}`;
}
