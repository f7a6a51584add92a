// tsyringe refuses to load without a Reflect metadata polyfill, whichever entry point imports the engine first.
import 'reflect-metadata';
import { type DependencyContainer, type InjectionToken, instancePerContainerCachingFactory, container as rootContainer } from 'tsyringe';
import { LimitedCartError, validationError } from '../domain/errors.js';
import type { CorePorts, PortName } from '../ports/core-ports.js';
import { TOKENS } from '../ports/tokens.js';
import type { EngineConfig } from './config.js';
import { type Decorator, type FactoryDeps, isFactoryProvider, type Registration } from './plugin.js';

/** One declaration of a plugin (or of `createEngine` itself) about the engine's container, in the order made. */
export type ContainerDeclaration =
  | { readonly kind: 'register'; readonly token: InjectionToken<unknown>; readonly registration: Registration<unknown>; readonly source: string }
  | { readonly kind: 'decorate'; readonly token: InjectionToken<unknown>; readonly decorator: Decorator<unknown>; readonly source: string };

/** An object the container built for a token, with what it was built for. */
export interface BuiltObject {
  readonly instance: unknown;
  readonly token: InjectionToken<unknown>;
  /** Who registered (and decorated) it: 'defaults', 'adapters' or plugin names. */
  readonly source: string;
}

/** The engine's container: every registration built once, in dependency order. */
export interface EngineContainer {
  /** Resolves a registered token; throws NOT_FOUND naming the token otherwise. */
  resolve<T>(token: InjectionToken<T>): T;
  isRegistered(token: InjectionToken<unknown>): boolean;
  /**
   * Every object built so far, each once, in the order its construction completed: an object comes after everything
   * it resolved while being built, which is the order to open them in.
   */
  readonly built: readonly BuiltObject[];
  /** Builds every registered token (the engine builds everything when it is created). */
  buildAll(): void;
}

const PORT_NAME_OF = new Map<InjectionToken<unknown>, PortName>(
  (Object.entries(TOKENS) as [PortName, InjectionToken<unknown>][]).map(([name, token]) => [token, name]),
);

/** A token's name for messages and health reports: the port name, or the token's description. */
export const tokenName = (token: InjectionToken<unknown>): string =>
  PORT_NAME_OF.get(token) ??
  (typeof token === 'symbol' ? (token.description ?? 'symbol') : typeof token === 'string' ? token : (token as { name?: string }).name ?? 'token');

const builderOf =
  (registration: Registration<unknown>) =>
  (deps: FactoryDeps): unknown =>
    isFactoryProvider(registration) ? registration.useFactory(deps) : registration;

/**
 * Builds the engine's tsyringe child container from the declarations, in order: for one token the latest
 * registration wins and a decoration wraps whatever was registered before it. Each token is registered once in the
 * container with a factory cached per container (tsyringe's container-scoped factories), so every object is built
 * once per engine; a factory that resolves its own token again fails with the cycle spelled out.
 */
export function buildContainer(declarations: readonly ContainerDeclaration[], config: EngineConfig): EngineContainer {
  const container: DependencyContainer = rootContainer.createChildContainer();
  const builders = new Map<InjectionToken<unknown>, { build: (deps: FactoryDeps) => unknown; source: string }>();
  const decoratedBy = new Map<InjectionToken<unknown>, string>();
  for (const declaration of declarations) {
    if (declaration.kind === 'register') {
      // Replacing what a plugin decorated would drop the decoration without a word (a tiered gate, a cache):
      // the plugins are listed in the wrong order.
      const decorator = decoratedBy.get(declaration.token);
      if (decorator !== undefined) {
        throw validationError(
          `${declaration.source} replaces ${tokenName(declaration.token)}, which ${decorator} decorates: list ${decorator} after ${declaration.source}`,
          { token: tokenName(declaration.token) },
        );
      }
      builders.set(declaration.token, { build: builderOf(declaration.registration), source: declaration.source });
      continue;
    }
    decoratedBy.set(declaration.token, declaration.source);
    const inner = builders.get(declaration.token);
    if (inner === undefined) {
      throw validationError(`${declaration.source}: cannot decorate ${tokenName(declaration.token)}: nothing is registered for it`, {
        token: tokenName(declaration.token),
      });
    }
    const { decorator } = declaration;
    builders.set(declaration.token, {
      // The inner object is built for this wrapper alone; the wrapper forwards its lifecycle (`forwardLifecycle`).
      build: (deps) => decorator(inner.build(deps), deps),
      source: `${inner.source} < ${declaration.source}`,
    });
  }

  const built: BuiltObject[] = [];
  const resolving: string[] = [];
  const resolve = <T>(token: InjectionToken<T>): T => {
    if (!container.isRegistered(token, true)) {
      throw new LimitedCartError('NOT_FOUND', `nothing is registered for ${tokenName(token)}`, { details: { token: tokenName(token) } });
    }
    return container.resolve(token);
  };
  const deps: FactoryDeps = { ports: lazyPorts(resolve), config, resolve };

  for (const [token, { build, source }] of builders) {
    container.register(token, {
      useFactory: instancePerContainerCachingFactory(() => {
        const name = tokenName(token);
        if (resolving.includes(name)) {
          throw new LimitedCartError('INTERNAL', `dependency cycle: ${[...resolving, name].join(' → ')}`, { details: { source } });
        }
        resolving.push(name);
        try {
          const instance = build(deps);
          built.push({ instance, token, source });
          return instance;
        } finally {
          resolving.pop();
        }
      }),
    });
  }

  return {
    resolve,
    isRegistered: (token) => container.isRegistered(token, true),
    built,
    buildAll() {
      for (const token of builders.keys()) container.resolve(token);
    },
  };
}

/** A ports object whose properties resolve on access, for factories that need other ports. */
function lazyPorts(resolve: <T>(token: InjectionToken<T>) => T): CorePorts {
  const ports = {};
  for (const [name, token] of Object.entries(TOKENS)) {
    Object.defineProperty(ports, name, { enumerable: true, get: () => resolve(token as InjectionToken<unknown>) });
  }
  return ports as CorePorts;
}

/** Resolves every port once; the result is what `engine.ports` exposes. */
export function resolvePorts(container: EngineContainer): CorePorts {
  const ports: Partial<Record<PortName, unknown>> = {};
  for (const [name, token] of Object.entries(TOKENS) as [PortName, InjectionToken<unknown>][]) ports[name] = container.resolve(token);
  return Object.freeze(ports) as CorePorts;
}
