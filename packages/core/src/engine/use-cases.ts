import type { DomainEvent } from '../domain/events.js';
import type { Order } from '../domain/order.js';
import type { Product } from '../domain/product.js';
import type { RestockResult } from '../ports/stock-gate.js';
import type { Page } from '../ports/stores.js';
import { archiveProduct, type ArchiveProductInput } from '../use-cases/archive-product.js';
import { cancelOrder, type CancelOrderInput, type CancelOrderResult } from '../use-cases/cancel-order.js';
import { createProduct } from '../use-cases/create-product.js';
import { expireHolds, type ExpireHoldsResult } from '../use-cases/expire-holds.js';
import { getOrder, type GetOrderInput } from '../use-cases/get-order.js';
import { getStockSummary, type StockSummaryLine } from '../use-cases/get-stock-summary.js';
import {
  handlePaymentResult,
  type PaymentResultInput,
  type PaymentResultOutcome,
} from '../use-cases/handle-payment-result.js';
import {
  initiatePayment,
  type InitiatePaymentInput,
  type InitiatePaymentResult,
} from '../use-cases/initiate-payment.js';
import { listOrders, type ListOrdersInput } from '../use-cases/list-orders.js';
import { placeOrder, type PlaceOrderInput, type PlaceOrderResult } from '../use-cases/place-order.js';
import type { CorePorts } from '../ports/core-ports.js';
import type { ProductInput } from '../use-cases/product-input.js';
import { reindexSearch } from '../use-cases/reindex-search.js';
import { restock, type RestockInput } from '../use-cases/restock.js';
import { type ProductHit, searchProducts, type SearchProductsInput } from '../use-cases/search-products.js';
import { startSagaForPlacedOrder, type StartSagaResult } from '../use-cases/start-saga-for-placed-order.js';
import { createSagaHeadStart } from '../use-cases/saga-head-start.js';
import { updateProduct, type UpdateProductInput } from '../use-cases/update-product.js';
import type { EngineConfig } from './config.js';

/** Every use case bound to the engine's ports and config: call them with their input only. */
export interface EngineUseCases {
  placeOrder(input: PlaceOrderInput): Promise<PlaceOrderResult>;
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
