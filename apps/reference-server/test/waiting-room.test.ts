import { waitFor } from '@limitedcart/core/testing';
import { deriveKey } from 'altcha-lib/algorithms/sha';
import { solveChallenge } from 'altcha-lib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openSse, type SseStream } from './sse.js';
import { client, createStockedProduct, createUsers, type Json, startTestServer, type TestServer, type TestUser, VALID_CARD } from './support.js';

const { REDIS_URL } = process.env;
if (!REDIS_URL) {
  if (process.env.CI) throw new Error('REDIS_URL is required in CI for the waiting room on the redis profile');
  console.warn('waiting-room.test.ts: the redis profile is skipped: REDIS_URL is not set');
}

/** Fast rounds and two order attempts per admission, so a spent token is reached in three orders. */
const QUEUE_ENV = { QUEUE_ADMIT_INTERVAL_MS: '100', ADMISSION_ATTEMPTS: '2', PAYMENT_WINDOW_SECONDS: '60', HOLD_SWEEP_INTERVAL_MS: '250' };

const PROFILES: readonly { name: string; env: Record<string, string>; skip: boolean }[] = [
  { name: 'postgres (embedded, or DATABASE_URL)', env: {}, skip: false },
  { name: 'redis', env: REDIS_URL ? { REDIS_URL } : {}, skip: !REDIS_URL },
];

const SHOPPERS = 24;
const UNITS = 3;

