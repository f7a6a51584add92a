import { Button, Group, NumberInput, Stack, Switch, Textarea, TextInput } from '@mantine/core';
import { type FormEvent, useState } from 'react';
import type { Product, ProductFields } from '../../api/types.js';
import { ErrorAlert } from '../../components/ErrorAlert.js';
import { useAction } from '../../hooks/use-action.js';

/** `datetime-local` wants local "YYYY-MM-DDTHH:mm"; the API wants an ISO instant. */
const toLocalInput = (iso: string | null): string => {
  if (!iso) return '';
  const date = new Date(iso);
  return new Date(date.getTime() - date.getTimezoneOffset() * 60_000).toISOString().slice(0, 16);
};
const fromLocalInput = (value: string): string | null => (value ? new Date(value).toISOString() : null);

/** Create or edit a product: name, description, price, per-customer limit, active, sale start. */
export function ProductForm({
  product,
  onSubmit,
  onCancel,
}: {
  readonly product?: Product;
  readonly onSubmit: (fields: ProductFields) => Promise<void>;
  readonly onCancel: () => void;
}) {
  const [name, setName] = useState(product?.name ?? '');
  const [description, setDescription] = useState(product?.description ?? '');
  const [price, setPrice] = useState<number | string>(product ? product.price.amount / 100 : 0);
  const [limit, setLimit] = useState<number | string>(product?.maxQuantityPerCustomer ?? 1);
  const [active, setActive] = useState(product?.active ?? true);
  const [saleStart, setSaleStart] = useState(toLocalInput(product?.saleStartsAt ?? null));
  const save = useAction();

  const submit = (event: FormEvent) => {
    event.preventDefault();
    void save.run(() =>
      onSubmit({
        name: name.trim(),
        description,
        price: { amount: Math.round(Number(price) * 100), currency: 'USD' },
        maxQuantityPerCustomer: Number(limit) || 0,
        active,
        saleStartsAt: fromLocalInput(saleStart),
      }),
    );
  };

  return (
    <form onSubmit={submit} aria-label={product ? `Edit ${product.name}` : 'New product'}>
      <Stack gap="sm">
        <TextInput label="Name" value={name} onChange={(e) => setName(e.currentTarget.value)} required maxLength={200} data-autofocus />
        <Textarea label="Description" value={description} onChange={(e) => setDescription(e.currentTarget.value)} autosize minRows={2} />
        <Group grow>
          <NumberInput label="Price (USD)" min={0} decimalScale={2} fixedDecimalScale prefix="$" value={price} onChange={setPrice} required />
          <NumberInput
            label="Limit per customer"
            description="0 = no limit"
            min={0}
            max={10_000}
            allowDecimal={false}
            value={limit}
            onChange={setLimit}
          />
        </Group>
        <TextInput
          label="Sale starts at"
          description="Leave empty to sell right away"
          type="datetime-local"
          value={saleStart}
          onChange={(e) => setSaleStart(e.currentTarget.value)}
        />
        <Switch label="Active (visible in the shop)" checked={active} onChange={(e) => setActive(e.currentTarget.checked)} />
        <ErrorAlert error={save.error} title="Could not save" />
        <Group justify="flex-end">
          <Button variant="default" onClick={onCancel}>
            Cancel
          </Button>
          <Button type="submit" loading={save.pending}>
            Save
          </Button>
        </Group>
      </Stack>
    </form>
  );
}
