import { isUuid } from '../../protocol/index.ts';
import type { KeysetWindow, Position, Positioned } from '../db/keyset.ts';
import { badUserInput } from '../errors.ts';

/**
 * Page sizes of every connection: `first` or `last` may not exceed the maximum; without
 * either a page holds the default number of edges from the start.
 */
export const PAGE_SIZE = { default: 20, max: 100 } as const;

/** The arguments of a Relay connection field. */
export interface PageArgs {
  readonly first?: number | null;
  readonly last?: number | null;
  readonly after?: string | null;
  readonly before?: string | null;
}

/** A page of a connection: Relay's edges and pageInfo. */
export interface Page<Node> {
  readonly edges: Array<{ readonly cursor: string; readonly node: Node }>;
  readonly pageInfo: {
    readonly hasNextPage: boolean;
    readonly hasPreviousPage: boolean;
    readonly startCursor: string | null;
    readonly endCursor: string | null;
  };
}

/** The opaque cursor of a position. Clients pass it back as `after` or `before`, never parse it. */
export function encodeCursor(position: Position): string {
  return Buffer.from(`${position.micros}:${position.id}`, 'utf8').toString('base64url');
}

// Sixteen digits of microseconds reach the year 2286 and stay within a bigint.
const CURSOR = /^(\d{1,16}):([0-9a-f-]{36})$/;

/** The position of a cursor from {@link encodeCursor}; anything else is BAD_USER_INPUT. */
export function decodeCursor(cursor: string, field: 'after' | 'before'): Position {
  const match = CURSOR.exec(Buffer.from(cursor, 'base64url').toString('utf8'));
  const [, micros, id] = match ?? [];
  // Node decodes base64 leniently: only the canonical spelling of a cursor is one.
  if (micros === undefined || id === undefined || !isUuid(id)) throw badCursor(field);
  if (encodeCursor({ micros, id }) !== cursor) throw badCursor(field);
  return { micros, id };
}

function badCursor(field: string) {
  return badUserInput(field, `${field} must be a cursor from this connection.`);
}

/**
 * One page of a keyset list, by Relay's rules: the edges between `after` and `before`, the
 * first `first` of them or the last `last` (the default page size from the start without
 * either). `list` reads a window of rows; one row more than the page tells whether more
 * edges lie beyond it. Paging forward, `hasPreviousPage` is false, and paging backward
 * `hasNextPage` is, as the spec allows (and graphql-relay-js does): answering would cost a
 * query that no client paging one way needs. Bad arguments are BAD_USER_INPUT.
 */
export async function keysetPage<Node>(
  args: PageArgs,
  list: (window: KeysetWindow) => Promise<ReadonlyArray<Positioned<Node>>>,
): Promise<Page<Node>> {
  if (args.first != null && args.last != null) {
    throw badUserInput('last', 'Pass first or last, not both.');
  }
  const fromEnd = args.last != null;
  const size = fromEnd ? pageSize(args.last, 'last') : pageSize(args.first, 'first');
  const rows = await list({
    after: args.after == null ? null : decodeCursor(args.after, 'after'),
    before: args.before == null ? null : decodeCursor(args.before, 'before'),
    fromEnd,
    limit: size + 1,
  });
  const read = rows.slice(0, size);
  const edges = (fromEnd ? read.reverse() : read).map(({ row, position }) => ({
    cursor: encodeCursor(position),
    node: row,
  }));
  const more = rows.length > size;
  return {
    edges,
    pageInfo: {
      hasNextPage: !fromEnd && more,
      hasPreviousPage: fromEnd && more,
      startCursor: edges[0]?.cursor ?? null,
      endCursor: edges.at(-1)?.cursor ?? null,
    },
  };
}

/** Validates `first` or `last`: absent means the default; otherwise 1 to the maximum. */
function pageSize(size: number | null | undefined, field: 'first' | 'last'): number {
  if (size === null || size === undefined) return PAGE_SIZE.default;
  if (!Number.isInteger(size) || size < 1 || size > PAGE_SIZE.max) {
    throw badUserInput(field, `${field} must be between 1 and ${PAGE_SIZE.max}.`);
  }
  return size;
}
