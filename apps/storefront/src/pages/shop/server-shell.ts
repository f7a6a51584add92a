import type { Product } from '../../api/types.js';

/**
 * The catalogue the server rendered into the page (`#lc-shell`, with its JSON in `#lc-catalogue`) so that shoppers see
 * it before this app's JavaScript has loaded. The app shows the same products at once from that JSON, then removes
 * the static markup in the same frame it draws its own.
 */
export interface ServerCatalogue {
  readonly items: Product[];
  readonly page: number;
  readonly size: number;
  readonly total: number;
}

let pending: ServerCatalogue | undefined | null = null;

/** The server's catalogue, once: a later visit of the catalogue in this tab loads the current one. */
export function takeServerCatalogue(): ServerCatalogue | undefined {
  if (pending === null) {
    const text = document.getElementById('lc-catalogue')?.textContent;
    try {
      pending = text ? (JSON.parse(text) as ServerCatalogue) : undefined;
    } catch {
      pending = undefined;
    }
  }
  const taken = pending;
  pending = undefined;
  return taken;
}

/** True while the server's markup is still on screen. */
export const hasServerShell = (): boolean => document.getElementById('lc-shell') !== null;

/** Removes the server's markup; the app's own page is on screen from this frame on. */
export function removeServerShell(): void {
  document.getElementById('lc-shell')?.remove();
  document.getElementById('lc-catalogue')?.remove();
}
