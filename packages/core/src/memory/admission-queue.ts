import { randomInt } from 'node:crypto';
import {
  type Admission,
  type AdmissionEntry,
  type AdmissionQueue,
  type AdmissionQueueSettings,
  type AdmissionQueueState,
  type AdmissionQueueStatus,
  admissionQueueInput as input,
} from '../ports/admission-queue.js';
import type { Clock } from '../ports/small-ports.js';
import { createSystemClock } from './clock.js';

export interface MemoryAdmissionQueueOptions {
  /** The queue's clock: opening, draws and lapsed admissions go by it. Default: the system clock. */
  readonly clock?: Clock;
}

type StoredState = 'WAITING' | 'ADMITTED' | 'USED' | 'EXPIRED' | 'LEFT';

interface Entry {
  readonly customerId: string;
  state: StoredState;
  /** Place in the line's order; null until a raffle's draw. */
  ticket: number | null;
  readonly joinedAt: Date;
  admittedUntil: number | null;
}

interface Drop {
  settings: AdmissionQueueSettings;
  state: AdmissionQueueState;
  drawn: boolean;
  nextTicket: number;
  readonly entries: Map<string, Entry>;
  /** Customers waiting with a ticket, in ticket order (tickets are handed out in increasing order). */
  waiting: Entry[];
  /** Customers who joined a raffle before its draw. */
  early: Entry[];
  readonly admitted: Set<Entry>;
  readonly ops: Map<string, readonly Admission[]>;
  left: number;
  expired: number;
  used: number;
}

/** Lets other callers run first, as a round trip would; each operation's critical section after it is synchronous. */
const yieldToOthers = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/** Index of the first entry whose ticket is ≥ `ticket` in a ticket-ordered list. */
const lowerBound = (list: readonly Entry[], ticket: number): number => {
  let low = 0;
  let high = list.length;
  while (low < high) {
    const middle = (low + high) >>> 1;
    if (list[middle]!.ticket! < ticket) low = middle + 1;
    else high = middle;
  }
  return low;
};

