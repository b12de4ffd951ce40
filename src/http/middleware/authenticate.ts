// Authentication for model routes: the presented key's hash is looked up in the in-memory key
// index. Missing, unknown and revoked keys are all 401; the key itself is never logged.
import type { Context, Next } from 'koa';
import { hashApiKey, presentedKey, secretsEqual } from '../../gateway/api-keys.ts';
import type { KeyIndex, KeyRecord } from '../../gateway/key-index.ts';
import { GatewayError, forbidden, unauthorized } from '../errors.ts';
import { clientKindOf } from '../../gateway/client-kind.ts';

export interface Principal extends KeyRecord {}

export function authenticateKey(keys: KeyIndex) {
  return async function authenticate(ctx: Context, next: Next): Promise<void> {
    const key = presentedKey(ctx.get('authorization') || undefined, ctx.get('x-api-key') || undefined);
    if (key === undefined) {
      throw unauthorized('no API key: send "Authorization: Bearer <key>" or "x-api-key: <key>"', 'missing_api_key');
    }
    const keyHash = hashApiKey(key);
    let record = keys.find(keyHash);
    if (record === undefined) {
      await keys.catchUpWithLog();
      record = keys.find(keyHash);
    }
    if (record === undefined) throw unauthorized('invalid API key', 'invalid_api_key');
    if (record.revoked) throw unauthorized('this API key has been revoked', 'revoked_api_key');
    const clients = record.group?.clients ?? null;
    if (clients !== null) {
      const client = clientKindOf(ctx.get('user-agent') || undefined);
      if (!clients.includes(client)) {
        throw forbidden(`this key's group only allows ${clients.join(', ')}; this request comes from ${client}`, 'client_not_allowed');
      }
    }
    ctx.state.principal = record satisfies Principal;
    return next();
  };
}

export function authenticateAdmin(adminKey: string | undefined) {
  return async function authenticateOperator(ctx: Context, next: Next): Promise<void> {
    if (adminKey === undefined) {
      throw new GatewayError(401, 'authentication_error', 'admin_disabled', 'the admin API is disabled: set LUMEN_ADMIN_KEY');
    }
    const key = presentedKey(ctx.get('authorization') || undefined, ctx.get('x-api-key') || undefined);
    if (key === undefined || !secretsEqual(key, adminKey)) throw unauthorized('invalid admin key', 'invalid_admin_key');
    return next();
  };
}
