import { randomBytes } from 'node:crypto';
import { createRoute, z } from '@hono/zod-openapi';
import type { DropQueueAdminView, DropQueueView, JoinDropQueueResult, QueueTicket } from '@limitedcart/core';
import { MAX_PROOF_OF_WORK_DIFFICULTY } from '@limitedcart/core';
import { authenticate, requireRole } from '../http/auth.js';
import { clientIp } from '../http/client-ip.js';
import type { AppDeps } from '../http/context.js';
import { problemResponse } from '../http/problem.js';
import { createProofOfWork } from '../http/proof-of-work.js';
import { mount, router } from '../http/route.js';
import { AUTH_PROBLEMS, BEARER, jsonBody, jsonContent, nonBlankText, problem } from './schemas.js';

const ProductParam = z.object({
  productId: nonBlankText()
    .max(200)
    .openapi({ param: { name: 'productId', in: 'path' }, example: '0b5f6c1e-8d1e-4c53-9a0c-6f2e2d1b7a10' }),
});

const dateTime = (description: string) => z.string().openapi({ format: 'date-time', description });
const QueueMode = z.enum(['raffle-then-fifo', 'fifo']);

const QueueStatusFields = {
  productId: z.string(),
  mode: QueueMode,
  opensAt: dateTime('When admission begins; in `raffle-then-fifo` the draw happens then.'),
  state: z.enum(['OPEN', 'SOLD_OUT']),
  drawn: z.boolean().openapi({ description: 'Whether the order of the line is settled (always in `fifo`; from the opening in a raffle).' }),
  waiting: z.number().int(),
  admitted: z.number().int().openapi({ description: 'Admissions running now.' }),
  proofOfWork: z.boolean().openapi({ description: 'Whether joining needs an ALTCHA proof of work (`GET …/queue/challenge`).' }),
  serverTime: dateTime("The server's time, on the clock `opensAt` is on."),
};

const QueueStatusSchema = z.object(QueueStatusFields).openapi('DropQueue');

const QueueAdminSchema = z
  .object({
    ...QueueStatusFields,
    used: z.number().int().openapi({ description: 'Admissions that ended in an order.' }),
    abandoned: z.number().int().openapi({ description: 'Shoppers who left, or whose admission lapsed unused.' }),
    turnedAway: z.number().int().openapi({ description: 'Shoppers still waiting when the queue closed sold out.' }),
    admitForSeconds: z.number().int(),
    abandonmentMargin: z.number(),
    maxEntriesPerAddress: z.number().int().nullable(),
    proofOfWork: z.object({ difficulty: z.number().int() }).nullable().openapi({ description: 'The difficulty joins need; null: none.' }),
    suspiciousAddresses: z
      .array(z.object({ address: z.string(), entries: z.number().int() }))
      .openapi({ description: 'Client addresses with two or more entries, most first (at most 20).' }),
  })
  .openapi('DropQueueAdmin');

const QueueTicketSchema = z
  .object({
    productId: z.string(),
    state: z.enum(['WAITING', 'ADMITTED', 'USED', 'EXPIRED', 'LEFT', 'SOLD_OUT']),
    position: z.number().int().nullable().openapi({ description: '1-based place among the waiting; null unless WAITING, and before a raffle is drawn.' }),
    waiting: z.number().int().openapi({ description: 'Shoppers waiting in the line now.' }),
    drawAt: z.string().nullable().openapi({ format: 'date-time', description: 'When the raffle is drawn, while it is not yet; else null.' }),
    estimatedWaitSeconds: z.number().int().nullable().openapi({ description: 'An estimate while WAITING with a position; else null.' }),
    admittedUntil: z.string().nullable().openapi({ format: 'date-time', description: 'When the admission lapses (or lapsed).' }),
    admissionToken: z
      .string()
      .nullable()
      .openapi({ description: 'Only while ADMITTED: send it as `admissionToken` with `POST /api/orders` before `admittedUntil`.' }),
    nextPollSeconds: z.number().int().openapi({ description: 'How long a polling client should wait before asking again.' }),
    serverTime: dateTime("The server's time."),
  })
  .openapi('QueueTicket');

const JoinBody = z
  .strictObject({
    altcha: z
      .string()
      .min(1)
      .max(8_192)
      .optional()
      .openapi({ description: 'The solved ALTCHA challenge (base64 of `{ challenge, solution }`), when the drop requires proof of work.' }),
  })
  .openapi('JoinQueue');

