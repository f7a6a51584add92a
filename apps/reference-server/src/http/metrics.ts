import type { MiddlewareHandler } from 'hono';
import { routePath } from 'hono/route';
import type { ConsumerLag } from '@limitedcart/core';
import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';

/** Prometheus metrics of one server: HTTP traffic, order outcomes and the process defaults. */
export interface HttpMetrics {
  readonly registry: Registry;
  /** Counts one POST /orders outcome: `accepted` or the rejection code. */
  orderOutcome(outcome: string): void;
  middleware(): MiddlewareHandler;
}

/**
 * A registry per server rather than prom-client's global one, so several servers in one process (tests,
 * embedding) do not share or double-register metrics.
 */
export function createHttpMetrics({
  defaultMetrics = true,
  consumerLag,
}: { defaultMetrics?: boolean; consumerLag?: () => readonly ConsumerLag[] } = {}): HttpMetrics {
  const registry = new Registry();
  if (defaultMetrics) collectDefaultMetrics({ register: registry });
  if (consumerLag) {
    // Read at scrape time from the bus: each subscription (the saga starter, a replica's SSE fan-out) is a group
    // of its own, so a saga start backlog and a slow notification stream show apart.
    new Gauge({
      name: 'limitedcart_event_consumer_lag',
      help: 'Events not yet handled by a subscription of this process, per topic, consumer group and partition.',
      labelNames: ['topic', 'group', 'partition'] as const,
      registers: [registry],
      collect() {
        this.reset();
        for (const entry of consumerLag()) {
          this.set({ topic: entry.topic, group: entry.group, partition: String(entry.partition) }, entry.lag);
        }
      },
    });
  }
  const requests = new Counter({
    name: 'http_requests_total',
    help: 'HTTP requests by method, route pattern and status.',
    labelNames: ['method', 'route', 'status'] as const,
    registers: [registry],
  });
  const latency = new Histogram({
    name: 'http_request_duration_seconds',
    help: 'HTTP request latency by method, route pattern and status.',
    labelNames: ['method', 'route', 'status'] as const,
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    registers: [registry],
  });
  const orders = new Counter({
    name: 'limitedcart_orders_total',
    help: 'POST /orders outcomes: accepted, or the rejection code.',
    labelNames: ['outcome'] as const,
    registers: [registry],
  });

  return {
    registry,
    orderOutcome: (outcome) => orders.inc({ outcome }),
    middleware: () => async (c, next) => {
      const started = process.hrtime.bigint();
      try {
        await next();
      } finally {
        // The matched pattern, not the raw path: ids in URLs would explode the label cardinality.
        const pattern = routePath(c);
        const route = pattern === '' || pattern === '*' || pattern === '/*' ? 'unmatched' : pattern;
        const labels = { method: c.req.method, route, status: String(c.res.status) };
        requests.inc(labels);
        latency.observe(labels, Number(process.hrtime.bigint() - started) / 1e9);
      }
    },
  };
}
