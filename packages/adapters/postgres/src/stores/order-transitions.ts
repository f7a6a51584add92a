import { allowedSources, type DomainEvent, type Order, type OrderStatus, type TransitionResult } from '@limitedcart/core';
import DataLoader from 'dataloader';
import { escapeLiteral, type Pool, type QueryResult } from 'pg';
import { isConnectionBroken, toError, toLimitedCartError } from '../errors.js';
import { appendStatements } from '../outbox.js';
import { commitDurably, onClient, perTurn, type TableNames } from '../sql.js';
import { type OrderRow, toOrder } from './rows.js';

export interface OrderTransition {
  readonly id: string;
  readonly to: OrderStatus;
  readonly reason: string | null;
  readonly announce: (order: Order) => readonly DomainEvent[];
}

/** A failure after which the group may be written again call by call: nothing of it was committed. */
class Retryable extends Error {}

const transitionValues = ({ id, to, reason }: OrderTransition): string =>
  [
    escapeLiteral(id),
    escapeLiteral(to),
    `${reason === null ? 'NULL' : escapeLiteral(reason)}::text`,
    `${escapeLiteral(`{${allowedSources(to).join(',')}}`)}::text[]`,
  ].join(', ');

/**
 * The transitions of a group (distinct orders) in one transaction and two round trips. The first message locks the
 * orders in id order (two groups never wait for each other in a cycle), reads their statuses and applies every
 * allowed move; the events of the moved orders, built from the moved rows, are appended with the commit and the
 * log flush in the second.
 */
const transitionAll = async (pool: Pool, t: TableNames, schema: string, group: readonly OrderTransition[]) => {
  const ids = group.map((transition) => escapeLiteral(transition.id)).join(', ');
  let committing = false;
  try {
    return await onClient(pool, 'transition orders', async (client) => {
      const send = (text: string) =>
        client.query(text).catch((error: unknown) => {
          throw toLimitedCartError(error, 'transition orders');
        }) as unknown as Promise<QueryResult[]>;
      const [, locked, moved] = await send(
        `BEGIN;
         SELECT id, status FROM ${t.orders} WHERE id IN (${ids}) ORDER BY id FOR UPDATE;
         UPDATE ${t.orders} AS o SET status = c.status, status_reason = c.reason, updated_at = clock_timestamp()
           FROM (VALUES (${group.map(transitionValues).join('), (')})) AS c (id, status, reason, sources)
           WHERE o.id = c.id AND o.status = ANY (c.sources) RETURNING o.*`,
      );
      const before = new Map((locked as QueryResult<{ id: string; status: OrderStatus }>).rows.map((row) => [row.id, row.status]));
      const after = new Map((moved as QueryResult<OrderRow>).rows.map((row) => [row.id, toOrder(row)]));
      const results = group.map((transition): TransitionResult => {
        const order = after.get(transition.id);
        if (order) return { ok: true, order };
        const current = before.get(transition.id);
        return current === undefined ? { ok: false, reason: 'NOT_FOUND' } : { ok: false, reason: 'ILLEGAL_TRANSITION', current };
      });
      const events = group.flatMap((transition, i) => {
        const result = results[i] as TransitionResult;
        return result.ok ? transition.announce(result.order) : [];
      });
      committing = true;
      await send(after.size === 0 ? 'ROLLBACK' : commitDurably([appendStatements(t, schema, events)]));
      return results;
    });
  } catch (error) {
    // A connection lost while committing leaves the outcome unknown; anything else rolled the group back.
    if (committing && isConnectionBroken(error)) throw error;
    throw new Retryable('group rolled back', { cause: error });
  }
};

/**
 * Order transitions of concurrent callers (the sagas of a drop), committed together: the transitions that arrive in
 * one turn of the event loop share one transaction, two round trips and one log flush, and each caller is answered
 * once the group is durable. Transitions of an order already in the group wait for the group and then go one by one
 * with `transitionOne`, in call order, so each sees the outcome of those before it.
 *
 * A group that fails (a lock timeout, an event that cannot be written) is written again call by call with
 * `transitionOne`, so only a failing call fails; a connection lost while committing fails the group instead, as
 * whether it committed is unknown (each transition is safe to retry: an order already moved reports its status).
 */
export const groupedOrderTransitions = (
  pool: Pool,
  t: TableNames,
  schema: string,
  transitionOne: (transition: OrderTransition) => Promise<TransitionResult>,
) =>
  new DataLoader<OrderTransition, TransitionResult>(
    async (calls) => {
      const seen = new Set<string>();
      const group = calls.filter((call) => !seen.has(call.id) && seen.add(call.id));
      const outcomes = new Map<OrderTransition, TransitionResult | Error>();
      try {
        const results = await transitionAll(pool, t, schema, group);
        group.forEach((call, i) => {
          outcomes.set(call, results[i] as TransitionResult);
        });
      } catch (error) {
        if (!(error instanceof Retryable)) throw error;
        // The database's errors arrive mapped; an `announce` that threw passes through as `run` would pass it.
        if (group.length === 1) throw error.cause;
        await Promise.all(
          group.map(async (call) => outcomes.set(call, await transitionOne(call).catch((one: unknown) => toError(one)))),
        );
      }
      for (const call of calls) {
        if (!outcomes.has(call)) outcomes.set(call, await transitionOne(call).catch((one: unknown) => toError(one)));
      }
      return calls.map((call) => outcomes.get(call) as TransitionResult | Error);
    },
    perTurn(100),
  );
