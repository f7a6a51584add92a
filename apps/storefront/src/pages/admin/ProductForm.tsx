import { minorUnits } from '@limitedcart/core/money';
import { Button, Group, NumberInput, Select, Stack, Switch, Textarea, TextInput } from '@mantine/core';
import { type FormEvent, useState } from 'react';
import type { Money, Product, ProductFields } from '../../api/types.js';
import { ErrorAlert } from '../../components/ErrorAlert.js';
import { currencySymbol, formatMoney, toMajorUnits, toMinorUnits } from '../../components/format.js';
import { formatCount, LIMITS, priceProblem, wholeNumberProblem } from '../../components/limits.js';
import { useAction } from '../../hooks/use-action.js';

/** `datetime-local` wants local "YYYY-MM-DDTHH:mm"; the API wants an ISO instant. */
const toLocalInput = (iso: string | null): string => {
  if (!iso) return '';
  const date = new Date(iso);
  return new Date(date.getTime() - date.getTimezoneOffset() * 60_000).toISOString().slice(0, 16);
};
const fromLocalInput = (value: string): string | null => (value ? new Date(value).toISOString() : null);

type Field = 'price' | 'limit' | 'stock';

type Currency = Money['currency'];
/**
 * The currencies the browser knows (ISO 4217 codes, the list the API's own runtime validates against); a new
 * product picks one, an existing one keeps its own. A code the API does not take is refused with its message.
 */
const CURRENCIES = Intl.supportedValuesOf('currency') as Currency[];
const NEW_PRODUCT_CURRENCY: Currency = 'USD';

/**
 * Create or edit a product: name, description, price, per-customer limit, active, sale start, and when creating
 * the units to put on sale. Values outside the API's limits are refused beside their field, never clamped.
 */
export function ProductForm({
  product,
  onSubmit,
  onCancel,
}: {
  readonly product?: Product;
  /** `initialStock` only when creating. */
  readonly onSubmit: (fields: ProductFields, initialStock: number) => Promise<void>;
  readonly onCancel: () => void;
}) {
  const [name, setName] = useState(product?.name ?? '');
  const [description, setDescription] = useState(product?.description ?? '');
  const [currency, setCurrency] = useState(product?.price.currency ?? NEW_PRODUCT_CURRENCY);
  const [price, setPrice] = useState<number | string>(product ? toMajorUnits(product.price) : 0);
  const [limit, setLimit] = useState<number | string>(product?.maxQuantityPerCustomer ?? 1);
  const [stock, setStock] = useState<number | string>(0);
  const [active, setActive] = useState(product?.active ?? true);
  const [saleStart, setSaleStart] = useState(toLocalInput(product?.saleStartsAt ?? null));
  const [problems, setProblems] = useState<Partial<Record<Field, string>>>({});
  const save = useAction();

  const submit = (event: FormEvent) => {
    event.preventDefault();
    const found: Partial<Record<Field, string>> = {};
    const priceIssue = priceProblem(price, currency);
    if (priceIssue) found.price = priceIssue;
    const limitIssue = wholeNumberProblem(limit, LIMITS.perCustomer.min, LIMITS.perCustomer.max, 'the limit');
    if (limitIssue) found.limit = limitIssue;
    if (!product && stock !== '' && Number(stock) !== 0) {
      const stockIssue = wholeNumberProblem(stock, 0, LIMITS.restockUnits.max, 'the stock');
      if (stockIssue) found.stock = stockIssue;
    }
    setProblems(found);
    if (Object.keys(found).length > 0) return;
    void save.run(() =>
      onSubmit(
        {
          name: name.trim(),
          description,
          price: { amount: toMinorUnits(Number(price), currency), currency },
          maxQuantityPerCustomer: Number(limit),
          active,
          saleStartsAt: fromLocalInput(saleStart),
        },
        Number(stock) || 0,
      ),
    );
  };

  return (
    <form onSubmit={submit} aria-label={product ? `Edit ${product.name}` : 'New product'} noValidate>
      <Stack gap="sm">
        <TextInput
          label="Name"
          description={`Up to ${LIMITS.nameLength} characters`}
          value={name}
          onChange={(e) => setName(e.currentTarget.value)}
          required
          maxLength={LIMITS.nameLength}
          data-autofocus
        />
        <Textarea
          label="Description"
          description={`Up to ${formatCount(LIMITS.descriptionLength)} characters`}
          value={description}
          onChange={(e) => setDescription(e.currentTarget.value)}
          autosize
          minRows={2}
          maxLength={LIMITS.descriptionLength}
        />
        <Group grow align="flex-start">
          {/* A product's currency is fixed once it is created: its orders and payments are in it. */}
          {product ? null : (
            <Select
              label="Currency"
              description="ISO 4217 code"
              data={CURRENCIES}
              value={currency}
              onChange={(value) => value && setCurrency(value as Currency)}
              searchable
              allowDeselect={false}
              maxDropdownHeight={240}
            />
          )}
          <NumberInput
            label={`Price (${currency})`}
            description={`${formatMoney({ amount: 0, currency })} to ${formatMoney({ amount: LIMITS.priceMinor.max, currency })}`}
            decimalScale={minorUnits(currency)}
            fixedDecimalScale
            prefix={currencySymbol(currency).length === 1 ? currencySymbol(currency) : `${currencySymbol(currency)} `}
            clampBehavior="none"
            value={price}
            onChange={setPrice}
            error={problems.price}
            required
          />
          <NumberInput
            label="Limit per customer"
            description={`0 = no limit; at most ${formatCount(LIMITS.perCustomer.max)}`}
            allowDecimal={false}
            clampBehavior="none"
            value={limit}
            onChange={setLimit}
            error={problems.limit}
          />
        </Group>
        {!product && (
          <NumberInput
            label="Units in stock"
            description={`Put on sale when the product is created: 0 to ${formatCount(LIMITS.restockUnits.max)} (later: Stock page)`}
            allowDecimal={false}
            clampBehavior="none"
            value={stock}
            onChange={setStock}
            error={problems.stock}
          />
        )}
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
