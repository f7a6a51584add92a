import { type Context as OtelContext, defaultTextMapGetter, ROOT_CONTEXT, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { ATTR_HTTP_REQUEST_METHOD, ATTR_HTTP_RESPONSE_STATUS_CODE, ATTR_HTTP_ROUTE, ATTR_URL_PATH } from '@opentelemetry/semantic-conventions';
import type { MiddlewareHandler } from 'hono';
import { routePath } from 'hono/route';
import type { AppEnv } from '../http/context.js';
import type { Tracing } from './tracing.js';

const propagator = new W3CTraceContextPropagator();

/** The caller's trace (`traceparent` / `tracestate`), so this request's span joins it. */
const callerContext = (headers: Record<string, string>): OtelContext => propagator.extract(ROOT_CONTEXT, headers, defaultTextMapGetter);

/**
 * One SERVER span per request, named `<METHOD> <route pattern>` once routing is known (the pattern, not the raw
 * path, keeps span names few). Spans started while the request runs (the stock gate's) become its children.
 * Register it first, so the span covers every other middleware.
 */
export const traceRequests =
  (tracing: Tracing): MiddlewareHandler<AppEnv> =>
  async (c, next) => {
    const parent = callerContext(c.req.header());
    const method = c.req.method;
    const span = tracing.tracer.startSpan(
      method,
      { kind: SpanKind.SERVER, attributes: { [ATTR_HTTP_REQUEST_METHOD]: method, [ATTR_URL_PATH]: c.req.path } },
      parent,
    );
    try {
      await tracing.runInContext(trace.setSpan(parent, span), next);
    } catch (error) {
      // Hono answers handler errors through onError; only a fault outside that reaches here.
      span.recordException(error instanceof Error ? error : String(error));
      span.setStatus({ code: SpanStatusCode.ERROR });
      throw error;
    } finally {
      const pattern = routePath(c);
      const route = pattern === '' || pattern === '*' || pattern === '/*' ? undefined : pattern;
      span.updateName(route === undefined ? method : `${method} ${route}`);
      if (route !== undefined) span.setAttribute(ATTR_HTTP_ROUTE, route);
      span.setAttribute(ATTR_HTTP_RESPONSE_STATUS_CODE, c.res.status);
      if (c.res.status >= 500) span.setStatus({ code: SpanStatusCode.ERROR });
      span.end();
    }
  };
