/** Python-style `%<width>.<decimals>f` and `%<width>s`, the formats OSv's top.py and freq.py print with. */
export function fixed(value: number, width: number, decimals: number): string {
  return value.toFixed(decimals).padStart(width);
}

export function padded(value: string | number, width: number): string {
  return String(value).padStart(width);
}
