import { Alert, Button, Card, Group, Loader, NumberInput, Stack, Text, Title } from '@mantine/core';
import { useEffect, useRef, useState } from 'react';
import { Link, useNavigate, useParams } from 'react-router';
import { orders, products } from '../../api/endpoints.js';
import { isApiError } from '../../api/problem.js';
import { serverOffsetUncertainty } from '../../api/server-clock.js';
import { isBeforeDrop } from '../../components/drop.js';
import { DropCountdown } from '../../components/DropCountdown.js';
import { ErrorAlert } from '../../components/ErrorAlert.js';
import { formatMoney } from '../../components/format.js';
import { StockBadge } from '../../components/StockBadge.js';
import { newIdempotencyKey } from '../../hooks/idempotency-key.js';
import { markAvailable, markSoldOut } from '../../hooks/sold-out-memory.js';
import { useNow } from '../../hooks/use-now.js';
import { useResource } from '../../hooks/use-resource.js';
import { useStockLevels } from '../../hooks/use-stock-levels.js';
import { useSession } from '../../session/session.js';
import { useQueueStatus, WaitingRoomEntry } from './WaitingRoomEntry.js';

const PRODUCT_POLL_MS = 5_000;
/** While stock is pushed, the product itself (name, price, sale start) is refreshed rarely. */
const PRODUCT_POLL_LIVE_MS = 30_000;
/** Cap of the quantity field for products without a per-customer limit. */
const UNLIMITED_CAP = 99;
const MAX_CAUTION_MS = 1_000;

/** One product: details, stock, drop countdown and the buy form (quantity capped by the customer limit). */
export function ProductPage() {
  const { id = '' } = useParams();
  const navigate = useNavigate();
  const { user, hasRole } = useSession();
  const now = useNow();
  const [live, setLive] = useState(false);
  const loaded = useResource(() => products.get(id), [id], live ? PRODUCT_POLL_LIVE_MS : PRODUCT_POLL_MS);
  const product = loaded.data?.product;
  const stockOf = useStockLevels(product ? [product] : []);
  // Stock pushed over the stream: polling is only the fallback while the stream is down.
  useEffect(() => setLive(stockOf.live), [stockOf.live]);
  // A queued drop is bought through its waiting room: the page offers to join it instead of Buy.
  const queueStatus = useQueueStatus(product?.id);
  const queued = queueStatus.data;
  const queuePending = queued === undefined && !queueStatus.error;
  const [quantity, setQuantity] = useState(1);
  const [buying, setBuying] = useState(false);
  const [error, setError] = useState<unknown>(null);
  // One key per buy intent: a retry after a network failure is the same intent and must not buy twice.
  const intentKey = useRef(newIdempotencyKey());

  // Units came back (a hold ran out, a restock): an earlier "Sold out" answer no longer holds. Runs when the
  // state turns to on sale, so the refresh made right after a sold-out answer cannot clear it at once.
  const stock = product ? stockOf(product, now) : undefined;
  const onSale = stock?.state === 'available' || stock?.state === 'selling-fast';
  const productId = product?.id;
  useEffect(() => {
    if (!onSale || !productId) return;
    markAvailable(productId);
    setError((current: unknown) => (isApiError(current, 'OUT_OF_STOCK') ? null : current));
  }, [onSale, productId]);

  if (loaded.error && !product) return <ErrorAlert error={loaded.error} title="Product unavailable" />;
  if (!product || !stock) return <Loader aria-label="Loading product" />;

  // Sold out as far as this tab knows: the published stock, or an OUT_OF_STOCK answer. Re-enabled by the next
  // refresh that shows units again.
  const soldOut = stock.state === 'sold-out';
  const limit = product.maxQuantityPerCustomer > 0 ? product.maxQuantityPerCustomer : UNLIMITED_CAP;
  // Buy opens when even the earliest the server's clock can be has reached the sale start: never a click the
  // server refuses as too early, at most a second late while the clock estimate is still coarse.
  const beforeDrop = isBeforeDrop(product.saleStartsAt, now - Math.min(serverOffsetUncertainty(), MAX_CAUTION_MS));

  const buy = async () => {
    setBuying(true);
    setError(null);
    try {
      const accepted = await orders.place(product.id, quantity, intentKey.current);
      markAvailable(product.id);
      intentKey.current = newIdempotencyKey();
      navigate(`/orders/${accepted.orderId}`);
    } catch (caught) {
      if (!isApiError(caught, 'NETWORK')) intentKey.current = newIdempotencyKey();
      if (isApiError(caught, 'OUT_OF_STOCK')) {
        markSoldOut(product.id);
        await loaded.reload();
      }
      setError(caught);
    } finally {
      setBuying(false);
    }
  };

  return (
    <Stack gap="md" maw={720}>
      <Text size="sm">
        <Link to="/">← Back to the shop</Link>
      </Text>
      <Card withBorder radius="md" padding="xl">
        <Stack gap="sm">
          <Group justify="space-between" align="flex-start">
            <Title order={1}>{product.name}</Title>
            <Text size="xl" fw={700}>
              {formatMoney(product.price)}
            </Text>
          </Group>
          <StockBadge state={stock.state} {...(stock.available === undefined ? {} : { available: stock.available })} />
          <Text>{product.description}</Text>
          {/* Space is kept while a countdown may show, so the page does not jump when it ticks or ends. */}
          {beforeDrop && (
            <div style={{ minHeight: 22 }}>
              <DropCountdown saleStartsAt={product.saleStartsAt} />
            </div>
          )}
          <Text size="sm" c="dimmed">
            {product.maxQuantityPerCustomer > 0
              ? `Limit: ${product.maxQuantityPerCustomer} per customer.`
              : 'No per-customer limit.'}
          </Text>
          {queuePending ? (
            <Text size="sm" c="dimmed">
              Checking how this drop sells…
            </Text>
          ) : queued ? (
            <WaitingRoomEntry productId={product.id} status={queued} />
          ) : user && !hasRole('USER') ? (
            <Alert color="gray">Only shopper accounts can buy. Sign in with a shopper account to buy this product.</Alert>
          ) : user ? (
            <Group align="flex-end">
              <NumberInput
                label="Quantity"
                min={1}
                max={limit}
                clampBehavior="strict"
                allowDecimal={false}
                allowNegative={false}
                value={quantity}
                onChange={(value) => setQuantity(typeof value === 'number' && value >= 1 ? Math.min(value, limit) : 1)}
                w={120}
                description={`Up to ${limit}`}
              />
              <Button size="md" onClick={buy} loading={buying} disabled={beforeDrop || soldOut}>
                {beforeDrop ? 'Not on sale yet' : soldOut ? 'Sold out' : 'Buy now'}
              </Button>
            </Group>
          ) : (
            <Button component={Link} to={`/login?next=${encodeURIComponent(`/products/${product.id}`)}`} w="fit-content">
              Sign in to buy
            </Button>
          )}
          <ErrorAlert
            error={error}
            title={
              isApiError(error, 'OUT_OF_STOCK')
                ? 'Sold out'
                : isApiError(error, 'LIMIT_EXCEEDED')
                  ? 'Limit reached'
                  : 'Could not place the order'
            }
          />
        </Stack>
      </Card>
    </Stack>
  );
}
