import { randomBytes } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createSilentLogger } from '@limitedcart/core/memory';
import { afterEach, describe, expect, it } from 'vitest';
import { startTracing } from '../src/observability/index.js';
import { client, createStockedProduct, createUsers, startTestServer, type TestServer } from './support.js';

/** An attribute value as OTLP/JSON writes it. */
interface OtlpValue {
  readonly stringValue?: string;
  readonly intValue?: number | string;
  readonly boolValue?: boolean;
}
interface OtlpAttribute {
  readonly key: string;
  readonly value: OtlpValue;
}
interface OtlpSpan {
  readonly traceId: string;
  readonly spanId: string;
  readonly parentSpanId?: string;
  readonly name: string;
  readonly kind: number;
  readonly attributes?: OtlpAttribute[];
  readonly status?: { readonly code?: number };
}
interface OtlpExport {
  readonly resourceSpans: {
    readonly resource?: { readonly attributes?: OtlpAttribute[] };
    readonly scopeSpans: { readonly spans?: OtlpSpan[] }[];
  }[];
}
interface ReceivedSpan extends OtlpSpan {
  readonly resource: Record<string, unknown>;
}

const SPAN_KIND_SERVER = 2;
const STATUS_ERROR = 2;

const plainValue = (value: OtlpValue): unknown =>
  value.stringValue ?? (value.intValue === undefined ? value.boolValue : Number(value.intValue));
const attributesOf = (attributes: OtlpAttribute[] = []): Record<string, unknown> =>
  Object.fromEntries(attributes.map((attribute) => [attribute.key, plainValue(attribute.value)]));

/** A minimal OTLP/HTTP collector: keeps every span POSTed to /v1/traces. */
async function startReceiver() {
  const spans: ReceivedSpan[] = [];
  const paths: string[] = [];
  const server: Server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      paths.push(`${request.method} ${request.url}`);
      if (request.method === 'POST' && request.url === '/v1/traces') {
        const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as OtlpExport;
        for (const resourceSpans of body.resourceSpans) {
          const resource = attributesOf(resourceSpans.resource?.attributes);
          for (const scope of resourceSpans.scopeSpans) for (const span of scope.spans ?? []) spans.push({ ...span, resource });
        }
      }
      response.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    spans,
    paths,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

type Receiver = Awaited<ReturnType<typeof startReceiver>>;

describe('OpenTelemetry tracing', () => {
  let server: TestServer | undefined;
  let receiver: Receiver | undefined;
  afterEach(async () => {
    await server?.close();
    await receiver?.close();
    server = undefined;
    receiver = undefined;
  });

  it('exports a server span per request, joined to the caller trace, with the stock gate as its child', async () => {
    receiver = await startReceiver();
    server = await startTestServer('memory', { OTEL_EXPORTER_OTLP_ENDPOINT: `${receiver.url}/` });
    const [buyer] = await createUsers(server, 1);
    const product = await createStockedProduct(server, { units: 2 });
    const callerTraceId = randomBytes(16).toString('hex');
    const callerSpanId = randomBytes(8).toString('hex');

    const placed = await client(server.url).post(
      '/api/orders',
      { productId: product.id, quantity: 1 },
      { token: buyer!.token, headers: { traceparent: `00-${callerTraceId}-${callerSpanId}-01` } },
    );
    expect(placed.status).toBe(202);
    const missing = await client(server.url).get(`/api/orders/${randomBytes(8).toString('hex')}`, { token: buyer!.token });
    // Stopping flushes the batch still buffered.
    await server.close();
    server = undefined;

    expect(receiver.paths.every((path) => path === 'POST /v1/traces')).toBe(true);
    const request = receiver.spans.find((span) => span.name === 'POST /api/orders');
    expect(request).toBeDefined();
    expect(request!.kind).toBe(SPAN_KIND_SERVER);
    expect(request!.traceId).toBe(callerTraceId);
    expect(request!.parentSpanId).toBe(callerSpanId);
    expect(attributesOf(request!.attributes)).toMatchObject({
      'http.request.method': 'POST',
      'http.route': '/api/orders',
      'http.response.status_code': 202,
    });
    expect(request!.status?.code).not.toBe(STATUS_ERROR);
    expect(request!.resource).toMatchObject({ 'service.name': 'limitedcart', 'limitedcart.roles': expect.stringContaining('api') });

    const reserve = receiver.spans.find((span) => span.name === 'stockGate.reserve' && span.traceId === callerTraceId);
    expect(reserve).toBeDefined();
    expect(reserve!.parentSpanId).toBe(request!.spanId);
    expect(attributesOf(reserve!.attributes)).toMatchObject({ 'limitedcart.sku': product.sku, 'limitedcart.result': 'reserved' });

    // A request without a caller trace starts its own, named by the route pattern rather than the raw path.
    const lookup = receiver.spans.find((span) => span.name === 'GET /api/orders/:id');
    expect(lookup).toBeDefined();
    expect(lookup!.traceId).not.toBe(callerTraceId);
    expect(lookup!.parentSpanId ?? '').toBe('');
    expect(attributesOf(lookup!.attributes)['http.response.status_code']).toBe(missing.status);
  }, 30_000);

  it('sends nothing when no endpoint is configured', async () => {
    receiver = await startReceiver();
    const tracing = startTracing({ endpoint: undefined, serviceName: 'limitedcart', roles: ['api'], logger: createSilentLogger() });
    expect(tracing.enabled).toBe(false);
    expect(tracing.tracer.startSpan('probe').isRecording()).toBe(false);

    // The SDK's own environment fallback must not switch tracing on: the server's configuration decides.
    const previous = process.env.OTEL_EXPORTER_OTLP_ENDPOINT;
    process.env.OTEL_EXPORTER_OTLP_ENDPOINT = receiver.url;
    try {
      server = await startTestServer('memory');
      const [buyer] = await createUsers(server, 1);
      const product = await createStockedProduct(server, { units: 1 });
      const placed = await client(server.url).post('/api/orders', { productId: product.id, quantity: 1 }, { token: buyer!.token });
      expect(placed.status).toBe(202);
      await server.close();
      server = undefined;
    } finally {
      if (previous === undefined) delete process.env.OTEL_EXPORTER_OTLP_ENDPOINT;
      else process.env.OTEL_EXPORTER_OTLP_ENDPOINT = previous;
    }
    expect(receiver.paths).toEqual([]);
  }, 30_000);
});
