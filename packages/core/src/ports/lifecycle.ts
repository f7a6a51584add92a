/** What a health check answers. */
export interface HealthStatus {
  readonly ok: boolean;
  readonly detail?: string;
}

/** One named line of `engine.health()`, as `/readyz` reports it. */
export interface HealthReport extends HealthStatus {
  readonly name: string;
  /**
   * Reported, but not needed for this process to do its job, so it does not make the engine unready: the event bus
   * and the saga engine in a process without the roles that use them.
   */
  readonly optional?: boolean;
}

/**
 * What an object the engine holds (a port implementation, a pool, a client, a worker) may declare. The engine
 * opens such objects when it starts, in the order it built them (an object is built after everything it resolved,
 * so what it depends on opens first), closes them in reverse when it stops, and asks each `health` for readiness.
 * None of the methods is required; an object with none of them is left alone.
 */
export interface Lifecycle {
  /** Connects, migrates, starts workers. A throw fails `engine.start()`, which closes what it opened. */
  open?(): Promise<void>;
  /** Releases what `open` (or first use) acquired. Called once, also when the engine never started. */
  close?(): Promise<void>;
  /** Readiness of the object. A throw, or no answer within 5 s, counts as unhealthy. */
  health?(): Promise<HealthStatus> | HealthStatus;
}

const LIFECYCLE_METHODS = ['open', 'close', 'health'] as const;

/** Whether `value` declares any lifecycle method. */
export const hasLifecycle = (value: unknown): value is Lifecycle =>
  typeof value === 'object' &&
  value !== null &&
  LIFECYCLE_METHODS.some((method) => typeof (value as Record<string, unknown>)[method] === 'function');

/**
 * Gives `wrapper` the lifecycle of the objects it wraps, so decorating a port (a cache, tracing, a tier in front
 * of a ledger) never hides the `open`, `close` or `health` of what is inside: `open` opens the inner objects in
 * order, `close` closes them in reverse (every close runs; failures are raised together), `health` is healthy when
 * every inner object is (a single inner object's answer is passed through as it is). A wrapper's own lifecycle
 * methods are kept: it opens after what it wraps and closes before it. Returns `wrapper` itself.
 */
export function forwardLifecycle<T extends object>(wrapper: T, ...inner: readonly unknown[]): T & Lifecycle {
  const inners = inner.filter(hasLifecycle);
  const own = ownLifecycle(wrapper, inners);
  const owned = [...inners, own].filter((object) => hasLifecycle(object));
  if (owned.length === 0 || (owned.length === 1 && owned[0] === own)) return wrapper as T & Lifecycle;
  const opened = owned.filter((object) => object.open);
  const closed = owned.filter((object) => object.close).reverse();
  const probed = owned.filter((object) => object.health);
  const lifecycle: Lifecycle = {
    ...(opened.length > 0 && {
      async open() {
        for (const object of opened) await object.open!();
      },
    }),
    ...(closed.length > 0 && {
      async close() {
        const failures: unknown[] = [];
        for (const object of closed) await object.close!().catch((error: unknown) => failures.push(error));
        if (failures.length === 1) throw failures[0];
        if (failures.length > 1) throw new AggregateError(failures, `${failures.length} wrapped objects failed to close`);
      },
    }),
    ...(probed.length > 0 && {
      async health(): Promise<HealthStatus> {
        // One object answers for itself, its own name included when it gives one.
        if (probed.length === 1) return probed[0]!.health!();
        const statuses = await Promise.all(
          probed.map(async (object) => {
            try {
              return await object.health!();
            } catch (error) {
              return { ok: false, detail: error instanceof Error ? error.message : String(error) };
            }
          }),
        );
        const details = statuses.map((status) => status.detail).filter((detail) => detail !== undefined);
        const status = { ok: statuses.every((s) => s.ok) };
        return details.length === 0 ? status : { ...status, detail: details.join('; ') };
      },
    }),
  };
  return Object.assign(wrapper, lifecycle);
}

/**
 * A wrapper's own lifecycle methods, bound, before they are replaced by the combined ones. A method that is one of
 * the inner objects' own (a wrapper made by spreading what it wraps, `{ ...inner, reserve }`) is not the wrapper's.
 */
function ownLifecycle(wrapper: object, inners: readonly Lifecycle[]): Lifecycle {
  if (!hasLifecycle(wrapper)) return {};
  const copied = (method: unknown) => inners.some((object) => LIFECYCLE_METHODS.some((name) => object[name] === method));
  const own: Partial<Record<(typeof LIFECYCLE_METHODS)[number], unknown>> = {};
  for (const name of LIFECYCLE_METHODS) {
    const method = wrapper[name];
    if (typeof method === 'function' && !copied(method)) own[name] = method.bind(wrapper);
  }
  return own as Lifecycle;
}