/** The in-memory admission queue: the reference behaviour the Postgres and Redis queues match. */
export function createMemoryAdmissionQueue(options: MemoryAdmissionQueueOptions = {}): AdmissionQueue {
  const clock = options.clock ?? createSystemClock();
  const drops = new Map<string, Drop>();

  /** Brings the drop up to date with the clock: draws a raffle that has opened. */
  const settle = (drop: Drop, now: number): void => {
    if (drop.drawn || now < drop.settings.opensAt.getTime()) return;
    const early = drop.early;
    // Fisher-Yates with a cryptographic source: nobody can predict or bias the draw.
    for (let i = early.length - 1; i > 0; i -= 1) {
      const j = randomInt(i + 1);
      [early[i], early[j]] = [early[j]!, early[i]!];
    }
    for (const entry of early) entry.ticket = drop.nextTicket++;
    // Raffle tickets come before any ticket handed out later, so the waiting list stays in ticket order.
    drop.waiting = [...early.filter((entry) => entry.state === 'WAITING'), ...drop.waiting];
    drop.early = [];
    drop.drawn = true;
  };

  const isLapsed = (entry: Entry, now: number): boolean => entry.state === 'ADMITTED' && entry.admittedUntil! <= now;

  const view = (dropId: string, drop: Drop, entry: Entry, now: number): AdmissionEntry => {
    let state: AdmissionEntry['state'] = isLapsed(entry, now) ? 'EXPIRED' : entry.state;
    if (state === 'WAITING' && drop.state === 'SOLD_OUT') state = 'SOLD_OUT';
    const position = state === 'WAITING' && entry.ticket !== null ? lowerBound(drop.waiting, entry.ticket) + 1 : null;
    return {
      dropId,
      customerId: entry.customerId,
      state,
      position,
      joinedAt: entry.joinedAt,
      admittedUntil: entry.admittedUntil === null ? null : new Date(entry.admittedUntil),
    };
  };

  const removeWaiting = (drop: Drop, entry: Entry): void => {
    if (entry.ticket === null) {
      drop.early = drop.early.filter((other) => other !== entry);
      return;
    }
    const index = lowerBound(drop.waiting, entry.ticket);
    if (drop.waiting[index] === entry) drop.waiting.splice(index, 1);
  };

  const activeAdmissions = (drop: Drop, now: number): number => {
    let active = 0;
    for (const entry of drop.admitted) if (entry.admittedUntil! > now) active += 1;
    return active;
  };

  const statusOf = (dropId: string, drop: Drop, now: number): AdmissionQueueStatus => {
    const lined = drop.waiting.length + drop.early.length;
    const active = activeAdmissions(drop, now);
    const open = drop.state === 'OPEN';
    return {
      dropId,
      mode: drop.settings.mode,
      opensAt: drop.settings.opensAt,
      state: drop.state,
      drawn: drop.drawn,
      waiting: open ? lined : 0,
      admitted: active,
      used: drop.used,
      abandoned: drop.left + drop.expired + (drop.admitted.size - active),
      turnedAway: open ? 0 : lined,
    };
  };

  /** The drop, settled at `now`, or undefined. */
  const current = (dropId: string, now: number): Drop | undefined => {
    const drop = drops.get(dropId);
    if (drop) settle(drop, now);
    return drop;
  };

  return {
    async configure(dropId, settings) {
      input.settings(dropId, settings);
      await yieldToOthers();
      const now = clock.now().getTime();
      let drop = current(dropId, now);
      if (!drop) {
        drop = {
          settings: { opensAt: new Date(settings.opensAt), mode: settings.mode },
          state: 'OPEN',
          drawn: settings.mode === 'fifo',
          nextTicket: 1,
          entries: new Map(),
          waiting: [],
          early: [],
          admitted: new Set(),
          ops: new Map(),
          left: 0,
          expired: 0,
          used: 0,
        };
        drops.set(dropId, drop);
        settle(drop, now);
      } else if (drop.state === 'OPEN' && now < drop.settings.opensAt.getTime()) {
        drop.settings = { ...drop.settings, opensAt: new Date(settings.opensAt) };
        settle(drop, now);
      }
      return statusOf(dropId, drop, now);
    },

    async join(dropId, customerId) {
      input.entry(dropId, customerId);
      await yieldToOthers();
      const now = clock.now().getTime();
      const drop = current(dropId, now);
      if (!drop) return { ok: false, reason: 'NO_QUEUE' };
      const existing = drop.entries.get(customerId);
      if (existing) return { ok: true, joined: false, entry: view(dropId, drop, existing, now) };
      if (drop.state === 'SOLD_OUT') return { ok: false, reason: 'SOLD_OUT' };
      const entry: Entry = { customerId, state: 'WAITING', ticket: null, joinedAt: new Date(now), admittedUntil: null };
      drop.entries.set(customerId, entry);
      if (drop.drawn) {
        entry.ticket = drop.nextTicket++;
        drop.waiting.push(entry);
      } else {
        drop.early.push(entry);
      }
      return { ok: true, joined: true, entry: view(dropId, drop, entry, now) };
    },

    async position(dropId, customerId) {
      input.entry(dropId, customerId);
      await yieldToOthers();
      const now = clock.now().getTime();
      const drop = current(dropId, now);
      const entry = drop?.entries.get(customerId);
      return drop && entry ? view(dropId, drop, entry, now) : null;
    },

    async admit(request) {
      input.admit(request);
      await yieldToOthers();
      const now = clock.now().getTime();
      const drop = current(request.dropId, now);
      if (!drop) return { admitted: [], replayed: false };
      const previous = drop.ops.get(request.opId);
      if (previous) return { admitted: previous, replayed: true };
      let room = request.count;
      if (request.maxActive !== undefined) room = Math.min(room, Math.max(0, request.maxActive - activeAdmissions(drop, now)));
      const open = drop.state === 'OPEN' && drop.drawn && now >= drop.settings.opensAt.getTime();
      const chosen = open ? drop.waiting.splice(0, room) : [];
      const admittedUntil = now + request.admitForMs;
      for (const entry of chosen) {
        entry.state = 'ADMITTED';
        entry.admittedUntil = admittedUntil;
        drop.admitted.add(entry);
      }
      const admitted = chosen.map((entry) => ({ customerId: entry.customerId, admittedUntil: new Date(admittedUntil) }));
      drop.ops.set(request.opId, admitted);
      return { admitted, replayed: false };
    },

    async complete(dropId, customerId) {
      input.entry(dropId, customerId);
      await yieldToOthers();
      const now = clock.now().getTime();
      const drop = current(dropId, now);
      const entry = drop?.entries.get(customerId);
      if (!drop || !entry) return null;
      if (entry.state === 'ADMITTED' && !isLapsed(entry, now)) {
        entry.state = 'USED';
        drop.admitted.delete(entry);
        drop.used += 1;
      }
      return view(dropId, drop, entry, now);
    },

    async leave(dropId, customerId) {
      input.entry(dropId, customerId);
      await yieldToOthers();
      const now = clock.now().getTime();
      const drop = current(dropId, now);
      const entry = drop?.entries.get(customerId);
      if (!drop || !entry) return null;
      const waiting = entry.state === 'WAITING' && drop.state === 'OPEN';
      const admitted = entry.state === 'ADMITTED' && !isLapsed(entry, now);
      if (waiting) removeWaiting(drop, entry);
      if (admitted) drop.admitted.delete(entry);
      if (waiting || admitted) {
        entry.state = 'LEFT';
        drop.left += 1;
      }
      return view(dropId, drop, entry, now);
    },

    async expire(dropId) {
      input.drop(dropId);
      await yieldToOthers();
      const now = clock.now().getTime();
      const drop = current(dropId, now);
      if (!drop) return [];
      const lapsed: string[] = [];
      for (const entry of drop.admitted) {
        if (entry.admittedUntil! > now) continue;
        entry.state = 'EXPIRED';
        drop.admitted.delete(entry);
        drop.expired += 1;
        lapsed.push(entry.customerId);
      }
      return lapsed;
    },

    async closeSoldOut(dropId) {
      input.drop(dropId);
      await yieldToOthers();
      const now = clock.now().getTime();
      const drop = current(dropId, now);
      if (!drop) return null;
      drop.state = 'SOLD_OUT';
      return statusOf(dropId, drop, now);
    },

    async status(dropId) {
      input.drop(dropId);
      await yieldToOthers();
      const now = clock.now().getTime();
      const drop = current(dropId, now);
      return drop ? statusOf(dropId, drop, now) : null;
    },
  };
}
