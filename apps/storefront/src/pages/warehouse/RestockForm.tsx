import { Button, Group, NumberInput } from '@mantine/core';
import { useRef, useState } from 'react';
import { inventory } from '../../api/endpoints.js';
import { isApiError } from '../../api/problem.js';
import type { RestockResult } from '../../api/types.js';
import { formatCount, LIMITS, wholeNumberProblem } from '../../components/limits.js';
import { newIdempotencyKey } from '../../hooks/idempotency-key.js';

/**
 * Adds units of one product, after a confirmation that names the product and the resulting stock. A quantity
 * the API would refuse (negative, zero, fractional, above its limit) is refused here with a message, never
 * clamped or sign-flipped. The Idempotency-Key is kept across retries of one intent, so a retry adds once.
 */
export function RestockForm({
  productId,
  productName,
  available,
  onDone,
  onError,
}: {
  readonly productId: string;
  readonly productName: string;
  /** Units available now, for the confirmation. */
  readonly available: number;
  readonly onDone: (result: RestockResult) => void;
  readonly onError: (error: unknown) => void;
}) {
  const [quantity, setQuantity] = useState<number | string>(10);
  const [problem, setProblem] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const key = useRef(newIdempotencyKey());

  const submit = async () => {
    const issue = wholeNumberProblem(quantity, LIMITS.restockUnits.min, LIMITS.restockUnits.max, 'the units to add');
    setProblem(issue);
    if (issue) return;
    const units = Number(quantity);
    if (!window.confirm(`Add ${formatCount(units)} units to ${productName}? Available goes from ${formatCount(available)} to ${formatCount(available + units)}.`)) {
      return;
    }
    setBusy(true);
    try {
      onDone(await inventory.restock(productId, units, key.current));
      key.current = newIdempotencyKey();
    } catch (error) {
      if (!isApiError(error, 'NETWORK')) key.current = newIdempotencyKey();
      onError(error);
    } finally {
      setBusy(false);
    }
  };

  return (
    <Group gap="xs" wrap="nowrap" align="flex-start">
      <NumberInput
        aria-label={`Units to add to ${productName}`}
        aria-description={`1 to ${formatCount(LIMITS.restockUnits.max)}`}
        allowDecimal={false}
        clampBehavior="none"
        value={quantity}
        onChange={(value) => {
          setQuantity(value);
          setProblem(null);
        }}
        onKeyDown={(event) => {
          if (event.key === 'Enter') void submit();
        }}
        error={problem}
        w={problem ? 200 : 110}
        size="xs"
      />
      <Button size="xs" onClick={submit} loading={busy} aria-label={`Restock ${productName}`}>
        Restock
      </Button>
    </Group>
  );
}
