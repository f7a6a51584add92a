import { Card, Group, Progress, Select, SimpleGrid, Stack, Text, Title } from '@mantine/core';
import { useEffect, useRef, useState } from 'react';
import { inventory, orderOutcomes, products } from '../../api/endpoints.js';
import { useResource } from '../../hooks/use-resource.js';
import { StatCard } from './StatCard.js';

const LIVE_POLL_MS = 1_000;

interface Sample {
  readonly at: number;
  readonly outcomes: Record<string, number>;
}

const sum = (values: Record<string, number>, keep: (key: string) => boolean) =>
  Object.entries(values).reduce((total, [key, value]) => (keep(key) ? total + value : total), 0);

/** Rate per second of a counter between two samples. */
const rate = (older: Sample | undefined, newer: Sample | undefined, keep: (key: string) => boolean): number => {
  if (!older || !newer || newer.at <= older.at) return 0;
  return Math.max(0, (sum(newer.outcomes, keep) - sum(older.outcomes, keep)) / ((newer.at - older.at) / 1000));
};

/** The current drop, live: one product's available / held / sold, and accepted and rejected orders per second. */
export function LiveDrop() {
  const catalogue = useResource(() => products.list({ size: 100 }), []);
  const [productId, setProductId] = useState<string | null>(null);
  const options = (catalogue.data?.items ?? []).map((product) => ({ value: product.id, label: product.name }));
  const selected = productId ?? options[0]?.value ?? null;
  const stock = useResource(async () => (selected ? (await inventory.stock([selected])).items[0] : undefined), [selected], LIVE_POLL_MS);
  const outcomes = useResource(() => orderOutcomes(), [], LIVE_POLL_MS);
  const samples = useRef<Sample[]>([]);
  const [rates, setRates] = useState({ accepted: 0, rejected: 0 });

  useEffect(() => {
    if (!outcomes.data) return;
    const recent = samples.current;
    recent.push({ at: Date.now(), outcomes: outcomes.data });
    // Rates over the last ~5 s smooth out polling jitter.
    while (recent.length > 6) recent.shift();
    setRates({
      accepted: rate(recent[0], recent.at(-1), (key) => key === 'accepted'),
      rejected: rate(recent[0], recent.at(-1), (key) => key !== 'accepted'),
    });
  }, [outcomes.data]);

  const line = stock.data;
  const total = line ? Math.max(1, line.restockedTotal) : 1;
  return (
    <Card withBorder radius="md" padding="lg" data-testid="live-drop">
      <Stack gap="sm">
        <Group justify="space-between" align="flex-end">
          <Title order={2} size="h3">
            Live drop
          </Title>
          <Select label="Product" data={options} value={selected} onChange={setProductId} allowDeselect={false} w={260} />
        </Group>
        <SimpleGrid cols={{ base: 2, md: 5 }}>
          <StatCard label="Accepted / s" value={rates.accepted.toFixed(1)} testId="accepted-rate" />
          <StatCard label="Rejected / s" value={rates.rejected.toFixed(1)} testId="rejected-rate" />
          <StatCard label="Available" value={line?.available ?? '—'} testId="drop-available" />
          <StatCard label="Held" value={line?.held ?? '—'} testId="drop-held" />
          <StatCard label="Sold" value={line?.sold ?? '—'} testId="drop-sold" />
        </SimpleGrid>
        <Progress.Root size="xl" role="group" aria-label="Stock split: sold, held, available">
          <Progress.Section value={line ? (line.sold / total) * 100 : 0} color="green" aria-label={`Sold: ${line?.sold ?? 0} units`}>
            <Progress.Label>Sold</Progress.Label>
          </Progress.Section>
          <Progress.Section value={line ? (line.held / total) * 100 : 0} color="yellow" aria-label={`Held: ${line?.held ?? 0} units`}>
            <Progress.Label>Held</Progress.Label>
          </Progress.Section>
          <Progress.Section value={line ? (line.available / total) * 100 : 0} color="blue" aria-label={`Available: ${line?.available ?? 0} units`}>
            <Progress.Label>Available</Progress.Label>
          </Progress.Section>
        </Progress.Root>
        <Text size="xs" c="dimmed">
          Order rates come from this server's counters; stock from the inventory ledger. Refreshed every second.
        </Text>
      </Stack>
    </Card>
  );
}
