import { describe, expect, it } from 'vitest';
import type { DomainEvent } from '../src/domain/events.js';
import { newId } from '../src/domain/ids.js';
import { createMemoryEventBus } from '../src/memory/event-bus.js';
import { describeEventBusContract } from '../src/testing/event-bus-contract.js';
import { waitFor } from '../src/testing/wait-for.js';

describeEventBusContract('memory', async () => {
  const bus = createMemoryEventBus({ retryDelayMs: 5 });
  return { bus, close: () => bus.close() };
});

const event = (topic: string, n: number, aggregateId: string = newId()): DomainEvent => ({
  id: newId(),
  topic,
  type: 'test.event',
  aggregateId,
  payload: { n },
  occurredAt: new Date().toISOString(),
});

describe('memory event bus', () => {
  it('round-robins a group between its members', async () => {
    const bus = createMemoryEventBus();
    const seen: [string[], string[]] = [[], []];
    await bus.subscribe('t', 'g', async (e) => void seen[0].push(e.id));
    await bus.subscribe('t', 'g', async (e) => void seen[1].push(e.id));
    const events = Array.from({ length: 10 }, (_, n) => event('t', n));
    await bus.publish(events);
    await waitFor(() => seen[0].length + seen[1].length === 10);
    expect(seen[0].length).toBeGreaterThan(0);
    expect(seen[1].length).toBeGreaterThan(0);
    await bus.close();
  });

  it('a new group starts from the earliest retained event; a returning group resumes where it left', async () => {
    const bus = createMemoryEventBus();
    const before = event('t', 1);
    await bus.publish([before]);
    const late: string[] = [];
    const subscription = await bus.subscribe('t', 'late', async (e) => void late.push(e.id));
    await waitFor(() => late.includes(before.id));

    await subscription.unsubscribe();
    const whileAway = event('t', 2);
    await bus.publish([whileAway]);
    const back: string[] = [];
    await bus.subscribe('t', 'late', async (e) => void back.push(e.id));
    await waitFor(() => back.includes(whileAway.id));
    expect(back).toEqual([whileAway.id]);
    await bus.close();
  });

  it('with newGroupsStartAt latest, a new group only gets later events', async () => {
    const bus = createMemoryEventBus({ newGroupsStartAt: 'latest' });
    const before = event('t', 1);
    await bus.publish([before]);
    const seen: string[] = [];
    await bus.subscribe('t', 'g', async (e) => void seen.push(e.id));
    const after = event('t', 2);
    await bus.publish([after]);
    await waitFor(() => seen.includes(after.id));
    expect(seen).toEqual([after.id]);
    await bus.close();
  });

  it('retains at most retainedEventsPerTopic events for new groups', async () => {
    const bus = createMemoryEventBus({ retainedEventsPerTopic: 2 });
    const events = [event('t', 1), event('t', 2), event('t', 3)];
    await bus.publish(events);
    const seen: string[] = [];
    await bus.subscribe('t', 'g', async (e) => void seen.push(e.id));
    await waitFor(() => seen.length === 2);
    expect(seen.sort()).toEqual([events[1]!.id, events[2]!.id].sort());
    await bus.close();
  });

  it('hands each handler its own copy of the event', async () => {
    const bus = createMemoryEventBus();
    const seen: DomainEvent[] = [];
    await bus.subscribe('t', 'a', async (e) => {
      (e.payload as { n: number }).n = 99;
      seen.push(e);
    });
    await bus.subscribe('t', 'b', async (e) => void seen.push(e));
    const original = event('t', 1);
    await bus.publish([original]);
    await waitFor(() => seen.length === 2);
    expect(seen.map((e) => e.payload.n).sort()).toEqual([1, 99]);
    expect(original.payload.n).toBe(1);
    await bus.close();
  });

  it('close cancels pending redeliveries and rejects further use', async () => {
    const bus = createMemoryEventBus({ retryDelayMs: 60_000 });
    let attempts = 0;
    await bus.subscribe('t', 'g', async () => {
      attempts += 1;
      throw new Error('always fails');
    });
    await bus.publish([event('t', 1)]);
    await waitFor(() => attempts === 1);
    await bus.close();
    await expect(bus.publish([event('t', 2)])).rejects.toMatchObject({ code: 'INFRASTRUCTURE' });
    await expect(bus.subscribe('t', 'g', async () => {})).rejects.toMatchObject({ code: 'INFRASTRUCTURE' });
    expect(attempts).toBe(1);
  });

  it('rejects events without id, topic or aggregate', async () => {
    const bus = createMemoryEventBus();
    await expect(bus.publish([{ ...event('t', 1), aggregateId: '' }])).rejects.toMatchObject({ code: 'VALIDATION' });
    await bus.close();
  });
});
