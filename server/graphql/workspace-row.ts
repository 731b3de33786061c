import { isUuid } from '../../protocol/index.ts';
import type { Context } from './context.ts';

/**
 * The resolver of a root query `(id: ID!)` for one row of the caller's workspace: the row,
 * or null when the id is unknown, malformed or another workspace's (the three look the
 * same). `load` is the type's workspace-scoped batch loader.
 */
export function workspaceRowById<Shape>(
  load: (context: Context, id: string) => Promise<Shape | undefined>,
): (root: unknown, args: { readonly id: string }, context: Context) => Promise<Shape | null> {
  return async (_root, { id }, context) =>
    isUuid(id) ? ((await load(context, id)) ?? null) : null;
}
