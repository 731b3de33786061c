import { type MouseEvent, type ReactNode, useEffect, useState } from 'react';
import { parseRoute, type Route, routePath } from './routes.ts';

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
