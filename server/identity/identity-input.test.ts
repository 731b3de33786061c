import { describe, expect, it } from 'vitest';
import { expectBadUserInput } from '../test/assertions.ts';
import {
  emailKey,
  MAX_EMAIL_LENGTH,
  MAX_NAME_LENGTH,
  parseEmail,
  parseName,
} from './identity-input.ts';

const FIELD = 'input.email';

// 64 + 1 + (63 + 1 + 63 + 1 + 61) = 254
const LOCAL_64 = 'l'.repeat(64);
const DOMAIN_189 = `${'a'.repeat(63)}.${'b'.repeat(63)}.${'c'.repeat(61)}`;
const EMAIL_254 = `${LOCAL_64}@${DOMAIN_189}`;

describe('parseEmail', () => {
  it('limits addresses to 254 characters', () => {
    expect(MAX_EMAIL_LENGTH).toBe(254);
    expect(EMAIL_254).toHaveLength(254);
  });

  it.each([
    ['plain', 'jane@example.com'],
    ['plus-addressing', 'jane+newsletter@example.com'],
    ['subdomains', 'jane@mail.eu.example.co.uk'],
    ['dots in the local part', 'jane.q.doe@example.com'],
    ['allowed symbols in the local part', "o'brien_x-y!#$%&*/=?^`{|}~@example.com"],
    ['a hyphen inside a label', 'jane@my-company.example'],
    ['Chinese local part and domain', '用户@例子.广告'],
    ['accented local part and domain', 'josé@exämple.com'],
    ['accented local part', 'Pelé@exemple.fr'],
    ['exactly 254 characters', EMAIL_254],
    ['a local part of exactly 64 bytes in two-byte characters', `${'é'.repeat(32)}@example.com`],
  ])('accepts %s: %s', (_, email) => {
    const parsed = parseEmail(email, FIELD);
    expect(parsed.display).toBe(email);
    expect(parsed.normalized).toBe(emailKey(email));
  });

  it.each([
    ['empty', ''],
    ['blank', '   \t '],
    ['no @', 'jane.example.com'],
    ['two @ with an invalid local part', 'a@b@c.com'],
    ['a missing local part', '@example.com'],
    ['a missing domain', 'jane@'],
    ['a domain without a dot', 'jane@localhost'],
    ['a leading dot in the local part', '.jane@example.com'],
    ['a trailing dot in the local part', 'jane.@example.com'],
    ['a double dot in the local part', 'jane..doe@example.com'],
    ['a label starting with a hyphen', 'jane@-example.com'],
    ['a label ending with a hyphen', 'jane@example-.com'],
    ['a top-level domain starting with a hyphen', 'jane@example.-com'],
    ['an empty label', 'jane@example..com'],
    ['a trailing dot in the domain', 'jane@example.com.'],
    ['an all-numeric top-level domain', 'a@1.2.3.4'],
    ['a space in the local part', 'jane doe@example.com'],
    ['a space in the domain', 'jane@exa mple.com'],
    ['a NUL character', 'ja\u0000ne@example.com'],
    ['a line feed', 'jane\n@example.com'],
    ['a line feed in the domain', 'jane@exa\nmple.com'],
    ['a label longer than 63 characters', `jane@${'a'.repeat(64)}.com`],
    ['255 characters', `${LOCAL_64}@${DOMAIN_189}c`],
    ['a local part of 65 characters', `${'l'.repeat(65)}@example.com`],
    ['a local part of 33 characters but 66 bytes', `${'é'.repeat(33)}@example.com`],
  ])('rejects %s', (_, email) => {
    expectBadUserInput(() => parseEmail(email, FIELD), FIELD);
  });

  it('names the field it was given', () => {
    expectBadUserInput(() => parseEmail('nope', 'input.contact.email'), 'input.contact.email');
  });

  it('says why an address that is too long was refused', () => {
    const error = expectBadUserInput(() => parseEmail(`${EMAIL_254}x`, FIELD), FIELD);
    expect(error.message).toMatch(/longer than 254 characters/);
  });

  it('says an empty address is empty', () => {
    expect(expectBadUserInput(() => parseEmail('  ', FIELD), FIELD).message).toMatch(/empty/);
  });

  it('quotes the address with control characters made printable', () => {
    const error = expectBadUserInput(() => parseEmail('a\u0000b@example.com', FIELD), FIELD);
    expect(error.message).toBe('"a?b@example.com" is not a valid email address.');
  });

  it('trims for display and lower-cases for the identity key', () => {
    expect(parseEmail('  Jane.Doe@Example.COM ', FIELD)).toEqual({
      display: 'Jane.Doe@Example.COM',
      normalized: 'jane.doe@example.com',
    });
  });

  it('normalises a decomposed (NFD) address to the same key as the composed (NFC) one', () => {
    const composed = 'Jos\u00e9@Ex\u00e4mple.com';
    const decomposed = composed.normalize('NFD');
    expect(decomposed).not.toBe(composed);
    const fromNfd = parseEmail(decomposed, FIELD);
    const fromNfc = parseEmail(composed, FIELD);
    expect(fromNfd.normalized).toBe(fromNfc.normalized);
    expect(fromNfd.normalized).toBe('jos\u00e9@xn--exmple-cua.com');
    expect(fromNfd.display).toBe(composed);
  });

  it('counts the 254-character limit in code points after NFC normalisation', () => {
    const local = 'é'.repeat(32); // 32 code points, 64 bytes
    const domain = `${'a'.repeat(63)}.${'b'.repeat(63)}.${'c'.repeat(63)}.${'d'.repeat(29)}`;
    const email = `${local}@${domain}`;
    expect([...email]).toHaveLength(254);
    const decomposed = email.normalize('NFD');
    expect([...decomposed]).toHaveLength(286);
    expect(parseEmail(decomposed, FIELD).display).toBe(email);
  });
});