const ConfigureBody = z
  .strictObject({
    opensAt: z.iso
      .datetime({ offset: true })
      .refine((value) => {
        const year = new Date(value).getUTCFullYear();
        return year >= 2000 && year <= 9999;
      }, 'a date from the year 2000 on')
      .openapi({ description: 'Moves only until the queue opens (a date from the year 2000 on).' }),
    mode: QueueMode.openapi({ description: 'Fixed when the queue is created; a later value is ignored.' }),
    admitForSeconds: z.number().int().min(5).max(3_600).optional().openapi({ description: 'How long an admission lasts. Default 120.' }),
    abandonmentMargin: z.number().min(0).max(10).optional().openapi({ description: 'Extra admissions as a share of the units available. Default 0.1.' }),
    proofOfWork: z
      .strictObject({ difficulty: z.number().int().min(1).max(MAX_PROOF_OF_WORK_DIFFICULTY) })
      .nullable()
      .optional()
      .openapi({ description: 'Require an ALTCHA proof of work on join (about difficulty / 2 hashes); null turns it off.' }),
    maxEntriesPerAddress: z.number().int().min(1).max(1_000_000).nullable().optional().openapi({ description: 'Entries one client address may make; null: no cap.' }),
  })
  .openapi('ConfigureQueue');

const ChallengeSchema = z
  .object({
    parameters: z.record(z.string(), z.unknown()),
    signature: z.string().optional(),
  })
  .openapi('AltchaChallenge', { description: 'An ALTCHA v2 challenge (altcha-lib `createChallenge`), valid for 10 minutes.' });

const NO_QUEUE = problem('The product has no queue (`NO_QUEUE`).');

const iso = (date: Date | null): string | null => (date === null ? null : date.toISOString());

const statusView = (view: DropQueueView) => ({
  productId: view.productId,
  mode: view.mode,
  opensAt: view.opensAt.toISOString(),
  state: view.state,
  drawn: view.drawn,
  waiting: view.waiting,
  admitted: view.admitted,
  proofOfWork: view.proofOfWork !== null,
  serverTime: view.serverTime.toISOString(),
});

const adminView = (view: DropQueueAdminView) => ({
  ...statusView(view),
  used: view.used,
  abandoned: view.abandoned,
  turnedAway: view.turnedAway,
  admitForSeconds: view.admitForSeconds,
  abandonmentMargin: view.abandonmentMargin,
  maxEntriesPerAddress: view.maxEntriesPerAddress,
  proofOfWork: view.proofOfWork,
  suspiciousAddresses: view.suspiciousAddresses,
});

export const ticketView = (ticket: QueueTicket) => ({
  productId: ticket.productId,
  state: ticket.state,
  position: ticket.position,
  waiting: ticket.waiting,
  drawAt: iso(ticket.drawAt),
  estimatedWaitSeconds: ticket.estimatedWaitSeconds,
  admittedUntil: iso(ticket.admittedUntil),
  admissionToken: ticket.admissionToken,
  nextPollSeconds: ticket.nextPollSeconds,
  serverTime: ticket.serverTime.toISOString(),
});

type JoinRefusal = Extract<JoinDropQueueResult, { ok: false }>['reason'];

const JOIN_REFUSALS: Record<JoinRefusal, { readonly status: 403 | 404 | 409 | 429; readonly code: string; readonly detail: string }> = {
  NO_QUEUE: { status: 404, code: 'NO_QUEUE', detail: 'the product has no queue' },
  SOLD_OUT: { status: 409, code: 'SOLD_OUT', detail: 'the drop is sold out; the queue is closed' },
  ADDRESS_CAP: { status: 429, code: 'QUEUE_ADDRESS_CAP', detail: 'too many entries in this queue from your network address' },
  PROOF_OF_WORK_REQUIRED: { status: 403, code: 'PROOF_OF_WORK_REQUIRED', detail: 'this queue needs a solved challenge (GET …/queue/challenge)' },
  PROOF_OF_WORK_INVALID: { status: 403, code: 'PROOF_OF_WORK_INVALID', detail: 'the challenge solution is invalid, expired, for another drop or used already' },
};

