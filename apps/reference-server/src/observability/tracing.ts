import { type Context, ProxyTracerProvider, ROOT_CONTEXT, type Tracer } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { Resource } from '@opentelemetry/resources';
import { BasicTracerProvider, BatchSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { ATTR_SERVICE_NAME } from '@opentelemetry/semantic-conventions';
import type { Logger } from '@limitedcart/core';

/**
 * Tracing of one server process. The tracer provider and the context manager belong to this object rather than
 * to OpenTelemetry's process-wide registry, so several servers in one process (tests, replicas) never share or
 * overwrite each other's tracing.
 */
export interface Tracing {
  /** false when no endpoint is configured: nothing is recorded or sent. */
  readonly enabled: boolean;
  readonly tracer: Tracer;
  /** The context of the operation running now (carries its span), for child spans. */
  activeContext(): Context;
  /** Runs `run` with `context` active, so spans started inside it become its children. */
  runInContext<T>(context: Context, run: () => T): T;
  /** Sends the spans still buffered and stops recording. Idempotent. */
  shutdown(): Promise<void>;
}

export interface TracingOptions {
  /** OTLP/HTTP base URL (`OTEL_EXPORTER_OTLP_ENDPOINT`); spans go to `<endpoint>/v1/traces`. Unset: no tracing. */
  readonly endpoint: string | undefined;
  readonly serviceName: string;
  /** The roles this process plays, recorded on the resource so traces tell api and worker replicas apart. */
  readonly roles: readonly string[];
  readonly logger: Logger;
}

const INSTRUMENTATION_NAME = '@limitedcart/reference-server';

/** Tracing that records nothing: a tracer without a delegate hands out non-recording spans. */
const disabledTracing = (): Tracing => ({
  enabled: false,
  tracer: new ProxyTracerProvider().getTracer(INSTRUMENTATION_NAME),
  activeContext: () => ROOT_CONTEXT,
  runInContext: (_context, run) => run(),
  shutdown: async () => {},
});

/**
 * Starts span export over OTLP/HTTP (JSON) in batches when `endpoint` is set; otherwise returns tracing that
 * does nothing.
 */
export function startTracing(options: TracingOptions): Tracing {
  if (options.endpoint === undefined || options.endpoint === '') return disabledTracing();
  const url = `${options.endpoint.replace(/\/+$/, '')}/v1/traces`;
  const provider = new BasicTracerProvider({
    resource: new Resource({ [ATTR_SERVICE_NAME]: options.serviceName, 'limitedcart.roles': options.roles.join(',') }),
    spanProcessors: [new BatchSpanProcessor(new OTLPTraceExporter({ url }))],
  });
  const contextManager = new AsyncLocalStorageContextManager().enable();
  options.logger.info('tracing enabled', { exporter: url });
  let stopping: Promise<void> | null = null;
  return {
    enabled: true,
    tracer: provider.getTracer(INSTRUMENTATION_NAME),
    activeContext: () => contextManager.active(),
    runInContext: (context, run) => contextManager.with(context, run),
    shutdown: () => {
      stopping ??= provider.shutdown().finally(() => {
        contextManager.disable();
      });
      return stopping;
    },
  };
}
