import { useEffect, useState } from 'preact/hooks';

/** Where the console lives; every route below it is the same page (src/console/static.ts). */
export const BASE = '/console';

/** The path below /console/, e.g. "bundles/BU…". */
export function currentRoute(): string {
  const path = location.pathname.startsWith(BASE) ? location.pathname.slice(BASE.length) : '';
  return path.replace(/^\/+|\/+$/g, '');
}

export function href(route: string): string {
  return `${BASE}/${route}`;
}

export function navigate(route: string): void {
  history.pushState(null, '', href(route));
  dispatchEvent(new PopStateEvent('popstate'));
}

export function useRoute(): string {
  const [route, setRoute] = useState(currentRoute());
  useEffect(() => {
    const update = () => setRoute(currentRoute());
    addEventListener('popstate', update);
    return () => removeEventListener('popstate', update);
  }, []);
  return route;
}

/** Same-page navigation for a link's click (a new tab or window still gets a real load). */
export function follow(event: MouseEvent, route: string): void {
  if (event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
  event.preventDefault();
  navigate(route);
}
