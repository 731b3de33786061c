import { useCallback, useEffect, useRef, useState } from 'react';
import { type DocumentInput, useClient } from 'urql';
import { type InboxError, toInboxError } from '../errors.ts';
import { mergeById, refreshRows } from '../state/rows.ts';

/** Rows asked for at a time. */
export const LIST_PAGE = 20;

/** One page of a connection, as the list queries select it. */
export interface ConnectionPage<Row> {
  readonly edges: ReadonlyArray<{ readonly node: Row }>;
  readonly pageInfo: { readonly hasNextPage: boolean; readonly endCursor: string | null };
}

/** The variables the hook sets on each request. */
interface PageVariables {
  readonly first?: number | null;
  readonly after?: string | null;
}

export interface PagedQuery<Data, Variables extends PageVariables, Row> {
  readonly query: DocumentInput<Data, Variables>;
  /**
   * The variables but `first` and `after`. Other values are another list (another search,
   * another status): it starts over, and late answers for the old one are dropped.
   */
  readonly variables: Variables;
  /** Where the page is in the answer. */
  readonly connection: (data: Data) => ConnectionPage<Row>;
  /** Puts the rows in the order shown; as loaded when absent. */
  readonly order?: (rows: Row[]) => Row[];
  /**
   * On `refresh`, whether a loaded row replaces the one shown, which events keep current and
   * may be newer than the answer; never when absent.
   */
  readonly takeLoaded?: (shown: Row, loaded: Row) => boolean;
  /**
   * Whether the old list's rows stay until the new one's first page comes: right for a search
   * being narrowed, wrong for a list of another kind (it empties at once).
   */
  readonly keepWhileRestarting?: boolean;
}

export interface PagedList<Row> {
  readonly rows: readonly Row[];
  readonly loading: boolean;
  readonly error: InboxError | null;
  readonly hasMore: boolean;
  loadMore(): void;
  /**
   * Asks for the first page again and adds the rows missing; rows shown stay as they are,
   * unless `takeLoaded` prefers the loaded copy.
   */
  refresh(): void;
  /** Changes the rows shown, e.g. on a live event. */
  update(change: (rows: readonly Row[]) => Row[]): void;
}

/** A list loaded one page at a time over HTTP, each row once, the next page on demand. */
export function usePagedList<
  Data,
  Variables extends PageVariables,
  Row extends { readonly id: string },
>(options: PagedQuery<Data, Variables, Row>): PagedList<Row> {
  const client = useClient();
  const [rows, setRows] = useState<readonly Row[]>([]);
  const [cursor, setCursor] = useState<string | null>(null);
  const [hasMore, setHasMore] = useState(false);
  const [loading, setLoading] = useState(true);
  const [error, setError] = useState<InboxError | null>(null);

  // Which list this is; the answers for an older one are dropped.
  const list = JSON.stringify(options.variables);
  const latest = useRef({ options, list });
  latest.current = { options, list };
  const { keepWhileRestarting = false } = options;

  const load = useCallback(
    async (after: string | null, refresh = false) => {
      const { query, variables, connection } = latest.current.options;
      setLoading(true);
      const result = await client
        .query(query, { ...variables, first: LIST_PAGE, after }, { requestPolicy: 'network-only' })
        .toPromise();
      if (latest.current.list !== list) return;
      setLoading(false);
      if (!result.data) {
        setError(toInboxError(result.error));
        return;
      }
      setError(null);
      const page = connection(result.data);
      const nodes = page.edges.map((edge) => edge.node);
      const order = latest.current.options.order ?? ((loaded: Row[]) => loaded);
      if (refresh) {
        const takeLoaded = latest.current.options.takeLoaded ?? (() => false);
        setRows((current) => order(refreshRows(current, nodes, takeLoaded)));
        return;
      }
      setRows((current) => order(mergeById(after === null ? [] : current, nodes)));
      setCursor(page.pageInfo.endCursor);
      setHasMore(page.pageInfo.hasNextPage);
    },
    [client, list],
  );

  useEffect(() => {
    if (!keepWhileRestarting) setRows([]);
    void load(null);
  }, [load, keepWhileRestarting]);

  return {
    rows,
    loading,
    error,
    hasMore,
    loadMore: () => {
      if (hasMore && !loading) void load(cursor);
    },
    refresh: () => void load(null, true),
    update: setRows,
  };
}
