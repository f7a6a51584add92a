import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { verifySignature, WEBHOOK_HEADERS, type WebhookBody } from '../src/index.js';

export interface ReceivedRequest {
  readonly headers: IncomingHttpHeaders;
  readonly rawBody: string;
  /** What the receiver answered. */
  readonly status: number;
  readonly signatureOk: boolean;
}

export interface Receiver {
  readonly url: string;
  /** Every request, in arrival order, failed ones included. */
  readonly requests: ReceivedRequest[];
  /** Accepted deliveries, each delivery id once, in arrival order: what a real receiver would act on. */
  accepted(): WebhookBody[];
  close(): Promise<void>;
}

export interface ReceiverOptions {
  readonly secret: string;
  /** The status to answer request number `n` (0-based, across all requests) with; default 200. */
  readonly respond?: (n: number, headers: IncomingHttpHeaders) => number;
}

/**
 * A webhook receiver as an integrator would write it, on a real port: it verifies the signature over the
 * raw body (401 when wrong), answers as scripted, and dedupes accepted deliveries by delivery id.
 */
export async function startReceiver(options: ReceiverOptions): Promise<Receiver> {
  const requests: ReceivedRequest[] = [];
  const seen = new Set<string>();
  const accepted: WebhookBody[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const rawBody = Buffer.concat(chunks).toString('utf8');
      const signatureOk = verifySignature(options.secret, req.headers[WEBHOOK_HEADERS.signature] as string | undefined, rawBody).ok;
      const scripted = options.respond?.(requests.length, req.headers) ?? 200;
      const status = signatureOk ? scripted : 401;
      requests.push({ headers: req.headers, rawBody, status, signatureOk });
      const deliveryId = req.headers[WEBHOOK_HEADERS.deliveryId] as string;
      if (status === 200 && !seen.has(deliveryId)) {
        seen.add(deliveryId);
        accepted.push(JSON.parse(rawBody) as WebhookBody);
      }
      res.writeHead(status).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/hooks`,
    requests,
    accepted: () => [...accepted],
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