/** `/api/drops/{productId}/queue…`: the waiting room of a queued drop. */
export function dropQueueRoutes(deps: AppDeps) {
  const app = router();
  const { engine, auth, limits } = deps;
  const signedIn = authenticate(auth.tokens);
  const proofOfWork = createProofOfWork(deps.proofOfWorkSecret ?? randomBytes(48).toString('base64url'));

  mount(
    app,
    createRoute({
      method: 'get',
      path: '/{productId}/queue',
      tags: ['queue'],
      summary: "A drop's waiting room: mode, opening, state and counts",
      request: { params: ProductParam },
      responses: { 200: jsonContent(QueueStatusSchema, 'The queue.'), 404: NO_QUEUE },
    }),
    async (c) => {
      const view = await engine.useCases.getDropQueue(c.req.valid('param').productId);
      if (view === null) return problemResponse(c, 404, 'NO_QUEUE', 'the product has no queue');
      return c.json(statusView(view), 200);
    },
  );

  mount(
    app,
    createRoute({
      method: 'get',
      path: '/{productId}/queue/challenge',
      tags: ['queue'],
      summary: 'An ALTCHA proof-of-work challenge for joining the queue',
      description: 'Solve it (altcha-lib `solveChallenge`, or the ALTCHA widget) and send the payload as `altcha` when joining. A drop without proof of work answers 404 `NO_PROOF_OF_WORK`.',
      security: BEARER,
      middleware: [signedIn] as const,
      request: { params: ProductParam },
      responses: {
        200: jsonContent(ChallengeSchema, 'The challenge.'),
        404: problem('The product has no queue (`NO_QUEUE`), or its queue needs no proof of work (`NO_PROOF_OF_WORK`).'),
        ...AUTH_PROBLEMS,
      },
    }),
    async (c) => {
      const { productId } = c.req.valid('param');
      const view = await engine.useCases.getDropQueue(productId);
      if (view === null) return problemResponse(c, 404, 'NO_QUEUE', 'the product has no queue');
      if (view.proofOfWork === null) return problemResponse(c, 404, 'NO_PROOF_OF_WORK', 'this queue needs no proof of work');
      c.header('cache-control', 'no-store');
      return c.json(await proofOfWork.challenge(productId, view.proofOfWork.difficulty), 200);
    },
  );

  mount(
    app,
    createRoute({
      method: 'post',
      path: '/{productId}/queue',
      tags: ['queue'],
      summary: 'Join the queue (once: joining again returns the same entry)',
      security: BEARER,
      middleware: [signedIn, requireRole('USER')] as const,
      request: { params: ProductParam, ...jsonBody(JoinBody) },
      responses: {
        200: jsonContent(QueueTicketSchema, 'Your entry.'),
        400: problem('Invalid body (`VALIDATION`, `MALFORMED_JSON`).'),
        401: AUTH_PROBLEMS[401],
        403: problem('The caller lacks the USER role (`FORBIDDEN`); proof of work missing (`PROOF_OF_WORK_REQUIRED`) or invalid (`PROOF_OF_WORK_INVALID`).'),
        404: NO_QUEUE,
        409: problem('The drop sold out (`SOLD_OUT`).'),
        429: problem('Too many entries from this client address (`QUEUE_ADDRESS_CAP`).'),
      },
    }),
    async (c) => {
      const { productId } = c.req.valid('param');
      const { altcha } = c.req.valid('json');
      const checked = altcha === undefined ? undefined : await proofOfWork.verify(altcha, productId);
      const result = await engine.useCases.joinDropQueue({
        customerId: c.get('principal').customerId,
        productId,
        clientAddress: clientIp(c, limits.trustProxy),
        ...(checked === undefined ? {} : checked.valid ? { proofOfWork: 'valid', proofOfWorkId: checked.id } : { proofOfWork: 'invalid' }),
      });
      if (!result.ok) {
        const refusal = JOIN_REFUSALS[result.reason];
        return problemResponse(c, refusal.status, refusal.code, refusal.detail);
      }
      return c.json(ticketView(result.ticket), 200);
    },
  );

  mount(
    app,
    createRoute({
      method: 'get',
      path: '/{productId}/queue/me',
      tags: ['queue'],
      summary: 'Where you stand: position, estimated wait, and the admission token once admitted',
      security: BEARER,
      middleware: [signedIn] as const,
      request: { params: ProductParam },
      responses: {
        200: jsonContent(QueueTicketSchema, 'Your entry.'),
        404: problem('You are not in this queue, or it does not exist (`NOT_IN_QUEUE`).'),
        ...AUTH_PROBLEMS,
      },
    }),
    async (c) => {
      const ticket = await engine.useCases.getQueueTicket({ customerId: c.get('principal').customerId, productId: c.req.valid('param').productId });
      if (ticket === null) return problemResponse(c, 404, 'NOT_IN_QUEUE', 'you are not in this queue');
      c.header('cache-control', 'no-store');
      return c.json(ticketView(ticket), 200);
    },
  );

  mount(
    app,
    createRoute({
      method: 'delete',
      path: '/{productId}/queue/me',
      tags: ['queue'],
      summary: 'Leave the queue (or give up a running admission); final',
      security: BEARER,
      middleware: [signedIn] as const,
      request: { params: ProductParam },
      responses: {
        200: jsonContent(QueueTicketSchema, 'Your entry, `LEFT` (a final entry is returned unchanged).'),
        404: problem('You are not in this queue, or it does not exist (`NOT_IN_QUEUE`).'),
        ...AUTH_PROBLEMS,
      },
    }),
    async (c) => {
      const ticket = await engine.useCases.leaveDropQueue({ customerId: c.get('principal').customerId, productId: c.req.valid('param').productId });
      if (ticket === null) return problemResponse(c, 404, 'NOT_IN_QUEUE', 'you are not in this queue');
      return c.json(ticketView(ticket), 200);
    },
  );

  return app;
}

