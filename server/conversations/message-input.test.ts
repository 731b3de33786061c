import { describe, expect, it } from 'vitest';
import { expectBadUserInput } from '../test/assertions.ts';
import {
  MAX_CLIENT_MESSAGE_ID_LENGTH,
  MAX_MESSAGE_LENGTH,
  parseClientMessageId,
  parseMessageBody,
} from './message-input.ts';

describe('parseMessageBody', () => {
  const FIELD = 'input.body';

  it('limits bodies to 10,000 characters', () => {
    expect(MAX_MESSAGE_LENGTH).toBe(10_000);
  });

  it.each([
    ['plain text', 'Hello, can you help me?'],
    ['a single character', 'x'],
    ['leading and trailing spaces', '   indented reply  '],
    ['tabs', '\tcol1\tcol2'],
    ['line feeds', 'line one\nline two\n\n'],
    ['CRLF line breaks', 'line one\r\nline two\r\n'],
    ['emoji and other scripts', 'Merci 🙏 — 谢谢'],
    ['exactly 10,000 characters', 'a'.repeat(10_000)],
    ['10,000 emoji (counted as code points)', '😀'.repeat(10_000)],
  ])('accepts %s and returns it unchanged', (_, body) => {
    expect(parseMessageBody(body, FIELD)).toBe(body);
  });

  it.each([
    ['empty', ''],
    ['spaces only', '     '],
    ['tabs and newlines only', '\t\n\r\n\t'],
    ['non-breaking spaces only', '\u00a0\u00a0'],
  ])('rejects an %s body as empty', (_, body) => {
    const error = expectBadUserInput(() => parseMessageBody(body, FIELD), FIELD);
    expect(error.message).toMatch(/empty/);
  });

  it.each([
    ['10,001 characters', 'a'.repeat(10_001)],
    ['10,001 emoji', '😀'.repeat(10_001)],
  ])('rejects %s', (_, body) => {
    const error = expectBadUserInput(() => parseMessageBody(body, FIELD), FIELD);
    expect(error.message).toMatch(/longer than 10000 characters/);
  });

  it.each([
    ['NUL', 'hello\u0000world'],
    ['escape', 'hello \u001b[31mred'],
    ['bell', '\u0007ding'],
    ['backspace', 'typo\u0008'],
    ['vertical tab', 'a\u000bb'],
    ['form feed', 'a\u000cb'],
    ['delete', 'a\u007fb'],
    ['C1 next line', 'a\u0085b'],
    ['C1 next line alone', '\u0085'],
  ])('rejects a body containing %s', (_, body) => {
    const error = expectBadUserInput(() => parseMessageBody(body, FIELD), FIELD);
    expect(error.message).toMatch(/control characters/);
  });

  it('names the field it was given', () => {
    expectBadUserInput(
      () => parseMessageBody('', 'sendMessage.input.body'),
      'sendMessage.input.body',
    );
  });
});

describe('parseClientMessageId', () => {
  const FIELD = 'input.clientMessageId';

  it('limits ids to 100 characters', () => {
    expect(MAX_CLIENT_MESSAGE_ID_LENGTH).toBe(100);
  });

  it.each([
    ['one character', 'x'],
    ['a UUID', '3f2b8c1e-9a4d-4e6f-8b7a-0c1d2e3f4a5b'],
    ['punctuation', 'msg_42:retry#1'],
    ['exactly 100 characters', 'i'.repeat(100)],
  ])('accepts %s', (_, id) => {
    expect(parseClientMessageId(id, FIELD)).toBe(id);
  });

  it.each([
    ['empty', ''],
    ['101 characters', 'i'.repeat(101)],
    ['a space', 'msg 1'],
    ['a leading space', ' msg1'],
    ['a tab', 'msg\t1'],
    ['a newline', 'msg1\n'],
    ['a NUL', 'msg\u00001'],
    ['an escape', 'msg\u001b1'],
    ['a C1 control', 'msg\u00851'],
    ['a non-breaking space', 'msg\u00a01'],
  ])('rejects %s', (_, id) => {
    const error = expectBadUserInput(() => parseClientMessageId(id, FIELD), FIELD);
    expect(error.message).toMatch(/1 to 100 characters/);
  });

  it('names the field it was given', () => {
    expectBadUserInput(() => parseClientMessageId('', 'clientMessageId'), 'clientMessageId');
  });
});

describe('invisible and multi-unit characters', () => {
  it('refuses a body of zero-width spaces only, as blank', () => {
    expectBadUserInput(() => parseMessageBody('\u200b\u200b', 'input.body'), 'input.body');
  });

  it('counts a clientMessageId in characters, not UTF-16 units', () => {
    const emoji = '😀'.repeat(MAX_CLIENT_MESSAGE_ID_LENGTH);
    expect(parseClientMessageId(emoji, 'input.clientMessageId')).toBe(emoji);
  });
});
