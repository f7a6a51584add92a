import type { DomainEvent } from '@limitedcart/core';
import { describe, expect, it } from 'vitest';
import { createNotificationHub, type Notification } from '../src/hub.js';

let seq = 0;
const progress = (customerId: string, status: string): DomainEvent => ({
  id: `e${++seq}`,
  topic: 'orders',
  type: 'order.progress',
  aggregateId: 'o1',
  payload: { orderId: 'o1', customerId, status, reason: null, at: new Date().toISOString() },
  occurredAt: new Date().toISOString(),
});

describe('notification hub', () => {
  it('delivers only the customer’s own events, once each', () => {
    const hub = createNotificationHub();
    const seen: Notification[] = [];
    hub.subscribe('alice', (n) => seen.push(n));
    const event = progress('alice', 'PAYMENT_PENDING');
    hub.publish(event);
    hub.publish(event);
    hub.publish(progress('bob', 'CONFIRMED'));
    expect(seen.map((n) => n.data.status)).toEqual(['PAYMENT_PENDING']);
  });

  it('notifies one customer directly, retains it for replay, and lists the customers connected', () => {
    const hub = createNotificationHub();
    const seen: Notification[] = [];
    const stop = hub.subscribe('dora', (n) => seen.push(n));
    expect([...hub.connectedCustomers()]).toEqual(['dora']);
    const notice = { id: 'round-1.position', event: 'queue.position', data: { productId: 'p1', position: 3 } };
    hub.notify('dora', notice);
    hub.notify('dora', notice);
    hub.notify('erin', { id: 'round-1.admitted', event: 'queue.admitted', data: { productId: 'p1' } });
    expect(seen, 'once, to its customer only').toEqual([notice]);
    stop();
    expect([...hub.connectedCustomers()]).toEqual([]);
    const replayed: Notification[] = [];
    hub.subscribe('erin', (n) => replayed.push(n), 'unknown');
    expect(replayed.map((n) => n.event), 'retained while the customer was away').toEqual(['queue.admitted']);
  });

  it('replays after Last-Event-ID, or everything retained when the id is unknown', () => {
    const hub = createNotificationHub();
    const events = ['PENDING', 'PAYMENT_PENDING', 'CONFIRMED'].map((s) => progress('carol', s));
    for (const e of events) hub.publish(e);
    const afterFirst: string[] = [];
    hub.subscribe('carol', (n) => afterFirst.push(String(n.data.status)), events[0]!.id);
    expect(afterFirst).toEqual(['PAYMENT_PENDING', 'CONFIRMED']);
    const unknown: string[] = [];
    hub.subscribe('carol', (n) => unknown.push(String(n.data.status)), 'gone');
    expect(unknown).toEqual(['PENDING', 'PAYMENT_PENDING', 'CONFIRMED']);
  });

  it('bounds retained history and counts connections', () => {
    const hub = createNotificationHub({ retainPerCustomer: 2 });
    for (const s of ['A', 'B', 'C']) hub.publish(progress('dan', s));
    const replayed: string[] = [];
    const off = hub.subscribe('dan', (n) => replayed.push(String(n.data.status)), 'none');
    expect(replayed).toEqual(['B', 'C']);
    expect(hub.connections()).toBe(1);
    off();
    expect(hub.connections()).toBe(0);
  });

  it('keeps only the latest of notifications that supersede each other in the retained history', () => {
    const hub = createNotificationHub({ retainPerCustomer: 5 });
    hub.notify('fay', { id: 'r1.admitted', event: 'queue.admitted', data: { productId: 'p1' } });
    for (let round = 2; round < 40; round += 1) {
      hub.notify('fay', { id: `r${round}.position`, event: 'queue.position', data: { productId: 'p2', position: 100 - round }, supersedes: 'queue.position:p2' });
    }
    const replayed: Notification[] = [];
    hub.subscribe('fay', (n) => replayed.push(n), 'unknown');
    expect(
      replayed.map((n) => n.id),
      'a flood of positions keeps the admission and the latest position only',
    ).toEqual(['r1.admitted', 'r39.position']);
  });
});
