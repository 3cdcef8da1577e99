/** memcached's fixed limits and its per-item size accounting (measured against memcached 1.6.18). */
export const KEY_MAX_LENGTH = 250;
/** Default -I (item_size_max). */
export const DEFAULT_ITEM_SIZE_MAX = 1024 * 1024;
/** Bytes of memcached's item header plus the CAS field. */
const ITEM_HEADER_BYTES = 48 + 8;

/**
 * memcached's ntotal for an item: header, key and its NUL, value with its CRLF, 4 bytes of client flags
 * when they are not zero. With -I 1m, a 1-byte key and flags 0 the largest value is 1048516 bytes.
 */
export function itemTotalSize(keyLength: number, valueLength: number, flags: number): number {
  return ITEM_HEADER_BYTES + keyLength + 1 + valueLength + 2 + (flags !== 0 ? 4 : 0);
}
