import { Button, Card, Group, Stack, Text, Title } from '@mantine/core';
import { Link } from 'react-router';
import type { Product } from '../../api/types.js';
import { DropCountdown } from '../../components/DropCountdown.js';
import { formatMoney } from '../../components/format.js';
import { StockBadge } from '../../components/StockBadge.js';
import type { LiveStock } from '../../hooks/use-stock-levels.js';

export function ProductCard({ product, stock }: { readonly product: Product; readonly stock: LiveStock }) {
  return (
    <Card withBorder radius="md" padding="lg" component="article" aria-labelledby={`product-${product.id}`} data-testid="product-card">
      <Stack gap="xs" h="100%">
        <Group justify="space-between" align="flex-start" wrap="nowrap">
          <Title order={2} size="h4" id={`product-${product.id}`}>
            {product.name}
          </Title>
          <Text fw={700}>{formatMoney(product.price)}</Text>
        </Group>
        <Text size="sm" c="dimmed" lineClamp={2} mih={40}>
          {product.description}
        </Text>
        <StockBadge state={stock.state} {...(stock.available === undefined ? {} : { available: stock.available })} />
        <div style={{ minHeight: 22 }}>
          <DropCountdown saleStartsAt={product.saleStartsAt} />
        </div>
        <Group justify="space-between" mt="auto">
          <Text size="xs" c="dimmed">
            {product.maxQuantityPerCustomer > 0 ? `Limit ${product.maxQuantityPerCustomer} per customer` : 'No limit'}
          </Text>
          <Button component={Link} to={`/products/${product.id}`} size="xs" aria-label={`View ${product.name}`}>
            View
          </Button>
        </Group>
      </Stack>
    </Card>
  );
}
