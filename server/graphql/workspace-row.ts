import type { ArgBuilder } from '@pothos/core';
import type { GraphQLResolveInfo } from 'graphql';
import { isUuid } from '../../protocol/index.ts';
import type { Loader } from './batch.ts';
import type { builder } from './builder.ts';
import type { Context } from './context.ts';

type Types = typeof builder.$inferSchemaTypes;

/**
 * The options of a root query `(id: ID!)` for one row of the caller's workspace: the row,
 * or null when the id is unknown, malformed or another workspace's (the three look the
 * same). `load` is the type's workspace-scoped batch loader. Returned rather than added, so
 * that Pothos checks the field where its type is known.
 */
export function workspaceRowField<Type, Shape>(
  arg: ArgBuilder<Types>,
  options: {
    readonly type: Type;
    readonly description: string;
    readonly load: Loader<string, Shape>;
  },
) {
  const { type, description, load } = options;
  return {
    type,
    nullable: true,
    description,
    args: { id: arg.id({ required: true }) },
    resolve: async (
      _root: unknown,
      { id }: { readonly id: string },
      context: Context,
      info: GraphQLResolveInfo,
    ) => (isUuid(id) ? ((await load(context, info, id)) ?? null) : null),
  } as const;
}
