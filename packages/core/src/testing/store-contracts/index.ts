import { describe } from 'vitest';
import type { StoreSet } from '../../ports/stores.js';
import { AUDIT_STORE_CASES, auditStoreCases } from './audit-store-contract.js';
import { type CaseRegistry, type ContractOptions, describeKit, useTarget } from './cases.js';
import { CUSTOMER_STORE_CASES, customerStoreCases } from './customer-store-contract.js';
import type { MakeStores } from './fixtures.js';
import { IDEMPOTENCY_STORE_CASES, idempotencyStoreCases } from './idempotency-store-contract.js';
import { ORDER_STORE_CASES, orderStoreCases } from './order-store-contract.js';
import { OUTBOX_STORE_CASES, outboxStoreCases } from './outbox-store-contract.js';
import { PAYMENT_STORE_CASES, paymentStoreCases } from './payment-store-contract.js';
import { PROCESSED_EVENT_STORE_CASES, processedEventStoreCases } from './processed-event-store-contract.js';
import { PRODUCT_STORE_CASES, productStoreCases } from './product-store-contract.js';
import { UNIT_OF_WORK_CASES, unitOfWorkCases } from './unit-of-work-contract.js';

export * from './audit-store-contract.js';
export { CaseRegistry, type ContractOptions, describeKit, useTarget } from './cases.js';
export * from './customer-store-contract.js';
export {
  claimUntilSeen,
  type MakeStores,
  newCustomerInput,
  newEvent,
  newOrderInput,
  newPaymentInput,
  newProductInput,
  type StoreKitTarget,
  uniqueTag,
} from './fixtures.js';
export * from './idempotency-store-contract.js';
export * from './order-store-contract.js';
export * from './outbox-store-contract.js';
export * from './payment-store-contract.js';
export * from './processed-event-store-contract.js';
export * from './product-store-contract.js';
export * from './unit-of-work-contract.js';

/** Every case of every store kit: the keys `describeStoreContracts`' `options.skip` accepts. */
export const STORE_CONTRACT_CASES = [
  ...PRODUCT_STORE_CASES,
  ...CUSTOMER_STORE_CASES,
  ...ORDER_STORE_CASES,
  ...PAYMENT_STORE_CASES,
  ...IDEMPOTENCY_STORE_CASES,
  ...OUTBOX_STORE_CASES,
  ...PROCESSED_EVENT_STORE_CASES,
  ...UNIT_OF_WORK_CASES,
  ...AUDIT_STORE_CASES,
] as const;

export type StoreContractCase = (typeof STORE_CONTRACT_CASES)[number];

const STORE_SUITES: readonly [string, (stores: () => StoreSet, registry: CaseRegistry<StoreContractCase>) => void][] = [
  ['ProductStore', productStoreCases],
  ['CustomerStore', customerStoreCases],
  ['OrderStore', orderStoreCases],
  ['PaymentStore', paymentStoreCases],
  ['IdempotencyStore', idempotencyStoreCases],
  ['OutboxStore', outboxStoreCases],
  ['ProcessedEventStore', processedEventStoreCases],
  ['UnitOfWork', unitOfWorkCases],
  ['AuditStore', auditStoreCases],
];

/**
 * Every store kit against one backend. `make` runs once per store's block (so nine times); tests isolate
 * their data with fresh ids, emails and scopes, so one database may serve all blocks. `options.skip` names
 * cases of any store.
 */
export function describeStoreContracts(
  name: string,
  make: MakeStores,
  options?: ContractOptions<StoreContractCase>,
): void {
  describeKit(STORE_CONTRACT_CASES, `store contracts (${name})`, options, (registry) => {
    for (const [store, cases] of STORE_SUITES) {
      describe(store, () => {
        const target = useTarget(make);
        cases(() => target().stores, registry);
      });
    }
  });
}
