// tsyringe needs the Reflect polyfill loaded before it evaluates, whichever entry point imports the engine.
import 'reflect-metadata';
import { type DependencyContainer, type InjectionToken, container as rootContainer } from 'tsyringe';
import { LimitedCartError } from '../domain/errors.js';
import { TOKENS } from '../ports/tokens.js';
import type { CorePorts, PortName } from '../ports/core-ports.js';
import type { EngineConfig } from './config.js';
import { type FactoryDeps, isFactoryProvider, type Registration } from './plugin.js';

/** The port tokens, typed per port name. Fails to compile if a port lacks a token. */
export const PORT_TOKENS: { readonly [K in PortName]: InjectionToken<CorePorts[K]> } = TOKENS;

/**
 * Start order of the ports: what others depend on first (stores before the bus relaying their outbox,
 * the bus before the saga runner that emits through it). Stop runs it backwards. A record, so that a
 * port added to `CorePorts` without a rank fails to compile.
 */
const PORT_RANK: Readonly<Record<PortName, number>> = {
  clock: 0,
  logger: 1,
  products: 2,
  customers: 3,
  orders: 4,
  payments: 5,
  idempotency: 6,
  outbox: 7,
  processedEvents: 8,
  unitOfWork: 9,
  priceCache: 10,
  searchIndex: 11,
  paymentGateway: 12,
  stockGate: 13,
  eventBus: 14,
  sagaRunner: 15,
};

export const PORT_ORDER: readonly PortName[] = (Object.keys(PORT_RANK) as PortName[]).sort(
  (a, b) => PORT_RANK[a] - PORT_RANK[b],
);

export interface ContainerRegistration {
  readonly token: InjectionToken<unknown>;
  readonly registration: Registration<unknown>;
  /** 'defaults', a plugin name, or 'adapters' (createEngine's own option). */
  readonly source: string;
}

const tokenName = (token: InjectionToken<unknown>): string =>
  typeof token === 'symbol' ? (token.description ?? 'symbol') : typeof token === 'string' ? token : String(token);

/**
 * Builds the engine's tsyringe child container. Registrations apply in the order given and tsyringe
 * resolves a token to its latest registration, so later ones win. Every registration is a singleton per
 * engine: factories run once, on first resolution, and a factory that (indirectly) resolves its own token
 * fails with the cycle spelled out instead of overflowing the stack.
 */
export function buildContainer(registrations: readonly ContainerRegistration[], config: EngineConfig): DependencyContainer {
  const container = rootContainer.createChildContainer();
  const resolving: string[] = [];
  const resolve = <T>(token: InjectionToken<T>): T => container.resolve(token);
  const deps: FactoryDeps = { ports: lazyPorts(resolve), config, resolve };

  for (const { token, registration, source } of registrations) {
    if (!isFactoryProvider(registration)) {
      container.register(token, { useValue: registration });
      continue;
    }
    let built = false;
    let instance: unknown;
    container.register(token, {
      useFactory: () => {
        if (built) return instance;
        const name = tokenName(token);
        if (resolving.includes(name)) {
          throw new LimitedCartError('INTERNAL', `dependency cycle: ${[...resolving, name].join(' → ')}`, {
            details: { source },
          });
        }
        resolving.push(name);
        try {
          instance = registration.useFactory(deps);
          built = true;
          return instance;
        } finally {
          resolving.pop();
        }
      },
    });
  }
  return container;
}

/** A ports object whose properties resolve on access, for factories that need other ports. */
export function lazyPorts(resolve: <T>(token: InjectionToken<T>) => T): CorePorts {
  const ports = {};
  for (const name of PORT_ORDER) {
    Object.defineProperty(ports, name, { enumerable: true, get: () => resolve(PORT_TOKENS[name] as InjectionToken<unknown>) });
  }
  return ports as CorePorts;
}

/** Resolves every port once; the result is what `engine.ports` exposes. */
export function resolvePorts(container: DependencyContainer): CorePorts {
  const ports: Partial<Record<PortName, unknown>> = {};
  for (const name of PORT_ORDER) ports[name] = container.resolve(PORT_TOKENS[name] as InjectionToken<unknown>);
  return Object.freeze(ports) as CorePorts;
}
