import type { MiddlewareHandler } from 'hono';
import { routePath } from 'hono/route';
import type { ConsumerLag, EventHandledReport } from '@limitedcart/core';
import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';

/** Prometheus metrics of one server: HTTP traffic, order outcomes and the process defaults. */
export interface HttpMetrics {
  readonly registry: Registry;
  /** Counts one POST /orders outcome: `accepted` or the rejection code. */
  orderOutcome(outcome: string): void;
  /** Records one event a subscription handled (the engine's `onEventHandled`). */
  eventHandled(report: EventHandledReport): void;
  middleware(): MiddlewareHandler;
}

/**
 * A registry per server rather than prom-client's global one, so several servers in one process (tests,
 * embedding) do not share or double-register metrics.
 */
export function createHttpMetrics({
  defaultMetrics = true,
  consumerLag,
  databasePool,
}: {
  defaultMetrics?: boolean;
  consumerLag?: () => readonly ConsumerLag[];
  /** This process's Postgres pool, read at scrape time; null when the engine has none. */
  databasePool?: () => { readonly total: number; readonly idle: number; readonly waiting: number } | null;
} = {}): HttpMetrics {
  const registry = new Registry();
  if (defaultMetrics) collectDefaultMetrics({ register: registry });
  if (databasePool) {
    // Requests, the admitter and the event consumers share the pool: queries waiting for a connection show a
    // saturated pool (or database) before latencies and stale waiting-room notices do.
    new Gauge({
      name: 'limitedcart_db_pool_clients',
      help: "This process's Postgres pool: connections open (total), idle, and queries waiting for one (waiting).",
      labelNames: ['state'] as const,
      registers: [registry],
      collect() {
        this.reset();
        const pool = databasePool();
        if (pool === null) return;
        this.set({ state: 'total' }, pool.total);
        this.set({ state: 'idle' }, pool.idle);
        this.set({ state: 'waiting' }, pool.waiting);
      },
    });
  }
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
  // Per topic and declared group (a few dozen series at most): how late the bus hands events to this process's
  // subscriptions, and how long they take. A waiting room's live positions are only as fresh as `queues` here.
  const eventLabels = ['topic', 'group'] as const;
  const deliveryDelay = new Histogram({
    name: 'limitedcart_event_delivery_delay_seconds',
    help: "From an event's occurrence to the start of its handling by a subscription of this process.",
    labelNames: eventLabels,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60],
    registers: [registry],
  });
  const handling = new Histogram({
    name: 'limitedcart_event_handling_seconds',
    help: 'How long a subscription of this process took to handle one event, by outcome.',
    labelNames: [...eventLabels, 'outcome'] as const,
    buckets: [0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1, 5],
    registers: [registry],
  });

  return {
    registry,
    orderOutcome: (outcome) => orders.inc({ outcome }),
    eventHandled: ({ topic, group, delayMs, durationMs, ok }) => {
      deliveryDelay.observe({ topic, group }, delayMs / 1000);
      handling.observe({ topic, group, outcome: ok ? 'ok' : 'failed' }, durationMs / 1000);
    },
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
