import { describe, expect, it } from 'vitest';
import { mergeById } from './rows.ts';

describe('merging pages of rows', () => {
  it('keeps each row once, in its first place, with the incoming copy', () => {
    const merged = mergeById(
      [
        { id: 'a', seen: 1 },
        { id: 'b', seen: 1 },
      ],
      [
        { id: 'b', seen: 2 },
        { id: 'c', seen: 2 },
      ],
    );
    expect(merged).toEqual([
      { id: 'a', seen: 1 },
      { id: 'b', seen: 2 },
      { id: 'c', seen: 2 },
    ]);
  });
});
