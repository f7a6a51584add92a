import { Loader, Stack, Title } from '@mantine/core';
import { useEffect, useState } from 'react';
import { orders } from '../../api/endpoints.js';
import { ErrorAlert } from '../../components/ErrorAlert.js';
import { OrdersTable } from '../../components/OrdersTable.js';
import { Pager } from '../../components/Pager.js';
import { useResource } from '../../hooks/use-resource.js';
import { useOrderProgress } from '../../live/live.js';

const PAGE_SIZE = 20;

/** The shopper's orders, newest first, refreshed whenever the stream reports progress. */
export function MyOrdersPage() {
  const [page, setPage] = useState(0);
  const list = useResource(() => orders.list({ page, size: PAGE_SIZE }), [page], 15_000);
  const events = useOrderProgress();
  const { reload } = list;
  useEffect(() => {
    if (events.length > 0) void reload();
  }, [events.length, reload]);

  return (
    <Stack gap="md">
      <Title order={1}>My orders</Title>
      <ErrorAlert error={list.error} title="Could not load your orders" />
      {list.data ? (
        <>
          <OrdersTable items={list.data.items} />
          <Pager page={page} size={PAGE_SIZE} total={list.data.total} onChange={setPage} />
        </>
      ) : (
        <Loader aria-label="Loading orders" />
      )}
    </Stack>
  );
}
