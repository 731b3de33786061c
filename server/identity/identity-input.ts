import { Limits } from '../../protocol/index.ts';
import { badUserInput } from '../errors.ts';

/** RFC 5321: a forward-path holds at most 256 octets, so an address is at most 254 characters. */
export const MAX_EMAIL_LENGTH = Limits.emailLength;
const MAX_LOCAL_PART_LENGTH = 64;
const MAX_DOMAIN_LABEL_LENGTH = 63;
export const MAX_NAME_LENGTH = Limits.nameLength;

// RFC 5322 dot-atom text, widened by RFC 6531 to non-ASCII characters (internationalised
// mail), except controls, format characters (zero-width spaces), spaces and unpaired surrogates.
const ATOM = String.raw`(?:[A-Za-z0-9!#$%&'*+/=?^_\x60{|}~-]|[^\p{C}\p{Z}\x00-\x7F])+`;
const LOCAL_PART = new RegExp(`^${ATOM}(?:\\.${ATOM})*$`, 'u');
// A DNS label in its Unicode form: starts and ends with a letter or digit of any script,
// marks and hyphens inside.
const DOMAIN_LABEL = /^[\p{L}\p{N}](?:[\p{L}\p{N}\p{M}-]*[\p{L}\p{N}\p{M}])?$/u;
const CONTROL_CHARACTERS = /[\p{Cc}\u2028\u2029]/u;

export interface EmailAddress {
  /** The address as given, trimmed: what people see. */
  readonly display: string;
  /** NFC-normalised and lower-cased: the identity key of a contact within a workspace. */
  readonly normalized: string;
}

/** Validates an email address; throws BAD_USER_INPUT naming `field`. */
export function parseEmail(raw: string, field: string): EmailAddress {
  const display = raw.trim().normalize('NFC');
  if (display.length === 0) throw badUserInput(field, 'Email address is empty.');
  if ([...display].length > MAX_EMAIL_LENGTH) {
    throw badUserInput(field, `Email address is longer than ${MAX_EMAIL_LENGTH} characters.`);
  }
  const at = display.lastIndexOf('@');
  const localPart = display.slice(0, at);
  const domain = display.slice(at + 1);
  if (at < 1 || !isLocalPart(localPart) || !isDomain(domain)) {
    throw badUserInput(field, `"${printable(display)}" is not a valid email address.`);
  }
  return { display, normalized: display.toLowerCase() };
}

function isLocalPart(localPart: string): boolean {
  return (
    new TextEncoder().encode(localPart).length <= MAX_LOCAL_PART_LENGTH &&
    LOCAL_PART.test(localPart)
  );
}

function isDomain(domain: string): boolean {
  const labels = domain.split('.');
  return (
    labels.length >= 2 &&
    labels.every((label) => label.length <= MAX_DOMAIN_LABEL_LENGTH && DOMAIN_LABEL.test(label)) &&
    // A top-level domain is never all digits; this also rejects bare IPv4 addresses.
    !/^\p{Nd}+$/u.test(labels.at(-1) ?? '')
  );
}

/**
 * Validates an optional display name. Blank means "no name given", so a site that passes an
 * empty string for users without a name never erases a name an agent already sees.
 */
export function parseName(raw: string | null | undefined, field: string): string | null {
  const name = raw?.trim().normalize('NFC');
  if (!name) return null;
  if ([...name].length > MAX_NAME_LENGTH) {
    throw badUserInput(field, `Name is longer than ${MAX_NAME_LENGTH} characters.`);
  }
  if (CONTROL_CHARACTERS.test(name)) {
    throw badUserInput(field, 'Name contains control characters.');
  }
  return name;
}

/**
 * A number of seconds a caller may leave out: `fallback` when absent, otherwise a whole number
 * from `min` to `max`; anything else is BAD_USER_INPUT on `field` saying `rule`.
 */
export function parseWholeSeconds(
  raw: number | null | undefined,
  field: string,
  range: { readonly min: number; readonly max: number; readonly fallback: number },
  rule: string,
): number {
  if (raw === null || raw === undefined) return range.fallback;
  if (!Number.isInteger(raw) || raw < range.min || raw > range.max) throw badUserInput(field, rule);
  return raw;
}

function printable(text: string): string {
  return text.replace(/[\p{Cc}]/gu, '?').slice(0, 80);
}
