import { describe, expect, it } from 'vitest';
import type { Message } from '../fragments.ts';
import { mergeMessages } from './messages.ts';

function message(id: string, createdAt: string): Message {
  return { id, conversationId: 'c', author: 'VISITOR', body: id, createdAt };
}

describe('mergeMessages', () => {
  it('keeps each message once, oldest first', () => {
    const first = message('1', '2026-11-25T09:00:00.000Z');
    const second = message('2', '2026-11-25T09:01:00.000Z');
    const third = message('3', '2026-11-25T09:02:00.000Z');
    expect(mergeMessages([second, third], [first, third]).map((m) => m.id)).toEqual([
      '1',
      '2',
      '3',
    ]);
  });

  it('keeps the server’s order for messages of the same millisecond', () => {
    const at = '2026-11-25T09:00:00.000Z';
    const ids = ['z', 'a', 'm'];
    expect(
      mergeMessages(
        ids.map((id) => message(id, at)),
        [],
      ).map((m) => m.id),
    ).toEqual(ids);
  });
});
