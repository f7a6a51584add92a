import { Group, Loader, Select, Stack, TextInput, Title } from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import { useState } from 'react';
import { admin, products } from '../../api/endpoints.js';
import { ORDER_STATUSES, type OrderStatus } from '../../api/types.js';
import { ErrorAlert } from '../../components/ErrorAlert.js';
import { STATUS_LABEL } from '../../components/format.js';
import { OrdersTable } from '../../components/OrdersTable.js';
import { Pager } from '../../components/Pager.js';
import { useResource } from '../../hooks/use-resource.js';

const PAGE_SIZE = 25;

/** Every order, filtered by status, product and the customer's email (any part of it). */
export function AdminOrdersPage() {
  const [page, setPage] = useState(0);
  const [status, setStatus] = useState<OrderStatus | null>(null);
  const [productId, setProductId] = useState<string | null>(null);
  const [customer, setCustomer] = useState('');
  const [customerEmail] = useDebouncedValue(customer.trim(), 300);
  const catalogue = useResource(() => products.list({ size: 100, includeInactive: true }), []);
  const list = useResource(
    () =>
      admin.orders({
        page,
        size: PAGE_SIZE,
        ...(status ? { status } : {}),
        ...(productId ? { productId } : {}),
        ...(customerEmail ? { customerEmail } : {}),
      }),
    [page, status, productId, customerEmail],
    5_000,
  );
  const filter = <T,>(set: (value: T) => void) => (value: T) => {
    setPage(0);
    set(value);
  };

  return (
    <Stack gap="md">
      <Title order={1}>All orders</Title>
      <Group align="flex-end">
        <Select
          label="Status"
          placeholder="Any status"
          clearable
          data={ORDER_STATUSES.map((value) => ({ value, label: STATUS_LABEL[value] }))}
          value={status}
          onChange={filter((value) => setStatus(value as OrderStatus | null))}
          w={200}
        />
        <Select
          label="Product"
          placeholder="Any product"
          clearable
          searchable
          data={(catalogue.data?.items ?? []).map((product) => ({ value: product.id, label: product.name }))}
          value={productId}
          onChange={filter(setProductId)}
          w={260}
        />
        <TextInput
          label="Customer email"
          description="Any part of the address"
          placeholder="alice@example.com"
          type="search"
          maxLength={254}
          value={customer}
          onChange={(e) => filter(setCustomer)(e.currentTarget.value)}
          w={300}
          data-testid="order-customer-search"
        />
      </Group>
      <ErrorAlert error={list.error} />
      {!list.data ? (
        <Loader aria-label="Loading orders" />
      ) : (
        <>
          <OrdersTable items={list.data.items} showCustomer />
          <Pager page={page} size={PAGE_SIZE} total={list.data.total} onChange={setPage} />
        </>
      )}
    </Stack>
  );
}
