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
