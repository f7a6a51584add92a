import { Card, Text } from '@mantine/core';
import type { ReactNode } from 'react';

export function StatCard({ label, value, testId }: { readonly label: string; readonly value: ReactNode; readonly testId?: string }) {
  return (
    <Card withBorder radius="md" padding="md">
      <Text size="xs" c="dimmed" tt="uppercase" fw={700}>
        {label}
      </Text>
      <Text size="xl" fw={700} ff="monospace" data-testid={testId}>
        {value}
      </Text>
    </Card>
  );
}
