// Where the checkpoint signing key comes from. LUMEN_AUDIT_KEY (a signed-note private key,
// PRIVATE+KEY+<name>+<key id>+<base64>, as `lumen audit keygen` prints) always wins. Without it
// the embedded store keeps a key generated on first start in its data directory, beside the
// database, readable only by its owner. A PostgreSQL deployment gets no generated key: several
// processes on several machines would each make their own, and a key kept in the database would
// let whoever can rewrite the log also re-sign it; so without LUMEN_AUDIT_KEY the log is off.
// The key's name is the log's origin, the first line of every checkpoint.
import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { isValidKeyName, parseSignerKey, signerKeyOf } from '../note-keys.ts';
import type { NoteSigner } from '../note-keys.ts';

export const KEY_FILE_NAME = 'audit-signing-key';

export interface AuditKeySettings {
  /** LUMEN_AUDIT_KEY, already checked to parse. */
  signerKey: string | undefined;
  /** The name (and so the origin) of a generated key. */
  generatedKeyName: string;
}

export type LoadedSigner =
  | { ok: true; signer: NoteSigner; source: 'environment' | 'key_file' | 'generated' | 'ephemeral'; path?: string }
  | { ok: false; reason: string };

export function newSignerKey(keyName: string): string {
  if (!isValidKeyName(keyName)) throw new Error(`"${keyName}" is not a valid key name (no spaces, no plus signs)`);
  return signerKeyOf(keyName, randomBytes(32));
}

function parsed(text: string, where: string): NoteSigner {
  const signer = parseSignerKey(text.trim());
  if (!signer.ok) throw new Error(`${where}: not a signed-note private key (${signer.problem.message})`);
  return signer.value;
}

/**
 * The signer for this deployment. `store` says which store the gateway runs on; an embedded
 * store without a data directory (tests) gets a key that lives as long as the process.
 */
export function loadAuditSigner(
  settings: AuditKeySettings,
  store: { databaseUrl: string | undefined; dataDir: string | undefined },
): LoadedSigner {
  if (settings.signerKey !== undefined) return { ok: true, signer: parsed(settings.signerKey, 'LUMEN_AUDIT_KEY'), source: 'environment' };
  if (store.databaseUrl !== undefined) {
    return { ok: false, reason: 'LUMEN_AUDIT_KEY is not set: on PostgreSQL the audit log needs a configured signing key '
      + '(make one with `lumen audit keygen`)' };
  }
  if (store.dataDir === undefined) return { ok: true, signer: parsed(newSignerKey(settings.generatedKeyName), 'generated key'), source: 'ephemeral' };
  const path = join(store.dataDir, KEY_FILE_NAME);
  try {
    return { ok: true, signer: parsed(readFileSync(path, 'utf8'), path), source: 'key_file', path };
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  mkdirSync(store.dataDir, { recursive: true });
  const text = newSignerKey(settings.generatedKeyName);
  try {
    // 'wx' fails if another process created the file meanwhile; then its key is the one.
    writeFileSync(path, `${text}\n`, { mode: 0o600, flag: 'wx' });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    return { ok: true, signer: parsed(readFileSync(path, 'utf8'), path), source: 'key_file', path };
  }
  return { ok: true, signer: parsed(text, path), source: 'generated', path };
}
