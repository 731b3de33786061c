import type { ObjectRef } from '@pothos/core';
import { builder } from '../builder.ts';
import type { Page } from '../pagination.ts';

/** Relay's page info, shared by every connection. */
export const PageInfo = builder.objectRef<Page<unknown>['pageInfo']>('PageInfo').implement({
  description: 'Where a page of a connection ends, and whether another follows.',
  fields: (t) => ({
    hasNextPage: t.boolean({ resolve: (info) => info.hasNextPage }),
    endCursor: t.string({
      nullable: true,
      description: 'Pass as `after` for the next page; null on an empty page.',
      resolve: (info) => info.endCursor,
    }),
  }),
});

type Types = typeof builder.$inferSchemaTypes;

/**
 * The Relay connection type of `node`: `<name>Connection` with its edges (`<name>Edge`) and
 * {@link PageInfo}, resolved from a {@link Page} built by `pageOf`.
 */
export function connectionOf<Node>(name: string, node: ObjectRef<Types, Node>) {
  const Edge = builder.objectRef<Page<Node>['edges'][number]>(`${name}Edge`).implement({
    fields: (t) => ({
      cursor: t.exposeString('cursor'),
      node: t.expose('node', { type: node }),
    }),
  });
  return builder.objectRef<Page<Node>>(`${name}Connection`).implement({
    fields: (t) => ({
      edges: t.field({ type: [Edge], resolve: (page) => page.edges }),
      pageInfo: t.field({ type: PageInfo, resolve: (page) => page.pageInfo }),
    }),
  });
}
