import { Anchor, Card, Group, Stack, Table, Text } from '@mantine/core';
import { Link } from 'react-router';
import type { Order } from '../api/types.js';
import { useProductName } from '../hooks/use-product.js';
import { formatDateTime, formatMoney } from './format.js';
import { StatusBadge } from './StatusBadge.js';

/** An order in a list; staff lists carry the customer's email (null: the account was deleted). */
type ListedOrder = Order & { readonly customerEmail?: string | null };

/** Who placed the order, for staff: the email, or the account id's start when the account is gone. */
const customerOf = (order: ListedOrder): string => order.customerEmail ?? `deleted account ${order.customerId.slice(0, 8)}`;

function ProductName({ id }: { readonly id: string }) {
  return <>{useProductName(id)}</>;
}

const OrderLink = ({ order }: { readonly order: Order }) => (
  <Anchor component={Link} to={`/orders/${order.id}`} ff="monospace" fz="sm" aria-label={`Order ${order.id.slice(0, 8)}`}>
    {order.id.slice(0, 8)}
  </Anchor>
);

/** Phones: one card per order, every field in view (a seven-column table would hide its status off-screen). */
function OrderCards({ items, showCustomer }: { readonly items: readonly ListedOrder[]; readonly showCustomer: boolean }) {
  return (
    <Stack gap="xs" hiddenFrom="sm" data-testid="orders-cards" component="ul" style={{ listStyle: 'none', padding: 0, margin: 0 }}>
      {items.map((order) => (
        <Card key={order.id} withBorder padding="sm" component="li" data-testid="order-card">
          <Group justify="space-between" wrap="nowrap">
            <OrderLink order={order} />
            <StatusBadge status={order.status} />
          </Group>
          <Group justify="space-between" wrap="nowrap" mt={4}>
            <Text size="sm">
              {order.quantity} × <ProductName id={order.productId} />
            </Text>
            <Text size="sm" fw={600}>
              {formatMoney(order.total)}
            </Text>
          </Group>
          <Text size="xs" c="dimmed" mt={4} style={{ overflowWrap: 'anywhere' }}>
            {formatDateTime(order.createdAt)}
            {showCustomer ? ` · ${customerOf(order)}` : ''}
          </Text>
        </Card>
      ))}
    </Stack>
  );
}

/** Orders as a table (cards on phones); `showCustomer` adds the customer column for staff views. */
export function OrdersTable({ items, showCustomer = false }: { readonly items: readonly ListedOrder[]; readonly showCustomer?: boolean }) {
  if (items.length === 0) return <Text c="dimmed">No orders.</Text>;
  return (
    <>
      <OrderCards items={items} showCustomer={showCustomer} />
      <Table.ScrollContainer minWidth={640} visibleFrom="sm">
        <Table striped highlightOnHover data-testid="orders-table">
          <Table.Thead>
            <Table.Tr>
              <Table.Th>Order</Table.Th>
              <Table.Th>Product</Table.Th>
              {showCustomer && <Table.Th>Customer</Table.Th>}
              <Table.Th>Qty</Table.Th>
              <Table.Th>Total</Table.Th>
              <Table.Th>Status</Table.Th>
              <Table.Th>Placed</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {items.map((order) => (
              <Table.Tr key={order.id}>
                <Table.Td>
                  <OrderLink order={order} />
                </Table.Td>
                <Table.Td>
                  <ProductName id={order.productId} />
                </Table.Td>
                {showCustomer && (
                  <Table.Td fz="sm">{customerOf(order)}</Table.Td>
                )}
                <Table.Td>{order.quantity}</Table.Td>
                <Table.Td>{formatMoney(order.total)}</Table.Td>
                <Table.Td>
                  <StatusBadge status={order.status} />
                </Table.Td>
                <Table.Td>{formatDateTime(order.createdAt)}</Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      </Table.ScrollContainer>
    </>
  );
}
