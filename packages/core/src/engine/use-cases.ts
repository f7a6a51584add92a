import type { DomainEvent } from '../domain/events.js';
import type { Order } from '../domain/order.js';
import type { Product } from '../domain/product.js';
import type { CorePorts } from '../ports/core-ports.js';
import type { RestockResult } from '../ports/stock-gate.js';
import type { Page } from '../ports/stores.js';
import { type ArchiveProductInput, archiveProduct } from '../use-cases/archive-product.js';
import { type CancelOrderInput, type CancelOrderResult, cancelOrder } from '../use-cases/cancel-order.js';
import { createProduct } from '../use-cases/create-product.js';
import { type ExpireHoldsResult, expireHolds } from '../use-cases/expire-holds.js';
import { type GetOrderInput, getOrder } from '../use-cases/get-order.js';
import { getStockSummary, type StockSummaryLine } from '../use-cases/get-stock-summary.js';
import {
  handlePaymentResult,
  type PaymentResultInput,
  type PaymentResultOutcome,
} from '../use-cases/handle-payment-result.js';
import {
  type InitiatePaymentInput,
  type InitiatePaymentResult,
  initiatePayment,
} from '../use-cases/initiate-payment.js';
import { type ListOrdersInput, listOrders } from '../use-cases/list-orders.js';
import { type PlaceOrderInput, type PlaceOrderRejection, type PlaceOrderResult, placeOrder, precheckOrder } from '../use-cases/place-order.js';
import type { ProductInput } from '../use-cases/product-input.js';
import { reindexSearch } from '../use-cases/reindex-search.js';
import { type RestockInput, restock } from '../use-cases/restock.js';
import { createSagaHeadStart } from '../use-cases/saga-head-start.js';
import { type ProductHit, type SearchProductsInput, searchProducts } from '../use-cases/search-products.js';
import { type StartSagaResult, startSagaForPlacedOrder } from '../use-cases/start-saga-for-placed-order.js';
import { type UpdateProductInput, updateProduct } from '../use-cases/update-product.js';
import type { EngineConfig } from './config.js';

/** Every use case bound to the engine's ports and config: call them with their input only. */
export interface EngineUseCases {
  placeOrder(input: PlaceOrderInput): Promise<PlaceOrderResult>;
  /** A rejection of `placeOrder` known without writing anything, or null (see `precheckOrder`). */
  precheckOrder(input: PlaceOrderInput): Promise<PlaceOrderRejection | null>;
  cancelOrder(input: CancelOrderInput): Promise<CancelOrderResult>;
  getOrder(input: GetOrderInput): Promise<Order>;
  listOrders(input: ListOrdersInput): Promise<Page<Order>>;
  initiatePayment(input: InitiatePaymentInput): Promise<InitiatePaymentResult>;
  handlePaymentResult(input: PaymentResultInput): Promise<PaymentResultOutcome>;
  restock(input: RestockInput): Promise<RestockResult>;
  createProduct(input: ProductInput): Promise<Product>;
  updateProduct(input: UpdateProductInput): Promise<Product>;
  archiveProduct(input: ArchiveProductInput): Promise<Product>;
  searchProducts(input: SearchProductsInput): Promise<readonly ProductHit[]>;
  getStockSummary(productIds?: readonly string[]): Promise<readonly StockSummaryLine[]>;
  expireHolds(): Promise<ExpireHoldsResult>;
  startSagaForPlacedOrder(event: DomainEvent): Promise<StartSagaResult>;
  reindexSearch(): Promise<{ readonly indexed: number }>;
}

export function bindUseCases(ports: CorePorts, config: EngineConfig): EngineUseCases {
  const orderDeps = {
    ...ports,
    settings: {
      paymentWindowMs: config.paymentWindowMs,
      startSagaInline: config.startSagaInline,
      ...(!config.startSagaInline && config.sagaHeadStarts > 0
        ? { headStart: createSagaHeadStart(ports, config.sagaHeadStarts) }
        : {}),
    },
  };
  return Object.freeze({
    placeOrder: (input) => placeOrder(orderDeps, input),
    precheckOrder: (input) => precheckOrder(orderDeps, input),
    cancelOrder: (input) => cancelOrder(ports, input),
    getOrder: (input) => getOrder(ports, input),
    listOrders: (input) => listOrders(ports, input),
    initiatePayment: (input) => initiatePayment(ports, input),
    handlePaymentResult: (input) => handlePaymentResult(ports, input),
    restock: (input) => restock(ports, input),
    createProduct: (input) => createProduct(ports, input),
    updateProduct: (input) => updateProduct(ports, input),
    archiveProduct: (input) => archiveProduct(ports, input),
    searchProducts: (input) => searchProducts(ports, input),
    getStockSummary: (productIds) => getStockSummary(ports, productIds),
    expireHolds: () => expireHolds(ports),
    startSagaForPlacedOrder: (event) => startSagaForPlacedOrder(ports, event),
    reindexSearch: () => reindexSearch(ports),
  } satisfies EngineUseCases);
}
