import { type RawBuilder, type SelectQueryBuilder, sql } from 'kysely';

/**
 * Where a row sits in a list sorted by (timestamp desc, id desc): the timestamp in whole
 * microseconds since the epoch (Postgres's own precision, which a JS Date would round to
 * milliseconds) and the id that breaks ties. Decimal strings, so nothing is lost on the way.
 */
export interface Position {
  readonly micros: string;
  readonly id: string;
}

/** A row of a keyset list and where it sits. */
export interface Positioned<Row> {
  readonly row: Row;
  readonly position: Position;
}

/**
 * The part of a list sorted by (timestamp desc, id desc) a query reads: the rows strictly
 * between `after` and `before` (either may be absent), at most `limit` of them, read from
 * the newest end, or with `fromEnd` from the oldest.
 */
export interface KeysetWindow {
  readonly after: Position | null;
  readonly before: Position | null;
  readonly fromEnd: boolean;
  readonly limit: number;
}

/** The column's value in microseconds since the epoch, exactly, as a decimal string. */
export function microsOf(column: string): RawBuilder<string> {
  return sql<string>`(extract(epoch from ${sql.ref(column)}) * 1000000)::bigint::text`;
}

/**
 * Narrows `query` to the rows of `window` in the list sorted by (`column` desc, `idColumn`
 * desc), in the order the window reads them: newest first, or oldest first with `fromEnd`.
 */
export function readWindow<DB, TB extends keyof DB, O>(
  query: SelectQueryBuilder<DB, TB, O>,
  column: string,
  idColumn: string,
  window: KeysetWindow,
): SelectQueryBuilder<DB, TB, O> {
  const key = sql`(${sql.ref(column)}, ${sql.ref(idColumn)})`;
  let narrowed = query;
  if (window.after !== null) narrowed = narrowed.where(sql<boolean>`${key} < ${at(window.after)}`);
  if (window.before !== null) {
    narrowed = narrowed.where(sql<boolean>`${key} > ${at(window.before)}`);
  }
  const direction = window.fromEnd ? sql`asc` : sql`desc`;
  return narrowed
    .orderBy(sql`${sql.ref(column)} ${direction}`)
    .orderBy(sql`${sql.ref(idColumn)} ${direction}`)
    .limit(window.limit);
}

/** The (timestamp, id) row value of a position, comparable with the sort key. */
function at(position: Position): RawBuilder<unknown> {
  return sql`(timestamptz 'epoch' + ${position.micros}::bigint * interval '1 microsecond', ${position.id}::uuid)`;
}
