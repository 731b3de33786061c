import { domainToASCII } from 'node:url';
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
// Invisible format characters (bidi overrides and isolates, zero-width spaces, soft hyphens,
// tags…) make a name display as something else, or reorder what an agent reads around it.
const FORMAT_CHARACTER = /\p{Cf}/u;
const ZERO_WIDTH_JOINER = '\u200d';
// An emoji tag sequence (a subdivision flag such as England's): a black flag, tag characters,
// a cancel tag. The only place tag characters, otherwise invisible, may appear.
const EMOJI_TAG_SEQUENCE = /\u{1F3F4}[\u{E0020}-\u{E007E}]+\u{E007F}/gu;
// What a joiner may follow in an emoji ZWJ sequence (👩🏽‍💻, 🏳️‍🌈) or a script that joins with
// it (Sinhala ශ්‍රී, Malayalam chillus): an emoji, a skin tone, a variation selector, or a
// letter or mark of a script other than the Latin, Greek and Cyrillic lookalikes.
const JOINS_AFTER =
  /^(?:\p{Extended_Pictographic}|\p{Emoji_Modifier}|\uFE0F|(?![\p{Script=Latin}\p{Script=Greek}\p{Script=Cyrillic}])[\p{L}\p{M}])$/u;
const JOINS_BEFORE =
  /^(?:\p{Extended_Pictographic}|(?![\p{Script=Latin}\p{Script=Greek}\p{Script=Cyrillic}])[\p{L}\p{M}])$/u;

export interface EmailAddress {
  /** The address as given, trimmed and NFC-normalised: what people see. */
  readonly display: string;
  /**
   * The identity key of a contact within a workspace (`email_normalized`): compatibility
   * forms folded (NFKC, so `ｊane` is `jane`), lower-cased, the domain in its ASCII form
   * (IDNA, so `bücher.de` is `xn--bcher-kva.de`). Every spelling of one address has one key.
   */
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
  const asciiDomain = domainToASCII(domain.normalize('NFKC'));
  if (at < 1 || !isLocalPart(localPart) || !isDomain(domain) || asciiDomain === '') {
    throw badUserInput(field, `"${printable(display)}" is not a valid email address.`);
  }
  return { display, normalized: `${foldLocalPart(localPart)}@${asciiDomain}` };
}

/**
 * The identity key of an address as typed, without validating it: what `login` looks an agent
 * up by. Equals {@link parseEmail}'s `normalized` for every address `parseEmail` accepts; for
 * anything else it is merely a string no stored key can equal.
 */
export function emailKey(raw: string): string {
  const address = raw.trim().normalize('NFC');
  const at = address.lastIndexOf('@');
  if (at < 0) return foldLocalPart(address);
  const domain = address.slice(at + 1).normalize('NFKC');
  const asciiDomain = domainToASCII(domain) || domain.toLowerCase();
  return `${foldLocalPart(address.slice(0, at))}@${asciiDomain}`;
}

function foldLocalPart(localPart: string): string {
  return localPart.normalize('NFKC').toLowerCase();
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
 * empty string for users without a name never erases a name an agent already sees. Control
 * characters, unpaired surrogates and invisible format characters (Unicode Cf: bidi overrides
 * and isolates, zero-width spaces…) are refused; emoji sequences keep their joiners and tags.
 */
export function parseName(raw: string | null | undefined, field: string): string | null {
  const name = raw?.trim().normalize('NFC');
  if (!name) return null;
  if ([...name].length > MAX_NAME_LENGTH) {
    throw badUserInput(field, `Name is longer than ${MAX_NAME_LENGTH} characters.`);
  }
  if (CONTROL_CHARACTERS.test(name) || !name.isWellFormed()) {
    throw badUserInput(field, 'Name contains control characters.');
  }
  if (hasInvisibleFormatting(name)) {
    throw badUserInput(
      field,
      'Name contains invisible formatting characters (such as bidirectional overrides or zero-width spaces).',
    );
  }
  return name;
}

/** Whether a format character appears anywhere but as a joiner or tag of an emoji sequence. */
export function hasInvisibleFormatting(name: string): boolean {
  const characters = [...name.replace(EMOJI_TAG_SEQUENCE, '\u{1F3F4}')];
  return characters.some((character, index) => {
    if (!FORMAT_CHARACTER.test(character)) return false;
    if (character !== ZERO_WIDTH_JOINER) return true;
    const before = characters[index - 1];
    const after = characters[index + 1];
    return !(
      before !== undefined &&
      after !== undefined &&
      JOINS_AFTER.test(before) &&
      JOINS_BEFORE.test(after)
    );
  });
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
