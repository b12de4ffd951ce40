// Operating errors of the audit core are values with a stable snake_case code, never exceptions.

export interface AuditProblem<Code extends string> {
  code: Code;
  message: string;
}

export type Outcome<Value, Code extends string> =
  | { ok: true; value: Value }
  | { ok: false; problem: AuditProblem<Code> };

export function succeed<Value>(value: Value): { ok: true; value: Value } {
  return { ok: true, value };
}

export function fail<Code extends string>(code: Code, message: string): { ok: false; problem: AuditProblem<Code> } {
  return { ok: false, problem: { code, message } };
}

/**
 * Strict standard base64 (RFC 4648 section 4, padded): Buffer.from(text, 'base64') skips junk
 * characters and ignores stray bits, so two different texts could decode to the same bytes.
 * Accepting only the canonical encoding keeps every signed line and hash unambiguous.
 */
export function decodeStrictBase64(text: string): Buffer | null {
  if (text.length % 4 !== 0 || !/^[A-Za-z0-9+/]*={0,2}$/.test(text)) return null;
  const bytes = Buffer.from(text, 'base64');
  return bytes.toString('base64') === text ? bytes : null;
}
