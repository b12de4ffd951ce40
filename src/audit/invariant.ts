// Assertions for programmer errors in the audit core: they crash loudly instead of producing a
// proof or root that looks valid but is not. Bad input from outside is never asserted; it is
// answered with a typed problem.

export class AuditInvariantError extends Error {
  override name = 'AuditInvariantError';
}

export function invariant(condition: boolean, message: string): asserts condition {
  if (!condition) throw new AuditInvariantError(message);
}

export function isTreeCount(value: number): boolean {
  return Number.isSafeInteger(value) && value >= 0;
}