describe.each(PROFILES)('the waiting room of a drop, $name profile', ({ env, skip }) => {
  let server: TestServer;
  let admin: TestUser;
  const streams: SseStream[] = [];

  beforeAll(async () => {
    if (skip) return;
    server = await startTestServer('postgres', { ...QUEUE_ENV, ...env });
    admin = (await createUsers(server, 1, ['ADMIN'], 'admin'))[0]!;
  }, 90_000);

  afterAll(async () => {
    for (const stream of streams) stream.close();
    await server?.close();
  });

  const stream = async (shopper: TestUser, lastEventId?: string) => {
    const opened = await openSse(`${server.url}/api/notifications/stream`, {
      authorization: `Bearer ${shopper.token}`,
      ...(lastEventId === undefined ? {} : { 'last-event-id': lastEventId }),
    });
    streams.push(opened);
    return opened;
  };
  const eventsOf = (opened: SseStream, type: string) => opened.events.filter((event) => event.event === type).map((event) => ({ id: event.id, data: JSON.parse(event.data) }));

  it.skipIf(skip)(
    'draws a raffle at the opening, admits by stock, checks tokens, passes lapsed turns on and ends sold out',
    async () => {
      const api = client(server.url);
      const shoppers = await createUsers(server, SHOPPERS, ['USER'], 'queued');
      const outsider = (await createUsers(server, 1, ['USER'], 'outsider'))[0]!;
      const product = await createStockedProduct(server, { units: UNITS, limit: 1, name: 'Queued sneaker' });
      const path = `/api/drops/${product.id}/queue`;

      expect((await api.get(path)).body.code).toBe('NO_QUEUE');
      const opensAt = new Date(Date.now() + 4_000);
      const configured = await api.put(
        `/api/admin/drops/${product.id}/queue`,
        { opensAt: opensAt.toISOString(), mode: 'raffle-then-fifo', admitForSeconds: 15, abandonmentMargin: 0 },
        { token: admin.token },
      );
      expect(configured.status).toBe(200);
      expect(configured.body).toMatchObject({ productId: product.id, mode: 'raffle-then-fifo', state: 'OPEN', drawn: false, admitForSeconds: 15, proofOfWork: null });

      // Every shopper's stream is open before anything happens.
      const byShopper = new Map<string, SseStream>();
      for (const shopper of shoppers) byShopper.set(shopper.id, await stream(shopper));

      // Joins before the opening: no position yet, only the draw's time; joining again returns the same entry.
      for (const shopper of shoppers) {
        const joined = await api.post(path, {}, { token: shopper.token });
        expect(joined.status).toBe(200);
        expect(joined.body).toMatchObject({ productId: product.id, state: 'WAITING', position: null, drawAt: opensAt.toISOString(), admissionToken: null });
      }
      const again = await api.post(path, {}, { token: shoppers[0]!.token });
      expect(again.body).toMatchObject({ state: 'WAITING', position: null });
      // The public status is shared from one read per process for up to queueViewCacheMs (500 ms).
      await expect
        .poll(async () => (await api.get(path)).body, { timeout: 5_000, interval: 100 })
        .toMatchObject({ waiting: SHOPPERS, drawn: false, proofOfWork: false });

      // Orders of a queued product need an admission.
      const unadmitted = await api.post('/api/orders', { productId: product.id, quantity: 1 }, { token: outsider.token });
      expect([unadmitted.status, unadmitted.body.code]).toEqual([403, 'ADMISSION_REQUIRED']);

      // The opening: the draw, then admissions up to the units plus the margin (at least one): 4 running.
      const target = UNITS + 1;
      await waitFor(async () => (await api.get(`/api/admin/drops/${product.id}/queue`, { token: admin.token })).body.admitted === target, {
        timeoutMs: 20_000,
        message: 'the first admissions',
      });
      const admittedAt = Date.now();
      const tickets = await Promise.all(shoppers.map(async (shopper) => (await api.get(`${path}/me`, { token: shopper.token })).body));
      const admitted = shoppers.filter((_, index) => tickets[index].state === 'ADMITTED');
      expect(admitted).toHaveLength(target);
      const waitingPositions = tickets.filter((ticket) => ticket.state === 'WAITING').map((ticket) => ticket.position);
      expect([...waitingPositions].sort((a, b) => a - b)).toEqual(Array.from({ length: SHOPPERS - target }, (_, i) => i + 1));
      // The draw, not the order of arrival: the line is not the join order.
      const lineOrder = tickets.map((ticket, index) => ({ index, rank: ticket.state === 'ADMITTED' ? 0 : ticket.position })).sort((a, b) => a.rank - b.rank);
      expect(lineOrder.map((entry) => entry.index)).not.toEqual(Array.from({ length: SHOPPERS }, (_, i) => i));
      for (const ticket of tickets) {
        expect(ticket.drawAt).toBeNull();
        if (ticket.state === 'ADMITTED') expect(typeof ticket.admissionToken).toBe('string');
        else expect(ticket.estimatedWaitSeconds).toBeGreaterThanOrEqual(0);
      }

      // Each admitted shopper is told on their stream, with a token; the waiting get their position.
      const tokenOf = new Map<string, string>();
      for (const shopper of admitted) {
        const event = await waitFor(() => eventsOf(byShopper.get(shopper.id)!, 'queue.admitted')[0], { message: 'queue.admitted' });
        expect(event.id).toBeTruthy();
        expect(event.data).toMatchObject({ productId: product.id, admittedUntil: expect.any(String), admissionToken: expect.any(String) });
        tokenOf.set(shopper.id, event.data.admissionToken);
      }
      const waitingShopper = shoppers.find((_, index) => tickets[index].state === 'WAITING')!;
      const position = await waitFor(() => eventsOf(byShopper.get(waitingShopper.id)!, 'queue.position').at(-1), { message: 'queue.position' });
      expect(position.data).toMatchObject({ productId: product.id, position: expect.any(Number), waiting: expect.any(Number) });

      const [buyer, lapser, second, third] = admitted as [TestUser, TestUser, TestUser, TestUser];
      const order = (shopper: TestUser, admissionToken?: string) =>
        api.post('/api/orders', { productId: product.id, quantity: 1, ...(admissionToken === undefined ? {} : { admissionToken }) }, { token: shopper.token });

      // Forged, another customer's, another drop's and an expired token are refused before the gate.
      expect((await order(buyer, 'not-a-token')).body.code).toBe('ADMISSION_INVALID');
      const forged = `${tokenOf.get(buyer.id)!.slice(0, -4)}AAAA`;
      expect((await order(buyer, forged)).body.code).toBe('ADMISSION_INVALID');
      // (Well within the admission: a failure here would otherwise read as a refused token.)
      expect(Date.now() - admittedAt).toBeLessThan(10_000);
      const stolen = await order(outsider, tokenOf.get(buyer.id));
      expect([stolen.status, stolen.body.code]).toEqual([403, 'ADMISSION_INVALID']);
      const expiredToken = await server.engine.useCases.issueAdmissionToken({ customerId: buyer.id, dropId: product.id, admittedUntil: new Date(Date.now() - 5_000) });
      const expired = await order(buyer, expiredToken);
      expect([expired.status, expired.body.code]).toEqual([409, 'ADMISSION_EXPIRED']);

      // The admitted buyer orders; the token's budget (2 attempts) is then spent.
      const placed = await order(buyer, tokenOf.get(buyer.id));
      expect(placed.status).toBe(202);
      expect((await api.get(`${path}/me`, { token: buyer.token })).body.state).toBe('USED');
      expect((await order(buyer, tokenOf.get(buyer.id))).body.code).toBe('LIMIT_EXCEEDED');
      const spent = await order(buyer, tokenOf.get(buyer.id));
      expect([spent.status, spent.body.code]).toEqual([409, 'ADMISSION_SPENT']);

      // A second admitted shopper orders; the other two never do: their admissions lapse, they are told, and their
      // turns go to the next two in line (1 unit left + 1 margin).
      expect((await order(second, tokenOf.get(second.id))).status).toBe(202);
      for (const shopper of [lapser, third]) {
        const lapsed = await waitFor(() => eventsOf(byShopper.get(shopper.id)!, 'queue.lapsed')[0], { timeoutMs: 40_000, message: 'queue.lapsed' });
        expect(lapsed.data).toEqual({ productId: product.id });
        expect((await api.get(`${path}/me`, { token: shopper.token })).body.state).toBe('EXPIRED');
      }
      const nextTwo = await waitFor(
        async () => {
          const now = await Promise.all(shoppers.map(async (shopper) => (await api.get(`${path}/me`, { token: shopper.token })).body));
          const newly = shoppers.filter((shopper, index) => now[index].state === 'ADMITTED' && !admitted.includes(shopper));
          return newly.length === 2 ? newly : null;
        },
        { timeoutMs: 20_000, message: 'the next two admitted' },
      );
      const nextTokens = await Promise.all(
        nextTwo.map((shopper) => waitFor(() => eventsOf(byShopper.get(shopper.id)!, 'queue.admitted')[0]?.data.admissionToken as string | undefined)),
      );
      const last = await Promise.all(nextTwo.map((shopper, index) => order(shopper, nextTokens[index])));
      expect(last.map((response) => response.status).sort()).toEqual([202, 409]);
      const lastBuyer = nextTwo[last.findIndex((response) => response.status === 202)]!;
      const outOfLuck = nextTwo[last.findIndex((response) => response.status === 409)]!;

      // Reconnecting with Last-Event-ID replays the queue events after it.
      const firstId = byShopper.get(lapser.id)!.events.find((event) => event.id !== null && event.event.startsWith('queue.'))!.id!;
      const replayed = await stream(lapser, firstId);
      await waitFor(() => eventsOf(replayed, 'queue.lapsed').length === 1, { message: 'replayed queue.lapsed' });

      // The three orders are paid: nothing is held or available any more, and the queue closes sold out for everyone
      // still waiting.
      for (const shopper of [buyer, second, lastBuyer]) {
        const { body } = await api.get('/api/orders', { token: shopper.token });
        const orderId = body.items[0].id as string;
        await waitFor(async () => (await api.get(`/api/orders/${orderId}`, { token: shopper.token })).body.order.status === 'PAYMENT_PENDING', {
          message: 'payment pending',
        });
        const initiated = await api.post('/api/payments/initiate', { orderId }, { token: shopper.token });
        expect(initiated.status).toBe(201);
        const processed = await api.post('/api/payments/process', { token: String(initiated.body.paymentLink).split('/pay/')[1], card: VALID_CARD });
        expect(processed.status).toBe(200);
      }
      const closed = await waitFor(async () => {
        const { body } = await api.get(path);
        return body.state === 'SOLD_OUT' ? body : null;
      }, { timeoutMs: 30_000, message: 'the queue closed sold out' });
      expect(closed.waiting).toBe(0);
      const stillWaiting = shoppers.filter((shopper) => ![...admitted, ...nextTwo].includes(shopper));
      expect((await api.get(`${path}/me`, { token: outOfLuck.token })).body.state).toBe('ADMITTED');
      const turnedAway = [];
      for (const shopper of stillWaiting) {
        const ticket = (await api.get(`${path}/me`, { token: shopper.token })).body;
        if (ticket.state === 'SOLD_OUT') turnedAway.push(shopper);
      }
      expect(turnedAway).toHaveLength(stillWaiting.length);
      for (const shopper of turnedAway) {
        await waitFor(() => eventsOf(byShopper.get(shopper.id)!, 'queue.sold-out').length === 1, { message: 'queue.sold-out' });
      }
      const late = await api.post(path, {}, { token: outsider.token });
      expect([late.status, late.body.code]).toEqual([409, 'SOLD_OUT']);
      const report = await api.get(`/api/admin/drops/${product.id}/queue`, { token: admin.token });
      expect(report.body).toMatchObject({ state: 'SOLD_OUT', used: 3, turnedAway: turnedAway.length });
      expect(report.body.abandoned).toBeGreaterThanOrEqual(1);

      // Leaving is final; someone never in the queue is not in it.
      expect((await api.delete(`${path}/me`, { token: outsider.token })).body.code).toBe('NOT_IN_QUEUE');
      expect((await api.get(`${path}/me`, { token: outsider.token })).body.code).toBe('NOT_IN_QUEUE');
    },
    120_000,
  );

  it.skipIf(skip)('caps entries per client address and asks for proof of work when the drop wants it', async () => {
    const api = client(server.url);
    const [a, b, c, d] = (await createUsers(server, 4, ['USER'], 'bot')) as [TestUser, TestUser, TestUser, TestUser];
    const capped = await createStockedProduct(server, { units: 5 });
    await api.put(
      `/api/admin/drops/${capped.id}/queue`,
      { opensAt: new Date(Date.now() + 60_000).toISOString(), mode: 'fifo', maxEntriesPerAddress: 2 },
      { token: admin.token },
    );
    const path = `/api/drops/${capped.id}/queue`;
    expect((await api.post(path, {}, { token: a.token })).body).toMatchObject({ state: 'WAITING', position: 1 });
    expect((await api.post(path, {}, { token: b.token })).body).toMatchObject({ state: 'WAITING', position: 2 });
    const third = await api.post(path, {}, { token: c.token });
    expect([third.status, third.body.code]).toEqual([429, 'QUEUE_ADDRESS_CAP']);
    // A repeated join is not a new entry.
    expect((await api.post(path, {}, { token: a.token })).status).toBe(200);
    const report = await api.get(`/api/admin/drops/${capped.id}/queue`, { token: admin.token });
    expect(report.body).toMatchObject({ maxEntriesPerAddress: 2, waiting: 2 });
    expect(report.body.suspiciousAddresses).toEqual([{ address: expect.any(String), entries: 2 }]);

    const guarded = await createStockedProduct(server, { units: 5 });
    await api.put(
      `/api/admin/drops/${guarded.id}/queue`,
      { opensAt: new Date(Date.now() + 60_000).toISOString(), mode: 'fifo', proofOfWork: { difficulty: 2_000 } },
      { token: admin.token },
    );
    const guardedPath = `/api/drops/${guarded.id}/queue`;
    expect((await api.get(guardedPath)).body.proofOfWork).toBe(true);
    const missing = await api.post(guardedPath, {}, { token: d.token });
    expect([missing.status, missing.body.code]).toEqual([403, 'PROOF_OF_WORK_REQUIRED']);
    const garbage = await api.post(guardedPath, { altcha: 'bm90IGEgc29sdXRpb24=' }, { token: d.token });
    expect([garbage.status, garbage.body.code]).toEqual([403, 'PROOF_OF_WORK_INVALID']);

    const solve = async (productId: string) => {
      const challenge = (await api.get(`/api/drops/${productId}/queue/challenge`, { token: d.token })).body as Json;
      const solution = await solveChallenge({ challenge, deriveKey });
      return Buffer.from(JSON.stringify({ challenge, solution })).toString('base64');
    };
    // A wrong answer to a real challenge, and a solution of another drop's challenge, are refused.
    const challenge = (await api.get(`${guardedPath}/challenge`, { token: d.token })).body as Json;
    const wrong = Buffer.from(JSON.stringify({ challenge, solution: { counter: 1, derivedKey: '00'.repeat(32) } })).toString('base64');
    expect((await api.post(guardedPath, { altcha: wrong }, { token: d.token })).body.code).toBe('PROOF_OF_WORK_INVALID');
    const valid = await solve(guarded.id);
    const joined = await api.post(guardedPath, { altcha: valid }, { token: d.token });
    expect(joined.status).toBe(200);
    expect(joined.body.state).toBe('WAITING');
    // One solution serves one entry.
    const reused = await api.post(guardedPath, { altcha: valid }, { token: c.token });
    expect(reused.body.code).toBe('PROOF_OF_WORK_INVALID');
    expect((await api.get(`${path}/challenge`, { token: d.token })).body.code).toBe('NO_PROOF_OF_WORK');
  });

  it.skipIf(skip)('ignores an admission token for a product without a queue', async () => {
    const api = client(server.url);
    const [shopper] = await createUsers(server, 1);
    const product = await createStockedProduct(server, { units: 2 });
    const placed = await api.post('/api/orders', { productId: product.id, quantity: 1, admissionToken: 'whatever' }, { token: shopper!.token });
    expect(placed.status).toBe(202);
  });
});

