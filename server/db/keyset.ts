import { type RawBuilder, sql } from 'kysely';

/**
 * Where a row sits in a list sorted by (timestamp desc, id desc): the timestamp in whole
 * microseconds since the epoch (Postgres's own precision, which a JS Date would round to
 * milliseconds) and the id that breaks ties. Decimal strings, so nothing is lost on the way.
 */
export interface Position {
  readonly micros: string;
  readonly id: string;
}

/** The column's value in microseconds since the epoch, exactly, as a decimal string. */
export function microsOf(column: string): RawBuilder<string> {
  return sql<string>`(extract(epoch from ${sql.ref(column)}) * 1000000)::bigint::text`;
}

/** Rows strictly after `position` in (column desc, idColumn desc) order. */
export function afterPosition(
  column: string,
  idColumn: string,
  position: Position,
): RawBuilder<boolean> {
  return sql<boolean>`(${sql.ref(column)}, ${sql.ref(idColumn)}) < (timestamptz 'epoch' + ${position.micros}::bigint * interval '1 microsecond', ${position.id}::uuid)`;
}
