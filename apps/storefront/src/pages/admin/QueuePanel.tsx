import { Badge, Button, Group, NumberInput, SegmentedControl, SimpleGrid, Stack, Switch, Table, Text, TextInput, Title } from '@mantine/core';
import { type FormEvent, useState } from 'react';
import { isApiError } from '../../api/problem.js';
import { type QueueAdminView, type QueueMode, type QueueSettings, queueAdmin } from '../../api/queue.js';
import type { Product } from '../../api/types.js';
import { ErrorAlert } from '../../components/ErrorAlert.js';
import { formatDateTime } from '../../components/format.js';
import { formatCount, wholeNumberProblem } from '../../components/limits.js';
import { useAction } from '../../hooks/use-action.js';
import { useResource } from '../../hooks/use-resource.js';
import { StatCard } from './StatCard.js';

const STATUS_POLL_MS = 2_000;

/** The API's limits of the queue settings (PUT /api/admin/drops/{productId}/queue), checked before sending. */
export const QUEUE_LIMITS = {
  admitForSeconds: { min: 5, max: 3_600, fallback: 120 },
  /** Percent in the form; a share (0 to 10) in the API. */
  marginPercent: { min: 0, max: 1_000, fallback: 10 },
  difficulty: { min: 1, max: 10_000_000, fallback: 50_000 },
  /** Empty in the form: no cap (null in the API). */
  maxEntriesPerAddress: { min: 1, max: 1_000_000, fallback: 5 },
} as const;

/** `datetime-local` with seconds wants local "YYYY-MM-DDTHH:mm:ss"; the API wants an ISO instant. */
const toLocalInput = (iso: string): string => {
  const date = new Date(iso);
  return new Date(date.getTime() - date.getTimezoneOffset() * 60_000).toISOString().slice(0, 19);
};

type Field = 'opensAt' | 'admitFor' | 'margin' | 'difficulty' | 'perAddress';

const powDifficulty = (view: QueueAdminView | null | undefined): number | null =>
  view?.proofOfWork && typeof view.proofOfWork === 'object' ? view.proofOfWork.difficulty : null;

/**
 * A product's waiting room, for admins: the settings (opening, mode, admission window, abandonment margin, proof of
 * work, entries per address), checked as the API checks them, and the queue's live status (waiting, admitted, used,
 * abandoned, turned away, suspicious addresses).
 */
export function QueuePanel({ product }: { readonly product: Product }) {
  const status = useResource(async () => {
    try {
      return await queueAdmin.get(product.id);
    } catch (caught) {
      if (isApiError(caught, 'NO_QUEUE')) return null;
      throw caught;
    }
  }, [product.id], STATUS_POLL_MS);
  if (status.data === undefined && !status.error) return <Text>Loading the waiting room…</Text>;
  return (
    <Stack gap="lg">
      <ErrorAlert error={status.error} title="Could not load the waiting room" />
      <QueueStatusView view={status.data ?? null} />
      {/* Keyed by product only: saving creates the queue, and the form (with its "saved" note) must stay. */}
      <QueueSettingsForm key={product.id} product={product} view={status.data ?? null} onSaved={status.reload} />
    </Stack>
  );
}

