import { useEffect } from 'react';
import { useLocation } from 'react-router';

const SITE = 'LimitedCart';

/**
 * Per-route page titles and focus on navigation, read from the page itself: the document title follows the
 * main heading (`<h1>` inside `main`), and after a client-side navigation focus moves to that heading once it
 * renders, so a screen reader announces the new page and Tab starts from its top. Pages load their data (and
 * staff pages their code) after the route changes, so the heading is watched for rather than looked up once.
 */
export function useRouteFocus(mainId: string): void {
  const { pathname, key } = useLocation();
  // The entry a visit starts on has the key "default" (a load or reload): it keeps the browser's own focus.
  const navigated = key !== 'default';

  // biome-ignore lint/correctness/useExhaustiveDependencies: each new path is a new page to title and focus
  useEffect(() => {
    const main = document.getElementById(mainId);
    if (!main) return;
    let focusPending = navigated;
    const apply = () => {
      const heading = main.querySelector('h1');
      if (!heading) return;
      const text = heading.textContent?.trim();
      const title = text ? `${text} · ${SITE}` : SITE;
      if (document.title !== title) document.title = title;
      if (focusPending) {
        focusPending = false;
        heading.tabIndex = -1;
        heading.focus();
      }
    };
    apply();
    const observer = new MutationObserver(apply);
    observer.observe(main, { childList: true, subtree: true, characterData: true });
    return () => observer.disconnect();
  }, [pathname, mainId, navigated]);
}
