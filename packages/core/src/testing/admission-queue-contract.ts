import { randomUUID } from 'node:crypto';
import { expect } from 'vitest';
import { LimitedCartError } from '../domain/errors.js';
import type { AdmissionEntry, AdmissionQueue, AdmissionQueueMode, AdmitRequest } from '../ports/admission-queue.js';
import type { Clock } from '../ports/small-ports.js';
import { type ContractOptions, describeKit, useTarget } from './store-contracts/cases.js';
import { waitFor } from './wait-for.js';

/** The names of the kit's cases, as keys of `options.skip`. */
export const ADMISSION_QUEUE_CASES = [
  'queue: concurrent joins each get one place; positions are dense from 1',
  'queue: one entry per customer: repeated and concurrent joins return the same entry',
  'queue: positions are stable and close up as shoppers ahead are admitted or leave',
  'queue: admit takes the next shoppers in queue order, never more than count',
  'queue: concurrent admits never exceed maxActive running admissions',
  'queue: an admit repeated with its opId admits nobody more and returns the same shoppers',
  'queue: nobody is admitted before the opening',
  'queue: raffle: joins before the opening are drawn in random order at the opening; later arrivals queue FIFO behind them',
  'queue: fifo: shoppers are in order of arrival, also before the opening',
  'queue: an admission idle past admittedUntil lapses, stops counting and frees its slot for the next shopper',
  'queue: complete marks an admission used; it no longer counts as running and cannot lapse',
  'queue: leave takes a waiting or admitted shopper out and counts as abandoned',
  'queue: status counts waiting, admitted, used and abandoned',
  'queue: closeSoldOut turns the waiting away, refuses joins and admits nobody',
  'queue: configure is idempotent, moves opensAt only before the opening and keeps the mode',
  'queue: a drop without a queue: NO_QUEUE, null and no admissions',
  'queue: bad input is rejected with VALIDATION',
] as const;

export type AdmissionQueueCase = (typeof ADMISSION_QUEUE_CASES)[number];

/** What the admission-queue kit runs against. */
export interface AdmissionQueueKitTarget {
  readonly queue: AdmissionQueue;
  close(): Promise<void>;
}

/** What the kit hands `make`. */
export interface AdmissionQueueKitEnvironment {
  /** Real time, for a queue that takes a `Clock` (an in-process queue has no server clock of its own). */
  readonly clock: Clock;
}

export type MakeAdmissionQueue = (environment: AdmissionQueueKitEnvironment) => Promise<AdmissionQueueKitTarget>;

const HOUR = 3_600_000;
const queueClock: Clock = { now: () => new Date() };

/**
 * The AdmissionQueue conformance kit. `make` runs once for the block; every case uses drops and customers of its own,
 * so the backend may hold other data. Cases about time use short durations and wait on the queue's own answers.
 */
