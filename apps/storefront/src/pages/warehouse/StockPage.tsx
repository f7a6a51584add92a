import { Alert, Badge, Group, List, Loader, NumberInput, Stack, Table, Text, Title } from '@mantine/core';
import { useState } from 'react';
import { inventory } from '../../api/endpoints.js';
import type { StockLine } from '../../api/types.js';
import { ErrorAlert } from '../../components/ErrorAlert.js';
import { ScrollHint } from '../../components/ScrollHint.js';
import { formatCount, LIMITS } from '../../components/limits.js';
import { useResource } from '../../hooks/use-resource.js';
import { RestockForm } from './RestockForm.js';

const STOCK_POLL_MS = 2_000;

const isLow = (line: StockLine, threshold: number) => line.active && !line.archived && line.available <= threshold;

/** Warehouse stock: available / held / sold per product (live), restock, and low-stock alerts. */
export function StockPage() {
  const summary = useResource(() => inventory.summary(), [], STOCK_POLL_MS);
  const [threshold, setThreshold] = useState<number | string>(5);
  const [message, setMessage] = useState<string | null>(null);
  const [error, setError] = useState<unknown>(null);
  const lowAt = Number(threshold) || 0;
  const items = summary.data?.items ?? [];
  const low = items.filter((line) => isLow(line, lowAt));

  return (
    <Stack gap="md">
      <Title order={1}>Stock</Title>
      <Text size="sm" c="dimmed">
        A restock adds 1 to {formatCount(LIMITS.restockUnits.max)} units at a time and asks for confirmation first.
      </Text>
      <ErrorAlert error={summary.error} title="Could not load stock" />
      <Group align="flex-end">
        <NumberInput label="Low-stock threshold" min={0} value={threshold} onChange={setThreshold} w={180} />
        {summary.data && (
          <Text size="sm" c="dimmed" data-testid="stock-totals">
            Total: {summary.data.totals.available} available · {summary.data.totals.held} held · {summary.data.totals.sold} sold
          </Text>
        )}
      </Group>
      <div style={{ minHeight: 64 }}>
        {low.length > 0 ? (
          <Alert color="orange" title={`Low stock (${low.length})`} data-testid="low-stock-alert">
            <List size="sm">
              {low.map((line) => (
                <List.Item key={line.productId}>
                  {line.name}: {line.available} available
                </List.Item>
              ))}
            </List>
          </Alert>
        ) : (
          summary.data && (
            <Alert color="green" title="Stock levels OK">
              No product on sale is at or below {lowAt} available.
            </Alert>
          )
        )}
      </div>
      <div aria-live="polite" style={{ minHeight: 24 }}>
        {message && (
          <Text size="sm" c="green.9" data-testid="restock-message">
            {message}
          </Text>
        )}
      </div>
      <ErrorAlert error={error} title="Restock failed" />
      {!summary.data ? (
        <Loader aria-label="Loading stock" />
      ) : (
        <>
          <ScrollHint />
          <Table.ScrollContainer minWidth={760}>
            <Table striped highlightOnHover data-testid="stock-table">
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>Product</Table.Th>
                  <Table.Th ta="right">Available</Table.Th>
                  <Table.Th ta="right">Held</Table.Th>
                  <Table.Th ta="right">Sold</Table.Th>
                  <Table.Th ta="right">Restocked</Table.Th>
                  <Table.Th>Restock</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {items.map((line) => (
                  <Table.Tr key={line.productId} data-testid="stock-row" data-product={line.productId}>
                    <Table.Td>
                      <Group gap="xs" wrap="nowrap">
                        <Text size="sm">{line.name}</Text>
                        {line.archived ? (
                          <Badge size="xs" color="gray">
                            archived
                          </Badge>
                        ) : !line.active ? (
                          <Badge size="xs" color="gray">
                            inactive
                          </Badge>
                        ) : isLow(line, lowAt) ? (
                          <Badge size="xs" color="orange">
                            low
                          </Badge>
                        ) : null}
                      </Group>
                    </Table.Td>
                    <Table.Td ta="right" ff="monospace" data-testid="available">
                      {line.available}
                    </Table.Td>
                    <Table.Td ta="right" ff="monospace" data-testid="held">
                      {line.held}
                    </Table.Td>
                    <Table.Td ta="right" ff="monospace" data-testid="sold">
                      {line.sold}
                    </Table.Td>
                    <Table.Td ta="right" ff="monospace">
                      {line.restockedTotal}
                    </Table.Td>
                    <Table.Td>
                      <RestockForm
                        productId={line.productId}
                        productName={line.name}
                        available={line.available}
                        onDone={(result) => {
                          setError(null);
                          setMessage(
                            result.applied
                              ? `${line.name}: now ${result.stock.available} available.`
                              : `${line.name}: this restock was already applied.`,
                          );
                          void summary.reload();
                        }}
                        onError={(caught) => {
                          setMessage(null);
                          setError(caught);
                        }}
                      />
                    </Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </Table.ScrollContainer>
        </>
      )}
    </Stack>
  );
}
