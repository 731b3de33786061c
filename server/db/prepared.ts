import {
  type Compilable,
  type CompiledQuery,
  DummyDriver,
  type Expression,
  Kysely,
  PostgresAdapter,
  PostgresIntrospector,
  PostgresQueryCompiler,
  type QueryResult,
  sql,
} from 'kysely';
import type { Database, Executor } from './database.ts';

// The hot path (a page view: the join, its identify, the visitor query) runs the same few
// statements thousands of times a second. Kysely would build and compile each one again at
// every call, which cost more CPU than the rest of the request; a prepared statement is
// compiled once, and on Postgres also parsed and planned once per connection.

/** The arguments of a prepared statement, as the expressions its builder places. */
export type Arguments<Args> = { readonly [Name in keyof Args]: Expression<Args[Name]> };

/** A statement compiled once, executed with its arguments by name. */
export interface Prepared<Args, Row> {
  /** Its name: unique, and on Postgres the name of the prepared statement. */
  readonly name: string;
  execute(db: Executor, args: Args): Promise<QueryResult<Row>>;
  /** Its first row, if any. */
  first(db: Executor, args: Args): Promise<Row | undefined>;
  /** Its first row; throws when there is none, as for a row that must exist. */
  one(db: Executor, args: Args): Promise<Row>;
}

/** Builds queries to compile them only: it never connects. Both drivers speak this SQL. */
const compiler = new Kysely<Database>({
  dialect: {
    createAdapter: () => new PostgresAdapter(),
    createDriver: () => new DummyDriver(),
    createIntrospector: (db) => new PostgresIntrospector(db),
    createQueryCompiler: () => new PostgresQueryCompiler(),
  },
});

/** Where an argument goes among the compiled parameters. */
class Placeholder {
  readonly name: string;
  constructor(name: string) {
    this.name = name;
  }
}

/** The name of each prepared statement, by its SQL: what the Postgres pool sends it under. */
const namesBySql = new Map<string, string>();
const sqlByName = new Map<string, string>();

/**
 * The name of the prepared statement with this SQL, if it is one. The Postgres pool runs such
 * a statement as a named prepared statement; PGlite, which has none, runs the SQL as it is.
 */
export function preparedStatementName(statement: string): string | undefined {
  return namesBySql.get(statement);
}

/**
 * A statement whose query `build` returns, compiled the first time it runs. `build` places
 * each argument where a value goes (`where('id', '=', args.visitorId)`), and must not branch on
 * anything: one statement has one shape. A statement's arguments are always parameters, never
 * SQL, so nothing a caller passes can change it.
 */
export function prepared<Args extends object, Row>(
  name: string,
  build: (db: Kysely<Database>, args: Arguments<Args>) => Compilable<Row>,
): Prepared<Args, Row> {
  let compiled: { readonly query: CompiledQuery<Row>; readonly slots: readonly Slot[] } | null =
    null;
  const compile = () => {
    const placeholders = new Proxy({} as Arguments<Args>, {
      get: (_target, key) => sql.val(new Placeholder(String(key))),
    });
    const query = build(compiler, placeholders).compile();
    const known = sqlByName.get(name);
    if (known !== undefined && known !== query.sql) {
      throw new Error(`Two prepared statements are named ${name}.`);
    }
    sqlByName.set(name, query.sql);
    namesBySql.set(query.sql, name);
    const slots = query.parameters.map(
      (value): Slot =>
        value instanceof Placeholder ? { argument: value.name } : { constant: value },
    );
    return { query, slots };
  };
  const execute = (db: Executor, args: Args): Promise<QueryResult<Row>> => {
    compiled ??= compile();
    const values = args as Record<string, unknown>;
    const parameters = compiled.slots.map((slot) =>
      'argument' in slot ? values[slot.argument] : slot.constant,
    );
    return db.executeQuery<Row>({ ...compiled.query, parameters });
  };
  return {
    name,
    execute,
    first: async (db, args) => (await execute(db, args)).rows[0],
    async one(db, args) {
      const [row] = (await execute(db, args)).rows;
      if (row === undefined) throw new Error(`The statement ${name} returned no row.`);
      return row;
    },
  };
}

/** A compiled parameter: an argument's value, or a value the builder itself placed. */
type Slot = { readonly argument: string } | { readonly constant: unknown };