/** The admitter on a worker process, the shoppers' streams on an api process: the round crosses the event bus. */
describe.skipIf(!process.env.DATABASE_URL)('the waiting room across processes', () => {
  let worker: TestServer;
  let api: TestServer;

  beforeAll(async () => {
    api = await startTestServer('postgres', { ...QUEUE_ENV, LIMITEDCART_ROLES: 'api' }, { keepSchema: true });
    worker = await startTestServer('postgres', {
      ...QUEUE_ENV,
      LIMITEDCART_ROLES: 'worker,relay',
      DB_SCHEMA: api.config.DB_SCHEMA,
      JWT_KEY: api.config.JWT_KEY!,
      PAYMENT_WEBHOOK_SECRET: api.config.PAYMENT_WEBHOOK_SECRET!,
      ADMISSION_TOKEN_KEY: api.config.ADMISSION_TOKEN_KEY!,
    });
  }, 90_000);

  afterAll(async () => {
    await api?.close();
    await worker?.close();
  });

  it('admits on the worker and tells the shopper on the api process, whose token the api accepts', async () => {
    const http = client(api.url);
    const [admin] = await createUsers(api, 1, ['ADMIN'], 'admin');
    const shoppers = await createUsers(api, 3, ['USER'], 'split');
    const product = await createStockedProduct(api, { units: 1 });
    const path = `/api/drops/${product.id}/queue`;
    const opensAt = new Date(Date.now() + 2_000).toISOString();
    expect((await http.put(`/api/admin/drops/${product.id}/queue`, { opensAt, mode: 'fifo', abandonmentMargin: 0 }, { token: admin!.token })).status).toBe(200);
    const streams = await Promise.all(shoppers.map((shopper) => openSse(`${api.url}/api/notifications/stream`, { authorization: `Bearer ${shopper.token}` })));
    try {
      for (const shopper of shoppers) expect((await http.post(path, {}, { token: shopper.token })).status).toBe(200);
      // fifo: the first two are admitted (1 unit + 1), the third is told its place.
      const admitted = await waitFor(() => streams[0]!.events.find((event) => event.event === 'queue.admitted'), { timeoutMs: 20_000, message: 'queue.admitted' });
      await waitFor(() => streams[1]!.events.some((event) => event.event === 'queue.admitted'), { message: 'the second admitted' });
      // Third in line before the opening; first once the two ahead are admitted.
      const positions = () => streams[2]!.events.filter((event) => event.event === 'queue.position').map((event) => JSON.parse(event.data));
      await waitFor(() => positions().at(-1)?.position === 1, { message: 'queue.position 1' });
      expect(positions()[0]).toMatchObject({ productId: product.id, position: 3 });
      const { admissionToken } = JSON.parse(admitted.data) as { admissionToken: string };
      const placed = await http.post('/api/orders', { productId: product.id, quantity: 1, admissionToken }, { token: shoppers[0]!.token });
      expect(placed.status).toBe(202);
    } finally {
      for (const stream of streams) stream.close();
    }
  }, 60_000);
});
