/** Where the app is served; Vite's `base`. */
const BASE = '/inbox';

export type Route =
  | { readonly page: 'conversations'; readonly conversationId: string | null }
  | { readonly page: 'contacts'; readonly contactId: string | null }
  | { readonly page: 'settings' };

/** Reads a route from a path under `/inbox`; anything unknown is the conversation list. */
export function parseRoute(pathname: string): Route {
  const rest = pathname.startsWith(BASE) ? pathname.slice(BASE.length) : pathname;
  const parts = rest.split('/').filter(Boolean).map(decodeURIComponent);
  if (parts[0] === 'conversations' && parts[1]) {
    return { page: 'conversations', conversationId: parts[1] };
  }
  if (parts[0] === 'contacts') return { page: 'contacts', contactId: parts[1] ?? null };
  if (parts[0] === 'settings') return { page: 'settings' };
  return { page: 'conversations', conversationId: null };
}

export function routePath(route: Route): string {
  switch (route.page) {
    case 'conversations':
      return route.conversationId
        ? `${BASE}/conversations/${encodeURIComponent(route.conversationId)}`
        : `${BASE}/`;
    case 'contacts':
      return route.contactId
        ? `${BASE}/contacts/${encodeURIComponent(route.contactId)}`
        : `${BASE}/contacts`;
    case 'settings':
      return `${BASE}/settings`;
  }
}
