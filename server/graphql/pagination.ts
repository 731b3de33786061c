import { isUuid } from '../../protocol/index.ts';
import type { Position } from '../db/keyset.ts';
import { badUserInput } from '../errors.ts';

/** Page sizes of every connection: `first` defaults to this and may not exceed the maximum. */
export const PAGE_SIZE = { default: 20, max: 100 } as const;

/** A page of a connection: Relay's edges and pageInfo. */
export interface Page<Node> {
  readonly edges: ReadonlyArray<{ readonly cursor: string; readonly node: Node }>;
  readonly pageInfo: { readonly hasNextPage: boolean; readonly endCursor: string | null };
}

/** Validates `first`: absent means {@link PAGE_SIZE}.default; otherwise 1 to the maximum. */
export function parseFirst(first: number | null | undefined, field = 'first'): number {
  if (first === null || first === undefined) return PAGE_SIZE.default;
  if (!Number.isInteger(first) || first < 1 || first > PAGE_SIZE.max) {
    throw badUserInput(field, `${field} must be between 1 and ${PAGE_SIZE.max}.`);
  }
  return first;
}

/** The opaque cursor of a position. Clients pass it back as `after`, never parse it. */
export function encodeCursor(position: Position): string {
  return Buffer.from(`${position.micros}:${position.id}`, 'utf8').toString('base64url');
}

// Sixteen digits of microseconds reach the year 2286 and stay within a bigint.
const CURSOR = /^(\d{1,16}):([0-9a-f-]{36})$/;

/** The position of a cursor from {@link encodeCursor}; anything else is BAD_USER_INPUT. */
export function decodeCursor(cursor: string, field = 'after'): Position {
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
 * Builds a page from up to `first + 1` rows in order: the extra row only tells that there is
 * a next page.
 */
export function pageOf<Row, Node>(
  rows: readonly Row[],
  first: number,
  positionOf: (row: Row) => Position,
  nodeOf: (row: Row) => Node,
): Page<Node> {
  const edges = rows
    .slice(0, first)
    .map((row) => ({ cursor: encodeCursor(positionOf(row)), node: nodeOf(row) }));
  return {
    edges,
    pageInfo: { hasNextPage: rows.length > first, endCursor: edges.at(-1)?.cursor ?? null },
  };
}
