import { Loader, SimpleGrid, Stack, Title } from '@mantine/core';
import { admin } from '../../api/endpoints.js';
import { ORDER_STATUSES, ROLES } from '../../api/types.js';
import { ErrorAlert } from '../../components/ErrorAlert.js';
import { formatMoney, STATUS_LABEL } from '../../components/format.js';
import { useResource } from '../../hooks/use-resource.js';
import { LiveDrop } from './LiveDrop.js';
import { StatCard } from './StatCard.js';

const METRICS_POLL_MS = 3_000;

/** Admin overview: users by role, orders by state, revenue, and the live drop. */
export function DashboardPage() {
  const metrics = useResource(() => admin.metrics(), [], METRICS_POLL_MS);
  const data = metrics.data;
  return (
    <Stack gap="lg">
      <Title order={1}>Dashboard</Title>
      <ErrorAlert error={metrics.error} title="Could not load the figures" />
      {!data ? (
        <Loader aria-label="Loading figures" />
      ) : (
        <>
          <SimpleGrid cols={{ base: 1, sm: 2, md: 4 }}>
            <StatCard label="Revenue (confirmed)" value={formatMoney(data.confirmedRevenue)} testId="revenue" />
            {ROLES.map((role) => (
              <StatCard key={role} label={`Users · ${role}`} value={data.usersByRole[role] ?? 0} testId={`users-${role}`} />
            ))}
          </SimpleGrid>
          <Title order={2} size="h3">
            Orders by state
          </Title>
          <SimpleGrid cols={{ base: 2, sm: 3, md: 6 }}>
            {ORDER_STATUSES.map((status) => (
              <StatCard key={status} label={STATUS_LABEL[status]} value={data.ordersByStatus[status] ?? 0} testId={`orders-${status}`} />
            ))}
          </SimpleGrid>
        </>
      )}
      <LiveDrop />
    </Stack>
  );
}