describe('the identity key of an email', () => {
  it.each([
    ['lower-case ASCII', 'jane@example.com'],
    ['an upper-case domain', 'jane@EXAMPLE.com'],
    ['an upper-case local part', 'JANE@example.com'],
    ['a fullwidth letter in the local part', '\uff4aane@example.com'],
    ['a fullwidth domain', 'jane@\uff45\uff58\uff41\uff4d\uff50\uff4c\uff45.com'],
    ['surrounding spaces', '  jane@example.com '],
  ])('is the same for %s', (_, email) => {
    expect(parseEmail(email, FIELD).normalized).toBe('jane@example.com');
  });

  it.each([
    ['the Unicode domain', 'jane@bücher.de'],
    ['the ASCII (punycode) domain', 'jane@xn--bcher-kva.de'],
    ['an upper-case Unicode domain', 'jane@BÜCHER.DE'],
    ['a decomposed Unicode domain', 'jane@bu\u0308cher.de'],
  ])('puts the domain in its ASCII form for %s', (_, email) => {
    expect(parseEmail(email, FIELD).normalized).toBe('jane@xn--bcher-kva.de');
  });

  it('keeps the display as given, only trimmed and NFC-normalised', () => {
    expect(parseEmail(' \uff4aane@BÜCHER.de ', FIELD).display).toBe('\uff4aane@BÜCHER.de');
  });

  it('is what login looks agents up by, for any string', () => {
    for (const email of ['\uff4aane@EXAMPLE.com', 'jane@bücher.de', 'Jane@xn--bcher-kva.DE']) {
      expect(emailKey(email)).toBe(parseEmail(email, FIELD).normalized);
    }
    expect(emailKey('not an email')).toBe('not an email');
  });

  it('refuses a domain IDNA cannot put in ASCII (a tatweel starting a label)', () => {
    expectBadUserInput(() => parseEmail('jane@\u0640x.com', FIELD), FIELD);
  });
});

