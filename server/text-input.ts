import { Limits } from '../protocol/index.ts';

/** The longest string any argument or join field may be, in UTF-16 code units. */
export const MAX_STRING_LENGTH = Limits.stringLength;

/**
 * Why no operation may take this string, or null when it is fine: a NUL, which Postgres text
 * cannot hold; an unpaired surrogate, which no encoding can store faithfully; or more than
 * {@link MAX_STRING_LENGTH} code units, which no field needs. Checked on every string a client
 * sends before anything else reads it, so such input is refused as bad input rather than
 * failing deep in a query. Each field's own, smaller limits still apply after it.
 */
export function unacceptableString(value: string): string | null {
  if (value.length > MAX_STRING_LENGTH) {
    return `is longer than ${MAX_STRING_LENGTH} characters.`;
  }
  if (value.includes('\u0000')) return 'contains a NUL character.';
  if (!value.isWellFormed()) return 'contains an unpaired surrogate (malformed UTF-16).';
  return null;
}