export function describeAdmissionQueueContract(
  name: string,
  make: MakeAdmissionQueue,
  options?: ContractOptions<AdmissionQueueCase>,
): void {
  describeKit(ADMISSION_QUEUE_CASES, `AdmissionQueue contract (${name})`, options, (registry) => {
    const target = useTarget(() => make({ clock: queueClock }));
    const queue = (): AdmissionQueue => target().queue;
    const customer = (): string => `customer-${randomUUID()}`;
    /** A drop whose queue opened an hour ago (or opens at `opensAt`). */
    const openDrop = async (mode: AdmissionQueueMode = 'fifo', opensAt = new Date(Date.now() - HOUR)): Promise<string> => {
      const dropId = `drop-${randomUUID()}`;
      await queue().configure(dropId, { opensAt, mode });
      return dropId;
    };
    const joinAll = async (dropId: string, count: number): Promise<string[]> => {
      const customers: string[] = [];
      for (let i = 0; i < count; i += 1) {
        const customerId = customer();
        const joined = await queue().join(dropId, customerId);
        expect(joined.ok, 'joining an open queue succeeds').toBe(true);
        customers.push(customerId);
      }
      return customers;
    };
    const positions = async (dropId: string, customers: readonly string[]): Promise<(number | null)[]> =>
      Promise.all(customers.map(async (customerId) => (await queue().position(dropId, customerId))?.position ?? null));
    const admit = (dropId: string, count: number, extra: Partial<AdmitRequest> = {}) =>
      queue().admit({ dropId, count, admitForMs: HOUR, opId: randomUUID(), ...extra });
    const stateOf = async (dropId: string, customerId: string): Promise<AdmissionEntry['state'] | undefined> =>
      (await queue().position(dropId, customerId))?.state;

    registry.case('queue: concurrent joins each get one place; positions are dense from 1', async () => {
      const dropId = await openDrop();
      const customers = Array.from({ length: 200 }, customer);
      const results = await Promise.all(customers.map((customerId) => queue().join(dropId, customerId)));
      expect(results.every((result) => result.ok && result.joined), 'each of 200 concurrent joins of new customers joins').toBe(true);
      const places = await positions(dropId, customers);
      expect(
        [...places].sort((a, b) => a! - b!),
        '200 concurrent joins hold positions 1..200, each exactly once',
      ).toEqual(Array.from({ length: 200 }, (_, i) => i + 1));
      const answered = results.map((result) => (result.ok ? result.entry.position : null));
      expect(answered.every((position) => position !== null), 'a join into a drawn queue answers with its position').toBe(true);
      expect((await queue().status(dropId))?.waiting, 'status counts 200 waiting').toBe(200);
    });

    registry.case('queue: one entry per customer: repeated and concurrent joins return the same entry', async () => {
      const dropId = await openDrop();
      const before = await joinAll(dropId, 3);
      const repeat = customer();
      const results = await Promise.all(Array.from({ length: 20 }, () => queue().join(dropId, repeat)));
      expect(results.filter((result) => result.ok && result.joined), 'of 20 concurrent joins of one customer exactly one joins').toHaveLength(1);
      expect(
        results.every((result) => result.ok && result.entry.position === 4 && result.entry.customerId === repeat),
        'every one of them answers with the same entry (position 4)',
      ).toBe(true);
      const again = await queue().join(dropId, repeat);
      expect(again.ok && !again.joined && again.entry.position, 'a later join returns the existing entry, not a new place').toBe(4);
      expect((await queue().status(dropId))?.waiting, 'the customer is counted once').toBe(before.length + 1);
    });

    registry.case('queue: positions are stable and close up as shoppers ahead are admitted or leave', async () => {
      const dropId = await openDrop();
      const customers = await joinAll(dropId, 10);
      expect(await positions(dropId, customers), 'sequential joins of a fifo queue hold 1..10 in order').toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
      expect(await positions(dropId, customers), 'asking again changes nothing').toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
      await admit(dropId, 2);
      await queue().leave(dropId, customers[4]!);
      await queue().leave(dropId, customers[8]!);
      expect(
        await positions(dropId, customers),
        'after 2 admitted and the 5th and 9th left, the others close up in the same order, dense from 1',
      ).toEqual([null, null, 1, 2, null, 3, 4, 5, null, 6]);
    });

    registry.case('queue: admit takes the next shoppers in queue order, never more than count', async () => {
      const dropId = await openDrop();
      const customers = await joinAll(dropId, 6);
      const first = await admit(dropId, 4);
      expect(first.replayed, 'a new opId is not a replay').toBe(false);
      expect(first.admitted.map((admission) => admission.customerId), 'admit(4) admits the first four, in queue order').toEqual(
        customers.slice(0, 4),
      );
      for (const admission of first.admitted) {
        expect(admission.admittedUntil.getTime(), 'an admission lasts admitForMs from now').toBeGreaterThan(Date.now() + HOUR - 60_000);
      }
      expect(await stateOf(dropId, customers[0]!), 'an admitted shopper is ADMITTED').toBe('ADMITTED');
      const entry = await queue().position(dropId, customers[0]!);
      expect(entry?.position, 'an admitted shopper has no position').toBeNull();
      expect(entry?.admittedUntil?.getTime(), 'the entry carries admittedUntil').toBe(first.admitted[0]!.admittedUntil.getTime());
      const rest = await admit(dropId, 5);
      expect(rest.admitted.map((admission) => admission.customerId), 'admit(5) with 2 waiting admits those 2').toEqual(customers.slice(4));
      expect((await admit(dropId, 3)).admitted, 'admit with nobody waiting admits nobody').toEqual([]);
      expect((await admit(dropId, 0)).admitted, 'admit(0) admits nobody').toEqual([]);

      const crowd = await openDrop();
      await Promise.all(Array.from({ length: 60 }, () => queue().join(crowd, customer())));
      const batches = await Promise.all(Array.from({ length: 10 }, () => admit(crowd, 4)));
      const admitted = batches.flatMap((batch) => batch.admitted.map((admission) => admission.customerId));
      expect(admitted, '10 concurrent admit(4) admit exactly 40').toHaveLength(40);
      expect(new Set(admitted).size, 'nobody is admitted twice').toBe(40);
      expect((await queue().status(crowd))?.waiting, '20 of 60 still wait').toBe(20);
    });

    registry.case('queue: concurrent admits never exceed maxActive running admissions', async () => {
      const dropId = await openDrop();
      await Promise.all(Array.from({ length: 50 }, () => queue().join(dropId, customer())));
      const batches = await Promise.all(Array.from({ length: 12 }, () => admit(dropId, 5, { maxActive: 7 })));
      expect(
        batches.flatMap((batch) => batch.admitted),
        '12 concurrent admit(5, maxActive 7) admit exactly 7 in all',
      ).toHaveLength(7);
      expect((await queue().status(dropId))?.admitted, 'status counts 7 running admissions').toBe(7);
      expect((await admit(dropId, 5, { maxActive: 7 })).admitted, 'at maxActive a further admit admits nobody').toEqual([]);
      expect((await admit(dropId, 5, { maxActive: 9 })).admitted, 'a higher bound admits up to it').toHaveLength(2);
    });

    registry.case('queue: an admit repeated with its opId admits nobody more and returns the same shoppers', async () => {
      const dropId = await openDrop();
      const customers = await joinAll(dropId, 5);
      const request: AdmitRequest = { dropId, count: 2, admitForMs: HOUR, opId: randomUUID() };
      const first = await queue().admit(request);
      const repeats = await Promise.all(Array.from({ length: 5 }, () => queue().admit(request)));
      for (const repeat of repeats) {
        expect(repeat.replayed, 'repeating an opId is a replay').toBe(true);
        expect(
          repeat.admitted.map((admission) => [admission.customerId, admission.admittedUntil.getTime()]),
          'a replay returns the first call’s admissions',
        ).toEqual(first.admitted.map((admission) => [admission.customerId, admission.admittedUntil.getTime()]));
      }
      expect(await positions(dropId, customers), 'the repeats admitted nobody more').toEqual([null, null, 1, 2, 3]);
      const racing = { ...request, opId: randomUUID() };
      const raced = await Promise.all(Array.from({ length: 8 }, () => queue().admit(racing)));
      expect(raced.filter((result) => !result.replayed), 'of 8 concurrent admits with one opId exactly one applies').toHaveLength(1);
      expect((await queue().status(dropId))?.admitted, 'together they admitted 2 + 2').toBe(4);
    });

    registry.case('queue: nobody is admitted before the opening', async () => {
      for (const mode of ['fifo', 'raffle-then-fifo'] as const) {
        const dropId = await openDrop(mode, new Date(Date.now() + HOUR));
        const customers = await joinAll(dropId, 3);
        expect((await admit(dropId, 3)).admitted, `${mode}: admit before opensAt admits nobody`).toEqual([]);
        expect((await queue().status(dropId))?.waiting, `${mode}: everyone still waits`).toBe(3);
        expect(await stateOf(dropId, customers[0]!), `${mode}: a shopper is WAITING before the opening`).toBe('WAITING');
      }
    });

    registry.case(
      'queue: raffle: joins before the opening are drawn in random order at the opening; later arrivals queue FIFO behind them',
      async () => {
        const opensAt = new Date(Date.now() + 2_500);
        const dropId = await openDrop('raffle-then-fifo', opensAt);
        const early = await joinAll(dropId, 12);
        const status = await queue().status(dropId);
        expect(status?.drawn, 'a raffle is not drawn before its opening').toBe(false);
        expect(status?.waiting, 'the early joiners are counted as waiting').toBe(12);
        expect(await positions(dropId, early), 'before the draw nobody has a position').toEqual(Array(12).fill(null));

        await waitFor(async () => (await queue().status(dropId))?.drawn, { timeoutMs: 15_000, intervalMs: 100, message: 'the raffle to be drawn at its opening' });
        const late = await joinAll(dropId, 5);
        const drawn = await positions(dropId, early);
        expect([...drawn].sort((a, b) => a! - b!), 'the 12 early joiners hold positions 1..12 after the draw').toEqual(
          Array.from({ length: 12 }, (_, i) => i + 1),
        );
        // 1 in 12! (about 2e-9) that a fair draw reproduces the order of arrival.
        expect(drawn, 'the draw does not follow the order of arrival').not.toEqual(Array.from({ length: 12 }, (_, i) => i + 1));
        expect(await positions(dropId, late), 'later arrivals queue behind the raffle in order of arrival').toEqual([13, 14, 15, 16, 17]);
        expect(await positions(dropId, early), 'the draw is made once: positions stay as drawn').toEqual(drawn);
        const byDraw = early.map((customerId, i) => ({ customerId, place: drawn[i]! })).sort((a, b) => a.place - b.place);
        expect(
          (await admit(dropId, 3)).admitted.map((admission) => admission.customerId),
          'admission follows the drawn order',
        ).toEqual(byDraw.slice(0, 3).map((entry) => entry.customerId));
      },
      30_000,
    );

    registry.case('queue: fifo: shoppers are in order of arrival, also before the opening', async () => {
      const dropId = await openDrop('fifo', new Date(Date.now() + HOUR));
      const customers = await joinAll(dropId, 5);
      expect((await queue().status(dropId))?.drawn, 'a fifo queue is settled from the start').toBe(true);
      expect(await positions(dropId, customers), 'fifo positions follow arrival before the opening').toEqual([1, 2, 3, 4, 5]);
    });

    registry.case('queue: an admission idle past admittedUntil lapses, stops counting and frees its slot for the next shopper', async () => {
      const dropId = await openDrop();
      const [idle, next, kept] = await joinAll(dropId, 3);
      await admit(dropId, 1, { admitForMs: 1_500, maxActive: 1 });
      expect((await admit(dropId, 1, { maxActive: 1 })).admitted, 'the slot is taken while the admission runs').toEqual([]);
      await waitFor(async () => (await stateOf(dropId, idle!)) === 'EXPIRED', {
        timeoutMs: 10_000,
        intervalMs: 50,
        message: 'the 1.5 s admission to lapse',
      });
      expect((await queue().status(dropId))?.admitted, 'a lapsed admission stops counting as running before any sweep').toBe(0);
      expect(await queue().expire(dropId), 'expire() returns the lapsed shopper').toEqual([idle]);
      expect(await queue().expire(dropId), 'a second expire() finds nothing more').toEqual([]);
      const refill = await admit(dropId, 1, { maxActive: 1 });
      expect(refill.admitted.map((admission) => admission.customerId), 'the freed slot goes to the next shopper in line').toEqual([next]);
      expect(await stateOf(dropId, kept!), 'the shopper behind keeps waiting').toBe('WAITING');
      const joined = await queue().join(dropId, idle!);
      expect(joined.ok && !joined.joined && joined.entry.state, 'a lapsed shopper keeps their one entry: joining again returns it').toBe('EXPIRED');
      expect(await queue().complete(dropId, idle!).then((entry) => entry?.state), 'a lapsed admission cannot be used').toBe('EXPIRED');
    });

    registry.case('queue: complete marks an admission used; it no longer counts as running and cannot lapse', async () => {
      const dropId = await openDrop();
      const [buyer, waiting] = await joinAll(dropId, 2);
      await admit(dropId, 1, { admitForMs: 1_000 });
      const used = await queue().complete(dropId, buyer!);
      expect(used?.state, 'completing an admitted shopper marks them USED').toBe('USED');
      expect((await queue().complete(dropId, buyer!))?.state, 'completing again changes nothing').toBe('USED');
      expect((await queue().complete(dropId, waiting!))?.state, 'a waiting shopper cannot complete').toBe('WAITING');
      expect(await queue().complete(dropId, customer()), 'complete of a customer without an entry is null').toBeNull();
      await waitFor(() => Date.now() > used!.admittedUntil!.getTime() + 200, { timeoutMs: 5_000, message: 'admittedUntil to pass' });
      expect(await queue().expire(dropId), 'a used admission never lapses').toEqual([]);
      const status = await queue().status(dropId);
      expect([status?.admitted, status?.used, status?.abandoned], 'status: 0 running, 1 used, 0 abandoned').toEqual([0, 1, 0]);
    });

    registry.case('queue: leave takes a waiting or admitted shopper out and counts as abandoned', async () => {
      const dropId = await openDrop();
      const [admitted, waiting, behind] = await joinAll(dropId, 3);
      await admit(dropId, 1);
      expect((await queue().leave(dropId, waiting!))?.state, 'a waiting shopper who leaves is LEFT').toBe('LEFT');
      expect((await queue().position(dropId, behind!))?.position, 'the shopper behind moves up').toBe(1);
      expect((await queue().leave(dropId, admitted!))?.state, 'an admitted shopper who leaves is LEFT').toBe('LEFT');
      expect((await queue().status(dropId))?.admitted, 'a left admission stops counting as running').toBe(0);
      expect((await queue().leave(dropId, waiting!))?.state, 'leaving twice changes nothing').toBe('LEFT');
      const rejoined = await queue().join(dropId, waiting!);
      expect(rejoined.ok && !rejoined.joined && rejoined.entry.state, 'leaving is final: joining again returns the left entry').toBe('LEFT');
      expect(await queue().leave(dropId, customer()), 'leave of a customer without an entry is null').toBeNull();
      expect((await queue().status(dropId))?.abandoned, 'both are counted as abandoned').toBe(2);
    });

    registry.case('queue: status counts waiting, admitted, used and abandoned', async () => {
      const dropId = await openDrop('raffle-then-fifo');
      const customers = await joinAll(dropId, 8);
      await admit(dropId, 3);
      await admit(dropId, 1, { admitForMs: 1 });
      await queue().complete(dropId, customers[0]!);
      await queue().leave(dropId, customers[1]!);
      await queue().leave(dropId, customers[7]!);
      await waitFor(async () => (await stateOf(dropId, customers[3]!)) === 'EXPIRED', { timeoutMs: 5_000, message: 'the 1 ms admission to lapse' });
      const status = await queue().status(dropId);
      expect(status, 'status of the queue').toEqual({
        dropId,
        mode: 'raffle-then-fifo',
        opensAt: expect.any(Date),
        state: 'OPEN',
        drawn: true,
        waiting: 3,
        admitted: 1,
        used: 1,
        abandoned: 2 + 1,
        turnedAway: 0,
      });
      await queue().expire(dropId);
      expect((await queue().status(dropId))?.abandoned, 'expire() does not change the count of abandoned').toBe(3);
    });

    registry.case('queue: closeSoldOut turns the waiting away, refuses joins and admits nobody', async () => {
      const dropId = await openDrop();
      const [admitted, ...waiting] = await joinAll(dropId, 4);
      await admit(dropId, 1);
      const closed = await queue().closeSoldOut(dropId);
      expect([closed?.state, closed?.waiting, closed?.turnedAway, closed?.admitted], 'closed: SOLD_OUT, 0 waiting, 3 turned away, 1 running').toEqual([
        'SOLD_OUT',
        0,
        3,
        1,
      ]);
      for (const customerId of waiting) {
        const entry = await queue().position(dropId, customerId);
        expect([entry?.state, entry?.position], 'a shopper still waiting is told SOLD_OUT, without a position').toEqual(['SOLD_OUT', null]);
      }
      expect(await stateOf(dropId, admitted!), 'a running admission keeps its turn').toBe('ADMITTED');
      expect(await queue().join(dropId, customer()), 'a new join is refused SOLD_OUT').toEqual({ ok: false, reason: 'SOLD_OUT' });
      const again = await queue().join(dropId, waiting[0]!);
      expect(again.ok && !again.joined && again.entry.state, 'a turned-away shopper joining again sees SOLD_OUT').toBe('SOLD_OUT');
      expect((await admit(dropId, 5)).admitted, 'a closed queue admits nobody').toEqual([]);
      expect((await queue().closeSoldOut(dropId))?.state, 'closing again is harmless').toBe('SOLD_OUT');
    });

    registry.case('queue: configure is idempotent, moves opensAt only before the opening and keeps the mode', async () => {
      const dropId = `drop-${randomUUID()}`;
      const opensAt = new Date(Date.now() + HOUR);
      const created = await queue().configure(dropId, { opensAt, mode: 'raffle-then-fifo' });
      expect([created.mode, created.opensAt.getTime(), created.state, created.drawn, created.waiting], 'a new queue').toEqual([
        'raffle-then-fifo',
        opensAt.getTime(),
        'OPEN',
        false,
        0,
      ]);
      const repeated = await queue().configure(dropId, { opensAt, mode: 'raffle-then-fifo' });
      expect(repeated, 'configuring again with the same settings changes nothing').toEqual(created);
      await joinAll(dropId, 2);
      const later = new Date(opensAt.getTime() + HOUR);
      const moved = await queue().configure(dropId, { opensAt: later, mode: 'fifo' });
      expect([moved.opensAt.getTime(), moved.mode, moved.waiting], 'before the opening opensAt moves; the mode stays').toEqual([
        later.getTime(),
        'raffle-then-fifo',
        2,
      ]);
      const opened = await openDrop('fifo');
      const before = await queue().status(opened);
      const after = await queue().configure(opened, { opensAt: new Date(Date.now() + HOUR), mode: 'fifo' });
      expect(after.opensAt.getTime(), 'an opened queue keeps its opensAt').toBe(before?.opensAt.getTime());
    });

    registry.case('queue: a drop without a queue: NO_QUEUE, null and no admissions', async () => {
      const dropId = `drop-${randomUUID()}`;
      expect(await queue().join(dropId, customer()), 'join: NO_QUEUE').toEqual({ ok: false, reason: 'NO_QUEUE' });
      expect(await queue().position(dropId, customer()), 'position: null').toBeNull();
      expect(await queue().status(dropId), 'status: null').toBeNull();
      expect(await queue().closeSoldOut(dropId), 'closeSoldOut: null').toBeNull();
      expect(await queue().expire(dropId), 'expire: nothing').toEqual([]);
      expect(await admit(dropId, 3), 'admit: nobody').toEqual({ admitted: [], replayed: false });
      expect(await queue().position(await openDrop(), customer()), 'position of a customer who never joined: null').toBeNull();
    });

    registry.case('queue: bad input is rejected with VALIDATION', async () => {
      const dropId = await openDrop();
      const attempts: [string, () => Promise<unknown>][] = [
        ['join with an empty customer id', () => queue().join(dropId, '')],
        ['join with an empty drop id', () => queue().join('', customer())],
        ['position with a 201-character id', () => queue().position(dropId, 'x'.repeat(201))],
        ['configure with an invalid date', () => queue().configure(`drop-${randomUUID()}`, { opensAt: new Date(Number.NaN), mode: 'fifo' })],
        ['configure with an unknown mode', () => queue().configure(`drop-${randomUUID()}`, { opensAt: new Date(), mode: 'lottery' as AdmissionQueueMode })],
        ['admit a negative count', () => admit(dropId, -1)],
        ['admit a fractional count', () => admit(dropId, 1.5)],
        ['admit with a negative maxActive', () => admit(dropId, 1, { maxActive: -1 })],
        ['admit for 0 ms', () => admit(dropId, 1, { admitForMs: 0 })],
        ['admit with an empty opId', () => admit(dropId, 1, { opId: '' })],
      ];
      for (const [what, attempt] of attempts) {
        const error = await attempt().then(
          () => null,
          (thrown: unknown) => thrown,
        );
        expect(error, `${what} throws a LimitedCartError`).toBeInstanceOf(LimitedCartError);
        expect((error as LimitedCartError).code, `${what}: code VALIDATION`).toBe('VALIDATION');
      }
    });
  });
}
