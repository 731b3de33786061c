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
