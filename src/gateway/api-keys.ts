// API keys: minted here, shown once, and afterwards known only by their SHA-256.
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

export const KEY_PREFIX = 'sk-lumen-';

export interface MintedKey { key: string; keyHash: string; keyPrefix: string }

/** 32 random bytes, base64url: 256 bits, so a hash of it cannot be reversed by search. */
export function mintApiKey(): MintedKey {
  const key = `${KEY_PREFIX}${randomBytes(32).toString('base64url')}`;
  return { key, keyHash: hashApiKey(key), keyPrefix: key.slice(0, KEY_PREFIX.length + 4) };
}

export function hashApiKey(key: string): string {
  return createHash('sha256').update(key).digest('hex');
}

/** Compares a presented secret with the configured one in constant time. */
export function secretsEqual(presented: string, expected: string): boolean {
  const left = createHash('sha256').update(presented).digest();
  const right = createHash('sha256').update(expected).digest();
  return timingSafeEqual(left, right);
}

/** The key a request presents: `Authorization: Bearer <key>` or `x-api-key: <key>`. */
export function presentedKey(authorization: string | undefined, xApiKey: string | undefined): string | undefined {
  if (xApiKey !== undefined && xApiKey.trim() !== '') return xApiKey.trim();
  const match = /^Bearer\s+(.+)$/i.exec(authorization ?? '');
  return match?.[1]?.trim();
}
