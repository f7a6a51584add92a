import { waitFor } from '@limitedcart/core/testing';
import { expect } from 'vitest';
import type { RowContext } from './fault-row.js';

/** Waits until both processes answer /readyz with `status`; a process that died fails the wait at once. */
export async function bothAnswer(ctx: RowContext, status: number, timeoutMs: number): Promise<void> {
  const processes = () => [ctx.api(), ctx.worker()];
  const outcome = await waitFor(
    async () => {
      if (processes().some((process) => !process.alive)) return 'died';
      const answers = await Promise.all(processes().map((process) => process.readiness()));
      return answers.every((answer) => answer === status) ? 'answered' : null;
    },
    { timeoutMs, intervalMs: 50, message: `api and worker to answer /readyz ${status}` },
  ).catch((error: unknown) => error);
  if (outcome !== 'answered') {
    const states = processes().map((process) => `${process.name}: ${process.alive ? 'alive' : `died ${JSON.stringify(process.exit)}`}`);
    throw new Error(`${outcome === 'died' ? 'a process died' : String(outcome)} (${states.join('; ')})\n${processes().map((p) => p.tail(15)).join('\n')}`);
  }
}

/**
 * An outage of a service only the worker depends on (here the event bus): the worker's /readyz goes
 * 503 while it lasts and 200 again by itself; the api, whose orders land in Postgres and its outbox, stays ready
 * and keeps accepting orders throughout; nobody dies.
 */
export const workerOutage = (cut: () => Promise<void>, restore: () => Promise<void>, lastsMs: number) => async (ctx: RowContext) => {
  const cutAt = Date.now();
  await cut();
  let apiNotReady = 0;
  let apiChecks = 0;
  const apiFailing: Record<string, number> = {};
  const watching = { on: true };
  const watchApi = (async () => {
    while (watching.on) {
      apiChecks += 1;
      const { status, failing } = await ctx.api().readinessDetail(ctx.adminToken);
      if (status !== 200) {
        apiNotReady += 1;
        for (const check of failing.length > 0 ? failing : [`status ${status}`]) apiFailing[check] = (apiFailing[check] ?? 0) + 1;
      }
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  })();
  const acceptedBefore = ctx.requests().filter((request) => request.path === '/api/orders' && request.status === 202).length;
  try {
    await waitFor(async () => (await ctx.worker().readiness()) === 503 || !ctx.worker().alive, {
      timeoutMs: 20_000,
      intervalMs: 50,
      message: `the worker to answer /readyz 503`,
    });
    const notReadyAfterMs = Date.now() - cutAt;
    // Orders keep coming while it is down: the api takes them into Postgres and the outbox.
    await ctx.underSteadyLoad(() => new Promise((resolve) => setTimeout(resolve, Math.max(0, lastsMs - (Date.now() - cutAt)))));
    const acceptedDuring = ctx.requests().filter((request) => request.path === '/api/orders' && request.status === 202).length - acceptedBefore;
    const startAt = Date.now();
    await restore();
    const upAfterMs = Date.now() - startAt;
    await bothAnswer(ctx, 200, 60_000);
    expect(apiNotReady, `api /readyz answers other than 200 during the outage (of ${apiChecks}; failing: ${JSON.stringify(apiFailing)})`).toBe(0);
    expect(acceptedDuring, 'orders the api accepted during the outage').toBeGreaterThan(0);
    return { outageMs: startAt - cutAt, notReadyAfterMs, serviceUpAfterMs: upAfterMs, readyAgainAfterMs: Date.now() - startAt, apiChecks, acceptedDuring };
  } finally {
    watching.on = false;
    await watchApi;
  }
};

