// What the widget shows of a workspace (its team name, greeting and brand colour): the rules
// its settings are checked by. Each parser returns the value to store, '' for "clear it".
import { Limits } from '../../protocol/index.ts';
import { badUserInput } from '../errors.ts';
import { hasInvisibleFormatting } from '../identity/identity-input.ts';

export const MAX_TEAM_NAME_LENGTH = Limits.teamNameLength;
export const MAX_GREETING_LENGTH = Limits.greetingLength;

// The header holds one line: no control character at all, line breaks included.
const CONTROL_IN_LINE = /[\p{Cc}\u2028\u2029]/u;
// A greeting may break lines; other controls draw nothing a visitor could read.
const CONTROL_IN_TEXT = /(?![\n\r])[\p{Cc}\u2028\u2029]/u;
const BRAND_COLOR = /^#[0-9a-f]{6}$/i;

/** The team name, trimmed; blank clears it. BAD_USER_INPUT on `field` when it may not be. */
export function parseTeamName(raw: string, field: string): string {
  return parseShownText(raw, field, {
    what: 'Team name',
    max: MAX_TEAM_NAME_LENGTH,
    control: CONTROL_IN_LINE,
  });
}

/** The greeting, trimmed, line breaks kept as `\n`; blank clears it. */
export function parseGreeting(raw: string, field: string): string {
  return parseShownText(raw.replace(/\r\n?/g, '\n'), field, {
    what: 'Greeting',
    max: MAX_GREETING_LENGTH,
    control: CONTROL_IN_TEXT,
  });
}

/** A colour as `#rrggbb`, stored lower-case; blank clears it. */
export function parseBrandColor(raw: string, field: string): string {
  const color = raw.trim();
  if (color === '') return '';
  if (!BRAND_COLOR.test(color)) {
    throw badUserInput(field, 'Brand colour must be # and six hexadecimal digits, like #2b59c3.');
  }
  return color.toLowerCase();
}

function parseShownText(
  raw: string,
  field: string,
  rule: { readonly what: string; readonly max: number; readonly control: RegExp },
): string {
  const text = raw.trim().normalize('NFC');
  if ([...text].length > rule.max) {
    throw badUserInput(field, `${rule.what} is longer than ${rule.max} characters.`);
  }
  if (rule.control.test(text) || !text.isWellFormed()) {
    throw badUserInput(field, `${rule.what} contains control characters.`);
  }
  if (hasInvisibleFormatting(text)) {
    throw badUserInput(
      field,
      `${rule.what} contains invisible formatting characters (such as bidirectional overrides or zero-width spaces).`,
    );
  }
  return text;
}
