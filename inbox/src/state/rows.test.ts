import { describe, expect, it } from 'vitest';
import { mergeById, refreshRows } from './rows.ts';

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

describe('refreshing the rows shown', () => {
  it('takes a loaded copy only where it is as new, and keeps rows the answer lacks', () => {
    const shown = [
      { id: 'a', version: 2 },
      { id: 'b', version: 1 },
      { id: 'c', version: 1 },
    ];
    const loaded = [
      { id: 'd', version: 1 },
      { id: 'a', version: 1 },
      { id: 'b', version: 3 },
    ];
    const refreshed = refreshRows(shown, loaded, (old, fresh) => fresh.version >= old.version);
    expect(refreshed).toEqual([
      { id: 'd', version: 1 },
      { id: 'a', version: 2 },
      { id: 'b', version: 3 },
      { id: 'c', version: 1 },
    ]);
  });
});
