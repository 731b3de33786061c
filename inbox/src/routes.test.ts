import { describe, expect, it } from 'vitest';
import { parseRoute, routePath } from './routes.ts';

describe('routes', () => {
  it('reads every page from its path', () => {
    expect(parseRoute('/inbox')).toEqual({ page: 'conversations', conversationId: null });
    expect(parseRoute('/inbox/')).toEqual({ page: 'conversations', conversationId: null });
    expect(parseRoute('/inbox/conversations/c1')).toEqual({
      page: 'conversations',
      conversationId: 'c1',
    });
    expect(parseRoute('/inbox/contacts')).toEqual({ page: 'contacts', contactId: null });
    expect(parseRoute('/inbox/contacts/k%2F1')).toEqual({ page: 'contacts', contactId: 'k/1' });
    expect(parseRoute('/inbox/settings')).toEqual({ page: 'settings' });
  });

  it('falls back to the conversation list for anything unknown', () => {
    expect(parseRoute('/inbox/nowhere/at/all')).toEqual({
      page: 'conversations',
      conversationId: null,
    });
  });

  it('writes paths that read back as the same route', () => {
    for (const route of [
      { page: 'conversations', conversationId: null },
      { page: 'conversations', conversationId: 'a b/c' },
      { page: 'contacts', contactId: null },
      { page: 'contacts', contactId: 'x' },
      { page: 'settings' },
    ] as const) {
      expect(parseRoute(routePath(route))).toEqual(route);
    }
  });
});
