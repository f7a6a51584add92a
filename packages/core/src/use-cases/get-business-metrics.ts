import type { Role } from '../domain/customer.js';
import type { Money } from '../domain/money.js';
import type { OrderStatus } from '../domain/order.js';
import type { CorePorts } from '../ports/core-ports.js';
import { getStockSummary } from './get-stock-summary.js';

export interface StockTotals {
  readonly available: number;
  readonly held: number;
  readonly sold: number;
  readonly restockedTotal: number;
}

export interface BusinessMetrics {
  readonly ordersByStatus: Record<OrderStatus, number>;
  readonly usersByRole: Record<Role, number>;
  /** Totals of CONFIRMED orders, one line per currency, largest first. */
  readonly confirmedRevenue: readonly Money[];
  /** Units over every product. */
  readonly stock: StockTotals;
}

/** Adds stock lines up: what `/api/inventory/summary` and the metrics report as totals. */
export const stockTotals = (lines: readonly StockTotals[]): StockTotals =>
  lines.reduce(
    (totals, line) => ({
      available: totals.available + line.available,
      held: totals.held + line.held,
      sold: totals.sold + line.sold,
      restockedTotal: totals.restockedTotal + line.restockedTotal,
    }),
    { available: 0, held: 0, sold: 0, restockedTotal: 0 },
  );

/** The figures an administrator watches during a drop: orders by status, revenue, stock, users. */
export async function getBusinessMetrics(deps: Pick<CorePorts, 'orders' | 'customers' | 'products' | 'stockGate'>): Promise<BusinessMetrics> {
  const [ordersByStatus, usersByRole, confirmedRevenue, lines] = await Promise.all([
    deps.orders.countByStatus(),
    deps.customers.countByRole(),
    deps.orders.confirmedRevenue(),
    getStockSummary(deps),
  ]);
  return { ordersByStatus, usersByRole, confirmedRevenue, stock: stockTotals(lines) };
}
