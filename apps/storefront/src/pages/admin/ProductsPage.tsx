import { Badge, Button, Group, Loader, Modal, Stack, Table, Text, Title } from '@mantine/core';
import { useEffect, useState } from 'react';
import { inventory, products } from '../../api/endpoints.js';
import type { Product, ProductFields } from '../../api/types.js';
import { ErrorAlert } from '../../components/ErrorAlert.js';
import { ScrollHint } from '../../components/ScrollHint.js';
import { formatDateTime, formatMoney } from '../../components/format.js';
import { newIdempotencyKey } from '../../hooks/idempotency-key.js';
import { useResource } from '../../hooks/use-resource.js';
import { useSession } from '../../session/session.js';
import { ProductForm } from './ProductForm.js';
import { QueuePanel } from './QueuePanel.js';

type Editing = { mode: 'create' } | { mode: 'edit'; product: Product } | { mode: 'queue'; product: Product } | null;

/** Product management: create, edit (price, limit, sale start, active) and archive. */
export function ProductsPage() {
  const { hasRole } = useSession();
  const list = useResource(() => products.list({ size: 100, includeInactive: true }), []);
  const [editing, setEditing] = useState<Editing>(null);
  const [error, setError] = useState<unknown>(null);
  const [notice, setNotice] = useState<string | null>(null);

  // While the dialog is open the page behind it is inert: not focusable, not read, not part of the page's contrast.
  const dialogOpen = editing !== null;
  useEffect(() => {
    const root = document.getElementById('root');
    if (!dialogOpen || !root) return;
    root.inert = true;
    return () => {
      root.inert = false;
    };
  }, [dialogOpen]);

  const archive = async (product: Product) => {
    if (!window.confirm(`Archive “${product.name}”? It leaves the shop; its orders stay.`)) return;
    setError(null);
    try {
      await products.archive(product.id);
      await list.reload();
    } catch (caught) {
      setError(caught);
    }
  };

  const save = async (fields: ProductFields, initialStock: number) => {
    setNotice(null);
    if (editing?.mode === 'edit') {
      await products.update(editing.product.id, fields);
    } else {
      // The API creates a product without stock; its first units are a restock, sent right after.
      const { product } = await products.create(fields);
      if (initialStock > 0) {
        try {
          await inventory.restock(product.id, initialStock, newIdempotencyKey());
          setNotice(`${product.name} created with ${initialStock} units on sale.`);
        } catch (caught) {
          setError(caught);
          setNotice(`${product.name} was created, but its ${initialStock} units were not added: add them on the Stock page.`);
        }
      } else {
        setNotice(`${product.name} created, with no stock yet.`);
      }
    }
    setEditing(null);
    await list.reload();
  };

  return (
    <Stack gap="md">
      <Group justify="space-between">
        <Title order={1}>Products</Title>
        <Button onClick={() => setEditing({ mode: 'create' })}>New product</Button>
      </Group>
      <div aria-live="polite">
        {notice && (
          <Text size="sm" c="green.9" data-testid="products-notice">
            {notice}
          </Text>
        )}
      </div>
      <ErrorAlert error={list.error ?? error} />
      {!list.data ? (
        <Loader aria-label="Loading products" />
      ) : (
        <>
          <ScrollHint />
          <Table.ScrollContainer minWidth={820}>
            <Table striped highlightOnHover data-testid="products-table">
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>Name</Table.Th>
                  <Table.Th>Price</Table.Th>
                  <Table.Th>Limit</Table.Th>
                  <Table.Th>Sale starts</Table.Th>
                  <Table.Th>State</Table.Th>
                  <Table.Th>Actions</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {list.data.items.map((product) => (
                  <Table.Tr key={product.id}>
                    <Table.Td>{product.name}</Table.Td>
                    <Table.Td>{formatMoney(product.price)}</Table.Td>
                    <Table.Td>{product.maxQuantityPerCustomer || 'none'}</Table.Td>
                    <Table.Td>{product.saleStartsAt ? formatDateTime(product.saleStartsAt) : <Text c="dimmed" size="sm" span>
                          now
                        </Text>}</Table.Td>
                    <Table.Td>
                      <Badge color={product.archived ? 'gray' : product.active ? 'green' : 'yellow'} variant="light">
                        {product.archived ? 'archived' : product.active ? 'active' : 'inactive'}
                      </Badge>
                    </Table.Td>
                    <Table.Td>
                      <Group gap="xs" wrap="nowrap">
                        <Button size="xs" variant="default" onClick={() => setEditing({ mode: 'edit', product })} aria-label={`Edit ${product.name}`}>
                          Edit
                        </Button>
                        {hasRole('ADMIN') && !product.archived && (
                          <Button size="xs" variant="default" onClick={() => setEditing({ mode: 'queue', product })} aria-label={`Waiting room of ${product.name}`}>
                            Waiting room
                          </Button>
                        )}
                        {hasRole('ADMIN') && !product.archived && (
                          <Button size="xs" color="red" variant="light" onClick={() => void archive(product)} aria-label={`Archive ${product.name}`}>
                            Archive
                          </Button>
                        )}
                      </Group>
                    </Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </Table.ScrollContainer>
        </>
      )}
      <Modal
        opened={editing !== null}
        onClose={() => setEditing(null)}
        title={editing?.mode === 'queue' ? `Waiting room: ${editing.product.name}` : editing?.mode === 'edit' ? 'Edit product' : 'New product'}
        size="lg"
      >
        {editing?.mode === 'queue' ? (
          <QueuePanel product={editing.product} />
        ) : editing && (
          <ProductForm
            key={editing.mode === 'edit' ? editing.product.id : 'new'}
            {...(editing.mode === 'edit' ? { product: editing.product } : {})}
            onSubmit={save}
            onCancel={() => setEditing(null)}
          />
        )}
      </Modal>
    </Stack>
  );
}
