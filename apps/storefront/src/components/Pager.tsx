import { Group, Pagination, Text } from '@mantine/core';

const CONTROL_LABEL = { first: 'First page', previous: 'Previous page', next: 'Next page', last: 'Last page' } as const;

/** 0-based page control over the API's `{page, size, total}`. */
export function Pager({ page, size, total, onChange }: { page: number; size: number; total: number; onChange: (page: number) => void }) {
  const pages = Math.max(1, Math.ceil(total / size));
  return (
    <Group justify="space-between">
      <Text size="sm" c="dimmed">
        {total} in total
      </Text>
      {pages > 1 && (
        <nav aria-label="Pages">
          <Pagination
            total={pages}
            value={page + 1}
            onChange={(value) => onChange(value - 1)}
            getItemProps={(item) => ({ 'aria-label': `Page ${item}` })}
            getControlProps={(control) => ({ 'aria-label': CONTROL_LABEL[control] })}
          />
        </nav>
      )}
    </Group>
  );
}
