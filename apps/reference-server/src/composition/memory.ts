import { createMemoryRateLimiter } from '../http/rate-limit.js';
import { createLedgerReconciliation } from '../http/reconciliation.js';
import type { Infrastructure } from './infrastructure.js';

/**
 * Everything in this process's memory (core's in-memory adapters): no Postgres, nothing survives a restart.
 * For development and the fast route tests; one replica only.
 */
export function memoryInfrastructure(): Infrastructure {
  return {
    profile: 'memory',
    adapters: {},
    relay: true,
    plugins: [],
    notificationsBus: (engine) => engine.ports.eventBus,
    rateLimiter: createMemoryRateLimiter(),
    reconciliation: (engine) => createLedgerReconciliation(engine.ports.stockGate),
    summary: { storage: 'memory', stockGate: 'memory', sagaRunner: 'memory', eventBus: 'memory' },
    close: async () => {},
  };
}
