// Money is an integer number of micro-dollars (1 USD = 1,000,000 micros). JavaScript numbers
// hold integers exactly up to 2^53, about 9 billion dollars in micros, which bounds any single
// balance Lumen keeps; amounts beyond it are refused, never rounded.

export type Micros = number;

export const MICROS_PER_USD = 1_000_000;

export function assertMicros(value: number, what = 'amount'): Micros {
  if (!Number.isSafeInteger(value)) throw new RangeError(`${what} must be a whole number of micro-dollars`);
  return value;
}

/**
 * Parses a dollar amount given as a number or decimal string ("12.5", 12.5) into micros
 * without going through binary floating point arithmetic. More than six decimals is refused.
 */
export function usdToMicros(usd: number | string): Micros {
  const text = typeof usd === 'number' ? numberToPlainString(usd) : usd.trim();
  const match = /^(-)?(\d{1,10})(?:\.(\d{1,6}))?$/.exec(text);
  if (match === null) throw new RangeError(`"${text}" is not a dollar amount with at most six decimals`);
  const [, sign, whole, fraction = ''] = match;
  const micros = Number(whole) * MICROS_PER_USD + Number(fraction.padEnd(6, '0'));
  return sign === '-' ? -micros : micros;
}

function numberToPlainString(value: number): string {
  if (!Number.isFinite(value)) throw new RangeError('amount must be finite');
  // Shortest round-trip text of the number, e.g. 0.1 -> "0.1"; exponent forms are refused.
  return String(value);
}

/** Renders micros as a decimal dollar string with six places, e.g. 1234567 -> "1.234567". */
export function microsToUsdString(micros: Micros): string {
  const sign = micros < 0 ? '-' : '';
  const absolute = Math.abs(micros);
  const whole = Math.floor(absolute / MICROS_PER_USD);
  const fraction = (absolute % MICROS_PER_USD).toString().padStart(6, '0');
  return `${sign}${whole}.${fraction}`;
}

/** Micros as a JSON number of dollars for API responses (display only, never stored). */
export function microsToUsd(micros: Micros): number {
  return Number(microsToUsdString(micros));
}

/**
 * Cost of a token count at a price per million tokens (in micros per million tokens), rounded
 * up to the next whole micro so that many small requests never round down to free.
 */
export function tokenCostMicros(tokens: number, microsPerMillionTokens: Micros): Micros {
  if (!Number.isSafeInteger(tokens) || tokens < 0) throw new RangeError('token count must be a whole number >= 0');
  const exact = tokens * microsPerMillionTokens;
  if (Number.isSafeInteger(exact)) {
    // Integer division with the remainder, all within 2^53: exact, and no BigInt on the hot path.
    const whole = Math.floor(exact / 1_000_000);
    const remainder = exact - whole * 1_000_000;
    // The float quotient may round across a whole number; the remainder tells, and corrects it.
    if (remainder < 0) return whole;
    if (remainder >= 1_000_000) return remainder > 1_000_000 ? whole + 2 : whole + 1;
    return remainder > 0 ? whole + 1 : whole;
  }
  const product = BigInt(tokens) * BigInt(microsPerMillionTokens);
  const cost = (product + 999_999n) / 1_000_000n;
  return Number(cost);
}
