import { type ApiClient, pollUntil } from './api-client.js';
import { countOverTime } from './order-times.js';

export interface StockLine {
  readonly productId: string;
  readonly available: number;
  readonly held: number;
  readonly sold: number;
  readonly restockedTotal: number;
}

export interface Check {
  readonly name: string;
  readonly ok: boolean;
  readonly detail: string;
}

export interface Verification {
  /** Every accepted order reached PAYMENT_PENDING within the drain timeout. */
  readonly drained: boolean;
  /**
   * ms from the last 202 until the last accepted order was written PAYMENT_PENDING (null: not within the
   * timeout). From the order rows when the run can read them, else as seen by polling.
   */
  readonly drainMs: number | null;
  /** ms from the last 202 until polling, which starts after the firing, saw every accepted order PAYMENT_PENDING. */
  readonly drainSeenMs: number | null;
  /** Accepted orders already PAYMENT_PENDING when the firing ended (null: the rows could not be read). */
  readonly paymentPendingAtFiringEnd: number | null;
  /** Orders written PAYMENT_PENDING per `SAGA_BUCKET_MS` from the firing's start: how the sagas kept up. */
  readonly paymentPendingOverTime: readonly number[] | null;
  /** Orders of the drop product in the database, any status. */
  readonly ordersInDatabase: number;
  readonly paymentPending: number;
  readonly stock: StockLine | null;
  readonly oversold: number;
  /** null when the run ended before every shopper was answered (undersold is then not decidable). */
  readonly undersold: number | null;
  /** Up to 20 accepted orders that did not reach PAYMENT_PENDING in time, with their status. */
  readonly stragglers: readonly { readonly id: string; readonly status: string; readonly createdAt: string }[];
  /** The tiered gate's drift report: `inSync` of the admission gate vs the ledger, when there is one. */
  readonly gateInSync: boolean | null;
  readonly checks: readonly Check[];
  readonly ok: boolean;
}

export interface VerifyInput {
  readonly api: ApiClient;
  readonly adminToken: string;
  readonly productId: string;
  readonly units: number;
  readonly shoppers: number;
  /** Distinct order ids answered 202. */
  readonly accepted: number;
  readonly everyShopperAnswered: boolean;
  readonly lastAcceptAt: number | null;
  readonly drainTimeoutMs: number;
  /** The firing's first send and last answer (epoch ms). */
  readonly firing: { readonly startedAt: number; readonly endedAt: number };
  /** When each order of the product was written PAYMENT_PENDING (epoch ms, ascending), read from the database. */
  readonly paymentPendingWrites?: () => Promise<number[]>;
}

export const SAGA_BUCKET_MS = 500;

interface Page {
  total: number;
  items?: { id: string; status: string; createdAt: string }[];
}

/**
 * After the firing: waits for the sagas to move every accepted order to PAYMENT_PENDING, then checks the
 * drop against the database: accepted == min(units, shoppers), every 202 is an order row, and the stock
 * snapshot balances (sold + held == accepted, restocked == available + held + sold).
 */
export async function verifyDrop(input: VerifyInput): Promise<Verification> {
  const { api, adminToken: token, productId } = input;
  const count = async (status?: string) => {
    const query = new URLSearchParams({ productId, size: '1', ...(status ? { status } : {}) });
    return (await api.call<Page>('GET', `/api/admin/orders?${query}`, { token })).body.total;
  };

  let paymentPending = 0;
  const drained = await pollUntil(
    async () => {
      paymentPending = await count('PAYMENT_PENDING');
      return paymentPending >= input.accepted;
    },
    { timeoutMs: input.drainTimeoutMs, intervalMs: 50 },
  );
  const sinceLastAccept = (at: number) => Math.round(Math.max(0, at - (input.lastAcceptAt ?? at)));
  const drainSeenMs = drained ? sinceLastAccept(Date.now()) : null;
  const writes = input.paymentPendingWrites ? await input.paymentPendingWrites() : null;
  const lastWrite = writes?.at(-1);
  const drainMs = drained && lastWrite !== undefined ? sinceLastAccept(lastWrite) : drainSeenMs;
  const ordersInDatabase = await count();
  const stragglers = drained
    ? []
    : (
        await api.call<Page>('GET', `/api/admin/orders?${new URLSearchParams({ productId, status: 'PENDING', size: '20' })}`, { token })
      ).body.items?.map(({ id, status, createdAt }) => ({ id, status, createdAt })) ?? [];
  const stockBody = await api.call<{ items: StockLine[] }>('GET', `/api/inventory/stock?productId=${encodeURIComponent(productId)}`, {
    token,
  });
  const stock = stockBody.body.items.find((line) => line.productId === productId) ?? null;
  const reconcile = await api
    .call<{ mode: string; inSync: boolean }>('GET', '/api/inventory/reconcile', { token })
    .then((response) => (response.body.mode === 'tiered' ? response.body.inSync : null))
    .catch(() => null);

  const expected = Math.min(input.units, input.shoppers);
  const oversold = Math.max(0, input.accepted - input.units, stock ? stock.sold + stock.held - stock.restockedTotal : 0);
  const undersold = input.everyShopperAnswered ? Math.max(0, expected - input.accepted) : null;
  const checks: Check[] = [
    { name: 'no oversell', ok: oversold === 0, detail: `accepted ${input.accepted} of ${input.units} units` },
    {
      name: 'no undersell',
      // Not decidable when the firing time ran out first; --quick fails on unanswered shoppers instead.
      ok: undersold === null || undersold === 0,
      detail: undersold === null ? 'not checked: not every shopper was answered within --duration' : `accepted ${input.accepted}, expected ${expected}`,
    },
    { name: 'every 202 is an order row', ok: ordersInDatabase === input.accepted, detail: `${ordersInDatabase} orders in the database` },
    {
      name: 'every accepted order PAYMENT_PENDING',
      ok: drained,
      detail: drained
        ? `after ${drainMs} ms`
        : `${paymentPending} of ${input.accepted} within ${input.drainTimeoutMs} ms; still PENDING: ${stragglers.map((order) => order.id).join(', ') || 'none'}`,
    },
  ];
  if (stock) {
    checks.push(
      {
        name: 'sold + held == accepted',
        ok: stock.sold + stock.held === input.accepted,
        detail: `sold ${stock.sold} + held ${stock.held}`,
      },
      {
        name: 'restocked == available + held + sold',
        ok: stock.restockedTotal === stock.available + stock.held + stock.sold && stock.restockedTotal === input.units,
        detail: `restocked ${stock.restockedTotal} = ${stock.available} + ${stock.held} + ${stock.sold}`,
      },
    );
  } else checks.push({ name: 'stock snapshot', ok: false, detail: 'the product has no stock line' });
  if (reconcile !== null) checks.push({ name: 'admission gate in sync with the ledger', ok: reconcile, detail: 'GET /api/inventory/reconcile' });

  return {
    drained,
    drainMs,
    drainSeenMs,
    paymentPendingAtFiringEnd: writes ? writes.filter((at) => at <= input.firing.endedAt).length : null,
    paymentPendingOverTime: writes ? countOverTime(writes, input.firing.startedAt, SAGA_BUCKET_MS) : null,
    ordersInDatabase,
    paymentPending,
    stragglers,
    stock,
    oversold,
    undersold,
    gateInSync: reconcile,
    checks,
    ok: checks.every((check) => check.ok),
  };
}
