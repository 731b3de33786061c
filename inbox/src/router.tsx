import { type MouseEvent, type ReactNode, useEffect, useState } from 'react';

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

const NAVIGATE = 'sonny:navigate';

export function navigate(route: Route): void {
  const path = routePath(route);
  if (path === window.location.pathname) return;
  window.history.pushState(null, '', path);
  window.dispatchEvent(new Event(NAVIGATE));
}

/** The current route, following links, back and forward. */
export function useRoute(): Route {
  const [route, setRoute] = useState(() => parseRoute(window.location.pathname));
  useEffect(() => {
    const update = () => setRoute(parseRoute(window.location.pathname));
    window.addEventListener('popstate', update);
    window.addEventListener(NAVIGATE, update);
    return () => {
      window.removeEventListener('popstate', update);
      window.removeEventListener(NAVIGATE, update);
    };
  }, []);
  return route;
}

/** A real link (open in new tab works) that navigates in place on a plain click. */
export function Link(props: {
  to: Route;
  className?: string;
  children: ReactNode;
  'aria-current'?: 'page' | undefined;
}) {
  const onClick = (event: MouseEvent<HTMLAnchorElement>) => {
    if (event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) {
      return;
    }
    event.preventDefault();
    navigate(props.to);
  };
  return (
    <a
      href={routePath(props.to)}
      className={props.className}
      aria-current={props['aria-current']}
      onClick={onClick}
    >
      {props.children}
    </a>
  );
}
