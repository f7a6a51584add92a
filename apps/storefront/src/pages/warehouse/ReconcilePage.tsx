import { Alert, Badge, Button, Group, Loader, Stack, Table, Text, Title } from '@mantine/core';
import { useState } from 'react';
import { inventory } from '../../api/endpoints.js';
import type { ReconcileReport, StockLevel } from '../../api/types.js';
import { ErrorAlert } from '../../components/ErrorAlert.js';
import { ScrollHint } from '../../components/ScrollHint.js';
import { useAction } from '../../hooks/use-action.js';
import { useResource } from '../../hooks/use-resource.js';

const triple = (level: StockLevel | null) => (level ? `${level.available} / ${level.held} / ${level.sold}` : '—');

/** Gate-vs-ledger drift per SKU, with a repair that rebuilds the admission gate from the ledger. */
export function ReconcilePage() {
  const report = useResource(() => inventory.reconcile(), []);
  // The report speaks in SKUs; the stock lines say which product each SKU is.
  const lines = useResource(() => inventory.stock(), []);
  const nameOf = new Map((lines.data?.items ?? []).map((line) => [line.sku, line.name]));
  const [repaired, setRepaired] = useState<ReconcileReport | null>(null);
  const repair = useAction();

  const runRepair = () =>
    repair.run(async () => {
      setRepaired(await inventory.repair());
      await report.reload();
    });

  const data = report.data;
  return (
    <Stack gap="md">
      <Group justify="space-between">
        <Title order={1}>Reconcile</Title>
        <Group>
          <Button variant="default" onClick={() => void report.reload()}>
            Check again
          </Button>
          <Button color="orange" onClick={runRepair} loading={repair.pending} disabled={!data}>
            Repair drift
          </Button>
        </Group>
      </Group>
      <Text size="sm" c="dimmed">
        Compares the admission gate with the stock ledger (available / held / sold). Repair rebuilds the gate from the ledger.
      </Text>
      <ErrorAlert error={report.error ?? repair.error} title="Reconcile failed" />
      {repaired && (
        <Alert color="green" title="Repair done" data-testid="repair-result">
          {repaired.skus.filter((sku) => !sku.inSync).length} SKU(s) were out of sync before the repair.
        </Alert>
      )}
      {!data ? (
        <Loader aria-label="Loading reconcile report" />
      ) : (
        <>
          <Alert color={data.inSync ? 'green' : 'red'} title={data.inSync ? 'In sync' : 'Drift found'} data-testid="reconcile-state">
            Mode: {data.mode === 'tiered' ? 'admission gate in front of the ledger' : 'ledger only'}; {data.skus.length} SKU(s) checked.
          </Alert>
          <ScrollHint />
          <Table.ScrollContainer minWidth={700}>
            <Table striped data-testid="reconcile-table">
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>Product (SKU)</Table.Th>
                  <Table.Th>State</Table.Th>
                  <Table.Th>Ledger (avail / held / sold)</Table.Th>
                  <Table.Th>Gate (avail / held / sold)</Table.Th>
                  <Table.Th>Delta</Table.Th>
                  <Table.Th ta="right">Hold mismatches</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {data.skus.map((sku) => (
                  <Table.Tr key={sku.sku}>
                    <Table.Td>
                      <Text size="sm">{nameOf.get(sku.sku) ?? 'Unknown product'}</Text>
                      <Text size="xs" c="dimmed" ff="monospace">
                        {sku.sku}
                      </Text>
                    </Table.Td>
                    <Table.Td>
                      <Badge color={sku.inSync ? 'green' : 'red'}>{sku.inSync ? 'in sync' : 'drift'}</Badge>
                    </Table.Td>
                    <Table.Td ff="monospace">{triple(sku.ledger)}</Table.Td>
                    <Table.Td ff="monospace">{triple(sku.admit)}</Table.Td>
                    <Table.Td ff="monospace">{triple(sku.delta)}</Table.Td>
                    <Table.Td ta="right">{sku.holdMismatches}</Table.Td>
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
