/**
 * The open, typed bag plugins fill and the host application reads. Core defines no keys: packages add their
 * own by augmenting this interface, which types both `ctx.extend` and `engine.extensions.get`:
 *
 * ```ts
 * declare module '@limitedcart/core' {
 *   interface EngineExtensions {
 *     'http.routes': (app: Hono) => void;
 *   }
 * }
 * ```
 *
 * Keys that nobody declared still work; their values are `unknown`.
 */
// biome-ignore lint/suspicious/noEmptyInterface: an augmentation point; other packages declare the keys.
export interface EngineExtensions {}

/** A declared key, or any other string (typed `unknown`). */
export type ExtensionKey = keyof EngineExtensions | (string & {});

export type ExtensionValue<K extends string> = K extends keyof EngineExtensions ? EngineExtensions[K] : unknown;

/** Read side of the bag: every value contributed under a key, in plugin order. */
export interface ExtensionRegistry {
  get<K extends ExtensionKey>(key: K): readonly ExtensionValue<K>[];
  /** Keys at least one plugin contributed to. */
  keys(): readonly string[];
}

export interface ExtensionEntry {
  readonly key: string;
  readonly value: unknown;
  readonly plugin: string;
}

export function createExtensionRegistry(entries: readonly ExtensionEntry[]): ExtensionRegistry {
  const byKey = new Map<string, unknown[]>();
  for (const { key, value } of entries) {
    const values = byKey.get(key) ?? [];
    values.push(value);
    byKey.set(key, values);
  }
  return {
    get: <K extends ExtensionKey>(key: K) => Object.freeze([...(byKey.get(key) ?? [])]) as readonly ExtensionValue<K>[],
    keys: () => [...byKey.keys()],
  };
}
