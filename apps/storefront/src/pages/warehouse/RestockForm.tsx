import { Button, Group, NumberInput } from '@mantine/core';
import { useRef, useState } from 'react';
import { inventory } from '../../api/endpoints.js';
import { isApiError } from '../../api/problem.js';
import type { RestockResult } from '../../api/types.js';
import { newIdempotencyKey } from '../../hooks/idempotency-key.js';

/** Adds units of one product. The Idempotency-Key is kept across retries of one intent, so a retry adds once. */
export function RestockForm({
  productId,
  productName,
  onDone,
  onError,
}: {
  readonly productId: string;
  readonly productName: string;
  readonly onDone: (result: RestockResult) => void;
  readonly onError: (error: unknown) => void;
}) {
  const [quantity, setQuantity] = useState<number | string>(10);
  const [busy, setBusy] = useState(false);
  const key = useRef(newIdempotencyKey());

  const submit = async () => {
    const units = Number(quantity);
    if (!Number.isInteger(units) || units < 1) return;
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
    <Group gap="xs" wrap="nowrap">
      <NumberInput
        aria-label={`Units to add to ${productName}`}
        min={1}
        max={1_000_000}
        allowDecimal={false}
        allowNegative={false}
        value={quantity}
        onChange={setQuantity}
        w={100}
        size="xs"
      />
      <Button size="xs" onClick={submit} loading={busy} aria-label={`Restock ${productName}`}>
        Restock
      </Button>
    </Group>
  );
}