describe('parseName', () => {
  const NAME_FIELD = 'input.name';

  it('limits names to 200 characters', () => {
    expect(MAX_NAME_LENGTH).toBe(200);
  });

  it.each([
    ['Jane Doe', 'Jane Doe'],
    ['  Jane Doe \t', 'Jane Doe'],
    ['\nJane\n', 'Jane'],
    ['Zoë', 'Zoë'],
    ['  山田 太郎 ', '山田 太郎'],
  ])('trims %j to %j', (raw, expected) => {
    expect(parseName(raw, NAME_FIELD)).toBe(expected);
  });

  it.each([
    ['null', null],
    ['undefined', undefined],
    ['empty', ''],
    ['blank', ' \t\n '],
  ])('returns null for %s', (_, raw) => {
    expect(parseName(raw, NAME_FIELD)).toBeNull();
  });

  it('normalises to NFC', () => {
    expect(parseName('Zoe\u0308', NAME_FIELD)).toBe('Zo\u00eb');
  });

  it('accepts exactly 200 characters', () => {
    const name = 'n'.repeat(200);
    expect(parseName(name, NAME_FIELD)).toBe(name);
  });

  it('counts code points, so 200 emoji are 200 characters', () => {
    const name = '😀'.repeat(200);
    expect(name.length).toBe(400);
    expect(parseName(name, NAME_FIELD)).toBe(name);
  });

  it.each([
    ['201 characters', 'n'.repeat(201)],
    ['201 emoji', '😀'.repeat(201)],
  ])('rejects %s', (_, name) => {
    const error = expectBadUserInput(() => parseName(name, NAME_FIELD), NAME_FIELD);
    expect(error.message).toMatch(/longer than 200 characters/);
  });

  it.each([
    ['a bell', 'Jane\u0007Doe'],
    ['a line feed', 'Jane\nDoe'],
    ['a NUL', 'Jane\u0000Doe'],
    ['a line separator', 'Jane\u2028Doe'],
    ['a paragraph separator', 'Jane\u2029Doe'],
    ['a C1 control', 'Jane\u0085Doe'],
  ])('rejects %s inside a name', (_, name) => {
    const error = expectBadUserInput(() => parseName(name, 'visitor.name'), 'visitor.name');
    expect(error.message).toMatch(/control characters/);
  });
});

describe('parseName refuses invisible formatting characters', () => {
  it.each([
    ['a right-to-left override', 'Jane\u202eitnaM'],
    ['a left-to-right embedding', '\u202aJane'],
    ['a pop directional formatting', 'Jane\u202c'],
    ['a right-to-left isolate', 'Jane \u2067Doe\u2069'],
    ['a first strong isolate', '\u2068Jane'],
    ['a left-to-right mark', 'Jane\u200e'],
    ['an Arabic letter mark', 'Jane\u061c'],
    ['a zero-width space', 'Ja\u200bne'],
    ['a zero-width non-joiner', 'Ja\u200cne'],
    ['a joiner between Latin letters', 'Ja\u200dne'],
    ['a joiner at the start', '\u200dJane'],
    ['a joiner after an emoji at the end', 'Jane 😀\u200d'],
    ['a soft hyphen', 'Ja\u00adne'],
    ['a byte order mark inside', 'Ja\ufeffne'],
    ['a word joiner', 'Ja\u2060ne'],
    ['a tag character outside a flag', 'Jane\u{E0041}'],
    ['an unpaired surrogate', 'Jane\ud800'],
  ])('%s', (_, name) => {
    expectBadUserInput(() => parseName(name, 'input.name'), 'input.name');
  });

  it.each([
    ['a family (emoji joined by ZWJ)', 'Jane 👨\u200d👩\u200d👧'],
    ['a technologist with a skin tone', 'Jane 👩🏽\u200d💻'],
    ['a rainbow flag (variation selector and ZWJ)', 'Jane 🏳\ufe0f\u200d🌈'],
    ['a heart on fire', '❤\ufe0f\u200d🔥 Jane'],
    [
      'a subdivision flag (tag sequence)',
      'Jane 🏴\u{E0067}\u{E0062}\u{E0065}\u{E006E}\u{E0067}\u{E007F}',
    ],
    ['a Sinhala name joined with ZWJ', 'ශ්\u200dරී'],
    ['Arabic', 'جين'],
    ['Hebrew with a space', 'ג׳יין דו'],
  ])('accepts %s', (_, name) => {
    expect(parseName(name, 'input.name')).toBe(name);
  });
});

describe('parseEmail refuses invisible and control characters outside ASCII', () => {
  it.each([
    ['a C1 control', 'a\u0085b@example.com'],
    ['a line separator', 'a\u2028b@example.com'],
    ['a no-break space', 'a\u00a0b@example.com'],
    ['an ideographic space', 'a\u3000b@example.com'],
    ['a zero-width space', 'a\u200bb@example.com'],
    ['an unpaired surrogate', 'a\ud800@example.com'],
    ['a top-level domain of non-ASCII digits', 'a@x.\u0661\u0662'],
    ['a domain label starting with a combining mark', 'a@\u0301x.com'],
  ])('%s', (_case, email) => {
    expectBadUserInput(() => parseEmail(email, 'input.email'), 'input.email');
  });
});
