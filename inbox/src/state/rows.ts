/**
 * Both lists as one, each row once: a row in both keeps its place from `current` and takes
 * the copy from `incoming`; rows only in `incoming` follow, in their order.
 */
export function mergeById<Row extends { readonly id: string }>(
  current: readonly Row[],
  incoming: readonly Row[],
): Row[] {
  const byId = new Map(current.map((row) => [row.id, row]));
  for (const row of incoming) byId.set(row.id, row);
  return [...byId.values()];
}

/**
 * The rows after the first page was loaded again: the loaded ones in their order, then those
 * only shown. A row in both keeps the copy shown (kept current by events, it may be newer than
 * the answer) unless `takeLoaded(shown, loaded)` says the loaded one is at least as new.
 */
export function refreshRows<Row extends { readonly id: string }>(
  shown: readonly Row[],
  loaded: readonly Row[],
  takeLoaded: (shown: Row, loaded: Row) => boolean,
): Row[] {
  const loadedById = new Map(loaded.map((row) => [row.id, row]));
  const kept = shown.map((row) => {
    const fresh = loadedById.get(row.id);
    return fresh !== undefined && takeLoaded(row, fresh) ? fresh : row;
  });
  return mergeById(loaded, kept);
}
