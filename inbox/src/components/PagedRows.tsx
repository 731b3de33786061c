import { Fragment, type ReactNode } from 'react';
import type { PagedList } from '../hooks/usePagedList.ts';
import { ErrorMessage } from './ErrorMessage.tsx';

/**
 * The rows of a paged list, one of them maybe selected, and around them what the agent needs
 * to know: why it failed, that it is empty (in `empty`'s words) or loading, and the button for
 * the next page.
 */
export function PagedRows<Row extends { readonly id: string }>(props: {
  list: PagedList<Row>;
  selectedId: string | null;
  empty: string;
  row: (row: Row, selected: boolean) => ReactNode;
}) {
  const { list } = props;
  return (
    <>
      <ErrorMessage error={list.error} />
      <ul>
        {list.rows.map((row) => (
          <Fragment key={row.id}>{props.row(row, row.id === props.selectedId)}</Fragment>
        ))}
      </ul>
      {!list.loading && list.rows.length === 0 && !list.error && (
        <p className="empty">{props.empty}</p>
      )}
      {list.loading && <p className="loading">Loading…</p>}
      {list.hasMore && !list.loading && (
        <button type="button" className="more" onClick={list.loadMore}>
          Load more
        </button>
      )}
    </>
  );
}
