import { Text } from '@mantine/core';

/** Above a table wider than a phone: says that it scrolls sideways (its scrollbar shows while it overflows). */
export function ScrollHint() {
  return (
    <Text hiddenFrom="sm" size="xs" c="dimmed" data-testid="scroll-hint">
      Wide table: scroll sideways for every column →
    </Text>
  );
}
