import { appendFile, readFile } from 'node:fs/promises';
import { randomUUID } from 'node:crypto';
import { isLimitedCartError, type ReserveRequest } from '@limitedcart/core';
import { assertStockInvariant } from '@limitedcart/core/testing';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  createFileLedgerLog,
  createLedgerStockGate,
  createMemoryLedgerLog,
  type LedgerEvent,
  type LedgerLog,
  project,
} from '../src/index.js';
import { tempDir } from './temp-dir.js';

const DAY_MS = 86_400_000;
const reserve = (sku: string, overrides: Partial<ReserveRequest> = {}): ReserveRequest => ({
  sku,
  qty: 1,
  orderId: `order-${randomUUID()}`,
  customerId: `customer-${randomUUID()}`,
  limitPerCustomer: 0,
  holdUntil: new Date(Date.now() + DAY_MS),
  ...overrides,
});

describe('ledger gate on a file', () => {
  let dir: Awaited<ReturnType<typeof tempDir>>;
  let file: string;
  beforeEach(async () => {
    dir = await tempDir('ledger');
    file = dir.path('stock.jsonl');
  });
  afterEach(async () => {
    await dir.remove();
  });

  const openGate = () => createLedgerStockGate({ log: createFileLedgerLog({ path: file }) });

  it('rebuilds counters, holds, limits and applied restocks from the file after a restart', async () => {
    const before = openGate();
    await before.restock('sku-a', 10, 'op-1');
    const kept = reserve('sku-a', { customerId: 'ann', limitPerCustomer: 2, qty: 2 });
    const sold = reserve('sku-a', { qty: 3 });
    const dropped = reserve('sku-a', { qty: 1 });
    for (const request of [kept, sold, dropped]) expect(await before.reserve(request)).toEqual({ ok: true });
    await before.commit(sold.orderId);
    await before.release(dropped.orderId);
    const snapshotBefore = await before.snapshot('sku-a');
    await before.close();

    const after = openGate();
    expect(await after.snapshot('sku-a')).toEqual(snapshotBefore);
    expect(snapshotBefore).toEqual({ sku: 'sku-a', available: 5, held: 2, sold: 3, restockedTotal: 10 });
    expect(await after.holdState(kept.orderId)).toBe('HELD');
    expect(await after.holdState(sold.orderId)).toBe('COMMITTED');
    expect(await after.holdState(dropped.orderId)).toBe('RELEASED');
    // Idempotency and limits survive too: the same restock op and the same order change nothing,
    // and Ann's two held units still count against her limit.
    expect((await after.restock('sku-a', 10, 'op-1')).applied).toBe(false);
    expect(await after.reserve(kept)).toEqual({ ok: true });
    expect(await after.reserve(reserve('sku-a', { customerId: 'ann', limitPerCustomer: 2 }))).toEqual({
      ok: false,
      reason: 'LIMIT_EXCEEDED',
    });
    expect(await after.snapshot('sku-a')).toEqual(snapshotBefore);
    await after.close();
  });

  it('drops a write a crash cut short and appends cleanly after it', async () => {
    const first = openGate();
    await first.restock('sku-b', 4, 'op-b');
    await first.close();
    await appendFile(file, '{"type":"reserved","orderId":"torn');

    const second = openGate();
    expect(await second.snapshot('sku-b')).toEqual({ sku: 'sku-b', available: 4, held: 0, sold: 0, restockedTotal: 4 });
    expect(await second.reserve(reserve('sku-b'))).toEqual({ ok: true });
    await second.close();
    const lines = (await readFile(file, 'utf8')).trimEnd().split('\n');
    expect(lines.map((line) => (JSON.parse(line) as LedgerEvent).type)).toEqual(['restocked', 'reserved']);
  });

  it('refuses to open a log with a corrupt line in the middle', async () => {
    await appendFile(file, 'not json\n{"type":"restocked","sku":"s","qty":1,"opId":"o","at":0}\n');
    const gate = openGate();
    await expect(gate.snapshot('s')).rejects.toThrow(/stock\.jsonl:1 is not a ledger event/);
    expect((await gate.health()).ok).toBe(false);
    await gate.close();
  });
});

describe('ledger gate internals', () => {
  it('derives exactly the live counters when the log is replayed after a storm', async () => {
    const log = createMemoryLedgerLog();
    const gate = createLedgerStockGate({ log });
    await gate.restock('sku-s', 40, 'op-s');
    const past = new Date(Date.now() - 1_000);
    await Promise.all(
      Array.from({ length: 80 }, async (_, i) => {
        const request = reserve('sku-s', { qty: 1 + (i % 2), holdUntil: i % 4 === 0 ? past : new Date(Date.now() + DAY_MS) });
        if (!(await gate.reserve(request)).ok) return;
        if (i % 3 === 0) await gate.commit(request.orderId);
        if (i % 3 === 1) await gate.release(request.orderId);
      }),
    );
    await gate.expire();
    const live = await gate.snapshot('sku-s');
    assertStockInvariant(live);
    expect(project(log.events()).snapshot('sku-s')).toEqual(live);
    expect(await gate.audit()).toEqual({ skus: 1, mismatches: [] });
    // Every change is a fact in the log: the released holds are there with their cause.
    const causes = new Set(log.events().flatMap((event) => (event.type === 'released' ? [event.cause] : [])));
    expect(causes).toEqual(new Set(['release', 'expired']));
    await gate.close();
  });

  it('does no IO until first use and reports itself in health', async () => {
    let reads = 0;
    const inner = createMemoryLedgerLog();
    const log: LedgerLog = {
      ...inner,
      readAll: () => {
        reads += 1;
        return inner.readAll();
      },
    };
    const gate = createLedgerStockGate({ log, name: 'my-gate' });
    expect(reads).toBe(0);
    expect(await gate.health()).toEqual({ name: 'my-gate', ok: true, detail: '0 SKUs, 0 open holds' });
    await gate.snapshot('x');
    expect(reads).toBe(1);
    await gate.close();
    expect((await gate.health()).ok).toBe(false);
    await expect(gate.snapshot('x')).rejects.toSatisfy((error) => isLimitedCartError(error, 'INFRASTRUCTURE'));
  });

  it('answers no command whose events did not reach the log, and stops writing after a failed append', async () => {
    const inner = createMemoryLedgerLog();
    let failNext = false;
    const log: LedgerLog = {
      ...inner,
      append: async (events) => {
        if (failNext) throw new Error('disk full');
        await inner.append(events);
      },
    };
    const gate = createLedgerStockGate({ log });
    await gate.restock('sku-f', 5, 'op-f');
    failNext = true;
    const request = reserve('sku-f');
    await expect(gate.reserve(request)).rejects.toSatisfy((error) => isLimitedCartError(error, 'INFRASTRUCTURE'));
    // The failed reservation left no trace in the counters.
    expect(await gate.snapshot('sku-f')).toEqual({ sku: 'sku-f', available: 5, held: 0, sold: 0, restockedTotal: 5 });
    failNext = false;
    await expect(gate.reserve(reserve('sku-f'))).rejects.toThrow(/lost a write/);
    expect((await gate.health()).ok).toBe(false);
    await gate.close();
  });
});
