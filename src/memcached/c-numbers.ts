/**
 * Number parsing exactly as memcached does it with strtoull/strtoul/strtol (its safe_strto* helpers), so
 * odd inputs get the same answers: leading whitespace and '+' are accepted, the number must end at a space
 * or the end of the token, values beyond 64 bits fail, a '-' is refused only when it would wrap a
 * 64-bit unsigned value into the upper half, and 32-bit results are truncated like a C cast.
 */
export const U64 = (1n << 64n) - 1n;
/** Digits of the largest 64-bit value (18446744073709551615). */
const MAX_DIGITS = 20;

function isCSpace(c: string): boolean {
  return c === " " || c === "\t" || c === "\n" || c === "\v" || c === "\f" || c === "\r";
}

interface Scanned {
  readonly value: bigint;
  readonly negative: boolean;
}

/** strtoull/strtol's scan: whitespace, sign, digits; undefined when no digits or the rest is not space. */
function scan(text: string): Scanned | undefined {
  let i = 0;
  while (i < text.length && isCSpace(text[i]!)) i++;
  let negative = false;
  if (text[i] === "+" || text[i] === "-") {
    negative = text[i] === "-";
    i++;
  }
  const start = i;
  while (i < text.length && text.charCodeAt(i) === 48) i++;
  const significant = i;
  while (i < text.length && text.charCodeAt(i) >= 48 && text.charCodeAt(i) <= 57) i++;
  if (i === start) return undefined;
  if (i < text.length && !isCSpace(text[i]!)) return undefined;
  // 21 significant digits exceed even 64 bits: refuse them before BigInt spends time on a stored value
  // of a million digits (an incr on it took 140 ms).
  if (i - significant > MAX_DIGITS) return undefined;
  return { value: BigInt(text.slice(significant, i) || "0"), negative };
}

/** safe_strtoull: an unsigned 64-bit value, or undefined. */
export function parseU64(text: string): bigint | undefined {
  const s = scan(text);
  if (s === undefined || s.value > U64) return undefined;
  const v = s.negative ? -s.value & U64 : s.value;
  // memcached refuses a '-' only when the wrapped result has the sign bit set.
  if (s.negative && v >= 1n << 63n) return undefined;
  return v;
}

/** safe_strtoul into a uint32_t: parsed as 64-bit unsigned, then truncated. */
export function parseU32(text: string): number | undefined {
  const v = parseU64(text);
  return v === undefined ? undefined : Number(v & 0xffffffffn);
}

/** safe_strtol into an int32_t: parsed as 64-bit signed (range-checked), then truncated. */
export function parseI32(text: string): number | undefined {
  const s = scan(text);
  if (s === undefined) return undefined;
  const v = s.negative ? -s.value : s.value;
  if (v > (1n << 63n) - 1n || v < -(1n << 63n)) return undefined;
  return Number(BigInt.asIntN(32, v));
}