function QueueStatusView({ view }: { readonly view: QueueAdminView | null }) {
  if (!view) return <Text data-testid="queue-status">This product has no waiting room: shoppers buy directly. Set one up below.</Text>;
  return (
    <Stack gap="sm" data-testid="queue-status" data-state={view.state}>
      <Group gap="sm">
        <Title order={3}>Status</Title>
        <Badge color={view.state === 'OPEN' ? 'green' : 'gray'} variant="light">
          {view.state === 'OPEN' ? 'open' : 'sold out'}
        </Badge>
        <Text size="sm">
          {view.mode === 'raffle-then-fifo' ? (view.drawn ? 'raffle drawn' : `raffle at ${formatDateTime(view.opensAt)}`) : `first come, first served from ${formatDateTime(view.opensAt)}`}
        </Text>
      </Group>
      <SimpleGrid cols={{ base: 2, sm: 3 }} spacing="xs">
        <StatCard label="Waiting" value={formatCount(view.waiting)} testId="queue-waiting" />
        <StatCard label="Admitted now" value={formatCount(view.admitted)} testId="queue-admitted" />
        <StatCard label="Ordered" value={formatCount(view.used)} testId="queue-used" />
        <StatCard label="Abandoned" value={formatCount(view.abandoned)} testId="queue-abandoned" />
        <StatCard label="Turned away (sold out)" value={formatCount(view.turnedAway)} testId="queue-turned-away" />
      </SimpleGrid>
      {view.suspiciousAddresses.length > 0 ? (
        <Table data-testid="queue-suspicious">
          <Table.Caption>Addresses with several entries</Table.Caption>
          <Table.Thead>
            <Table.Tr>
              <Table.Th>Address</Table.Th>
              <Table.Th>Entries</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {view.suspiciousAddresses.map((entry) => (
              <Table.Tr key={entry.address}>
                <Table.Td ff="monospace">{entry.address}</Table.Td>
                <Table.Td>{formatCount(entry.entries)}</Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      ) : (
        <Text size="sm">No address has more than one entry.</Text>
      )}
    </Stack>
  );
}

function QueueSettingsForm({ product, view, onSaved }: { readonly product: Product; readonly view: QueueAdminView | null; readonly onSaved: () => Promise<void> }) {
  const [opensAt, setOpensAt] = useState(view ? toLocalInput(view.opensAt) : product.saleStartsAt ? toLocalInput(product.saleStartsAt) : '');
  const [mode, setMode] = useState<QueueMode>(view?.mode ?? 'raffle-then-fifo');
  const [admitFor, setAdmitFor] = useState<number | string>(view?.admitForSeconds ?? QUEUE_LIMITS.admitForSeconds.fallback);
  const [margin, setMargin] = useState<number | string>(
    view?.abandonmentMargin === undefined ? QUEUE_LIMITS.marginPercent.fallback : Math.round(view.abandonmentMargin * 100),
  );
  const [pow, setPow] = useState(view ? powDifficulty(view) !== null || view.proofOfWork === true : false);
  const [difficulty, setDifficulty] = useState<number | string>(powDifficulty(view) ?? QUEUE_LIMITS.difficulty.fallback);
  const [perAddress, setPerAddress] = useState<number | string>(
    view ? (view.maxEntriesPerAddress ?? '') : QUEUE_LIMITS.maxEntriesPerAddress.fallback,
  );
  const [problems, setProblems] = useState<Partial<Record<Field, string>>>({});
  const [saved, setSaved] = useState<string | null>(null);
  const save = useAction();

  const submit = (event: FormEvent) => {
    event.preventDefault();
    setSaved(null);
    const found: Partial<Record<Field, string>> = {};
    const opens = opensAt ? new Date(opensAt) : null;
    if (!opens || Number.isNaN(opens.getTime())) found.opensAt = 'Enter when the sale opens.';
    else if (opens.getUTCFullYear() < 2000 || opens.getUTCFullYear() > 9999) found.opensAt = 'Enter a date from the year 2000 on.';
    const check = (field: Field, value: number | string, limits: { min: number; max: number }, what: string) => {
      const problem = wholeNumberProblem(value, limits.min, limits.max, what);
      if (problem) found[field] = problem;
    };
    check('admitFor', admitFor, QUEUE_LIMITS.admitForSeconds, 'the turn length');
    check('margin', margin, QUEUE_LIMITS.marginPercent, 'the margin');
    if (pow) check('difficulty', difficulty, QUEUE_LIMITS.difficulty, 'the difficulty');
    if (perAddress !== '') check('perAddress', perAddress, QUEUE_LIMITS.maxEntriesPerAddress, 'the entries per address');
    setProblems(found);
    if (Object.keys(found).length > 0 || !opens) return;
    const settings: QueueSettings = {
      opensAt: opens.toISOString(),
      mode,
      admitForSeconds: Number(admitFor),
      abandonmentMargin: Number(margin) / 100,
      proofOfWork: pow ? { difficulty: Number(difficulty) } : null,
      maxEntriesPerAddress: perAddress === '' ? null : Number(perAddress),
    };
    void save.run(async () => {
      await queueAdmin.configure(product.id, settings);
      setSaved('Waiting room saved.');
      await onSaved();
    });
  };

  return (
    <form onSubmit={submit} aria-label={`Waiting room of ${product.name}`} noValidate>
      <Stack gap="sm">
        <Title order={3}>Settings</Title>
        <TextInput
          label="Sale opens at"
          description="Admission starts here; in raffle mode everyone who joined before it is drawn into a random order"
          type="datetime-local"
          step={1}
          value={opensAt}
          onChange={(e) => setOpensAt(e.currentTarget.value)}
          error={problems.opensAt}
          required
        />
        <Stack gap={4}>
          <Text size="sm" fw={500} id="queue-mode-label">
            Order of the line
          </Text>
          {view ? (
            <Text data-testid="queue-mode">{mode === 'fifo' ? 'First come, first served' : 'Raffle, then first come'}</Text>
          ) : (
          <SegmentedControl
            aria-labelledby="queue-mode-label"
            value={mode}
            onChange={(value) => setMode(value as QueueMode)}
            data={[
              { value: 'raffle-then-fifo', label: 'Raffle, then first come' },
              { value: 'fifo', label: 'First come, first served' },
            ]}
          />
          )}
          {view && (
            <Text size="xs" c="dimmed">
              The order of the line is fixed once the waiting room exists; the opening can move until the sale opens.
            </Text>
          )}
        </Stack>
        <Group grow align="flex-start">
          <NumberInput
            label="Turn length (seconds)"
            description={`How long an admitted shopper may take to order: ${QUEUE_LIMITS.admitForSeconds.min} to ${formatCount(QUEUE_LIMITS.admitForSeconds.max)}`}
            allowDecimal={false}
            clampBehavior="none"
            value={admitFor}
            onChange={setAdmitFor}
            error={problems.admitFor}
          />
          <NumberInput
            label="Abandonment margin (%)"
            description={`Extra shoppers let in beyond the units left, for those who never order: 0 to ${formatCount(QUEUE_LIMITS.marginPercent.max)}`}
            allowDecimal={false}
            clampBehavior="none"
            value={margin}
            onChange={setMargin}
            error={problems.margin}
          />
        </Group>
        <NumberInput
          label="Entries per address"
          description={`Places in line one client address may take: ${QUEUE_LIMITS.maxEntriesPerAddress.min} to ${formatCount(QUEUE_LIMITS.maxEntriesPerAddress.max)}; empty for no cap`}
          allowDecimal={false}
          clampBehavior="none"
          value={perAddress}
          onChange={setPerAddress}
          error={problems.perAddress}
        />
        <Switch label="Proof of work on join (ALTCHA: the shopper's browser solves a small puzzle)" checked={pow} onChange={(e) => setPow(e.currentTarget.checked)} />
        {pow && (
          <NumberInput
            label="Difficulty"
            description={`Largest number the puzzle may hide: ${formatCount(QUEUE_LIMITS.difficulty.min)} to ${formatCount(QUEUE_LIMITS.difficulty.max)} (50,000 takes a phone about a second)`}
            allowDecimal={false}
            clampBehavior="none"
            value={difficulty}
            onChange={setDifficulty}
            error={problems.difficulty}
          />
        )}
        <ErrorAlert error={save.error} title="Could not save the waiting room" />
        <div aria-live="polite">
          {saved && (
            <Text size="sm" c="green.9" data-testid="queue-saved">
              {saved}
            </Text>
          )}
        </div>
        <Group justify="flex-end">
          <Button type="submit" loading={save.pending}>
            Save waiting room
          </Button>
        </Group>
      </Stack>
    </form>
  );
}

