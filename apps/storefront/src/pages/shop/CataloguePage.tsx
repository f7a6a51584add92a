import { Group, Loader, SimpleGrid, Stack, Text, TextInput, Title } from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import { useEffect, useState } from 'react';
import { products } from '../../api/endpoints.js';
import { ErrorAlert } from '../../components/ErrorAlert.js';
import { useNow } from '../../hooks/use-now.js';
import { useResource } from '../../hooks/use-resource.js';
import { useStockLevels } from '../../hooks/use-stock-levels.js';
import { ProductCard } from './ProductCard.js';
import { takeServerCatalogue } from './server-shell.js';

const CATALOGUE_POLL_MS = 5_000;
/** While stock is pushed, the list itself (new products, prices) is refreshed rarely. */
const CATALOGUE_POLL_LIVE_MS = 30_000;

/** The shop: every product on sale, live stock state, drop countdowns, and typo-tolerant search. */
export function CataloguePage() {
  const [query, setQuery] = useState('');
  const [live, setLive] = useState(false);
  const [debounced] = useDebouncedValue(query.trim(), 250);
  const list = useResource(
    async () => (debounced ? products.search(debounced) : products.list({ size: 100 })),
    [debounced],
    live ? CATALOGUE_POLL_LIVE_MS : CATALOGUE_POLL_MS,
    takeServerCatalogue,
  );
  const items = list.data?.items ?? [];
  const stockOf = useStockLevels(items);
  // Stock pushed over the stream: polling is only the fallback while the stream is down.
  useEffect(() => setLive(stockOf.live), [stockOf.live]);
  // One clock for every card: drop countdowns and the switch from "coming soon" to on sale.
  const now = useNow();

  return (
    <Stack gap="md">
      <Group justify="space-between" align="flex-end">
        <Title order={1}>Drops</Title>
        <TextInput
          label="Search products"
          placeholder="Try “sneakr”"
          value={query}
          onChange={(event) => setQuery(event.currentTarget.value)}
          w={{ base: '100%', sm: 320 }}
          type="search"
        />
      </Group>
      <ErrorAlert error={list.error} title="Could not load products" />
      {list.loading && !list.data ? (
        <Loader aria-label="Loading products" />
      ) : items.length === 0 ? (
        <Text c="dimmed">{debounced ? `No products match “${debounced}”.` : 'Nothing on sale right now.'}</Text>
      ) : (
        <SimpleGrid cols={{ base: 1, sm: 2, lg: 3 }} spacing="md" aria-live="polite">
          {items.map((product) => (
            <ProductCard key={product.id} product={product} stock={stockOf(product, now)} />
          ))}
        </SimpleGrid>
      )}
    </Stack>
  );
}