/** `/api/admin/drops/{productId}/queue`: configure a drop's queue and watch it (ADMIN). */
export function adminQueueRoutes(deps: AppDeps) {
  const app = router();
  const { engine, auth } = deps;
  const signedIn = authenticate(auth.tokens);
  const adminOnly = requireRole('ADMIN');

  mount(
    app,
    createRoute({
      method: 'put',
      path: '/{productId}/queue',
      tags: ['queue', 'admin'],
      summary: "Create or change a drop's queue and its policy",
      description:
        'Creates the queue, or changes an existing one: `opensAt` moves only until the queue opens, the mode is fixed at creation; the policy fields may change at any time (left out: kept). Orders for the product then need an admission token.',
      security: BEARER,
      middleware: [signedIn, adminOnly] as const,
      request: { params: ProductParam, ...jsonBody(ConfigureBody) },
      responses: {
        200: jsonContent(QueueAdminSchema, 'The queue.'),
        400: problem('Invalid body (`VALIDATION`, `MALFORMED_JSON`).'),
        404: problem('No such product (`NOT_FOUND`).'),
        ...AUTH_PROBLEMS,
      },
    }),
    async (c) => {
      const { productId } = c.req.valid('param');
      const body = c.req.valid('json');
      const view = await engine.useCases.configureDropQueue({
        productId,
        opensAt: new Date(body.opensAt),
        mode: body.mode,
        ...(body.admitForSeconds === undefined ? {} : { admitForSeconds: body.admitForSeconds }),
        ...(body.abandonmentMargin === undefined ? {} : { abandonmentMargin: body.abandonmentMargin }),
        ...(body.proofOfWork === undefined ? {} : { proofOfWork: body.proofOfWork }),
        ...(body.maxEntriesPerAddress === undefined ? {} : { maxEntriesPerAddress: body.maxEntriesPerAddress }),
      });
      return c.json(adminView(view), 200);
    },
  );

  mount(
    app,
    createRoute({
      method: 'get',
      path: '/{productId}/queue',
      tags: ['queue', 'admin'],
      summary: "A drop's queue: counts, policy and suspicious addresses",
      security: BEARER,
      middleware: [signedIn, adminOnly] as const,
      request: { params: ProductParam },
      responses: { 200: jsonContent(QueueAdminSchema, 'The queue.'), 404: NO_QUEUE, ...AUTH_PROBLEMS },
    }),
    async (c) => {
      const view = await engine.useCases.getDropQueueAdmin(c.req.valid('param').productId);
      if (view === null) return problemResponse(c, 404, 'NO_QUEUE', 'the product has no queue');
      return c.json(adminView(view), 200);
    },
  );

  return app;
}
