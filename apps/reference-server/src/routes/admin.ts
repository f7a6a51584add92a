import { createRoute, z } from '@hono/zod-openapi';
import { MAX_EMAIL_MATCHES, ORDER_STATUSES, ROLES } from '@limitedcart/core';
import { toPublicUser } from '@limitedcart/plugin-auth-jwt';
import { actorOf, authenticate, requireRole } from '../http/auth.js';
import type { AppDeps } from '../http/context.js';
import { ApiProblem } from '../http/problem.js';
import { mount, router } from '../http/route.js';
import { auditRoutes } from './audit.js';
import {
  AUTH_PROBLEMS,
  BEARER,
  IdParam,
  jsonBody,
  jsonContent,
  MoneySchema,
  StaffOrderSchema,
  OrderStatusSchema,
  PagingQuery,
  pageOf,
  problem,
  RoleSchema,
  nonBlankText,
  text,
  UserSchema,
} from './schemas.js';
import { staffOrderView } from './views.js';

const RolesBody = z.strictObject({ roles: z.array(RoleSchema).min(1).max(ROLES.length) }).openapi('SetRoles');

const UserPatch = z
  .strictObject({ disabled: z.boolean().openapi({ description: 'true locks the account: its sessions end and its tokens are refused.' }) })
  .openapi('UserPatch');

const countsOf = <K extends string>(keys: readonly K[]) => z.object(Object.fromEntries(keys.map((key) => [key, z.number().int()])) as Record<K, z.ZodNumber>);

const AdminMetrics = z
  .object({
    ordersByStatus: countsOf(ORDER_STATUSES),
    usersByRole: countsOf(ROLES),
    confirmedRevenue: MoneySchema.openapi({ description: 'Revenue of CONFIRMED orders in the currency with the most.' }),
    confirmedRevenueByCurrency: z.array(MoneySchema),
    stock: z.object({ available: z.number().int(), held: z.number().int(), sold: z.number().int(), restockedTotal: z.number().int() }),
    notificationStreams: z.number().int(),
  })
  .openapi('AdminMetrics');

/** A search box's text: part of an email address, any case; blank is no filter. */
const emailSearch = (description: string) => text().max(254).optional().openapi({ description, example: 'alice@' });

const OrdersQuery = PagingQuery.extend({
  status: OrderStatusSchema.optional(),
  productId: nonBlankText().max(200).optional(),
  customerId: nonBlankText().max(200).optional(),
  customerEmail: emailSearch(
    `Only orders of accounts whose email contains this text, in any case. More than ${MAX_EMAIL_MATCHES} matching accounts is a 400 (\`VALIDATION\`): type more of the address.`,
  ),
});

const UsersQuery = PagingQuery.extend({
  email: emailSearch('Only accounts whose email contains this text, in any case (`ali` finds alice@… and malice@…).'),
});

export function adminRoutes(deps: AppDeps) {
  const app = router();
  const { engine, auth, hub } = deps;
  const admin = [authenticate(auth.tokens), requireRole('ADMIN')];

  mount(
    app,
    createRoute({
      method: 'get',
      path: '/users',
      tags: ['admin'],
      summary: 'Every account, or those whose email contains a text',
      security: BEARER,
      middleware: admin,
      request: { query: UsersQuery },
      responses: { 200: jsonContent(pageOf(UserSchema, 'UserPage'), 'A page of users.'), ...AUTH_PROBLEMS },
    }),
    async (c) => {
      const { page, size, email } = c.req.valid('query');
      const result = await engine.useCases.listCustomers({ actor: actorOf(c), page, size, ...(email === undefined ? {} : { email }) });
      return c.json({ items: result.items.map(toPublicUser), page, size, total: result.total }, 200);
    },
  );

  mount(
    app,
    createRoute({
      method: 'patch',
      path: '/users/{id}/roles',
      tags: ['admin'],
      summary: "Replace a user's roles (their older access tokens are refused within SESSION_CHECK_TTL_MS; a refresh gets the new roles)",
      security: BEARER,
      middleware: admin,
      request: { params: IdParam, ...jsonBody(RolesBody) },
      responses: {
        200: jsonContent(z.object({ user: UserSchema }), 'The user.'),
        400: problem('Unknown role (`VALIDATION`).'),
        404: problem('No such user.'),
        409: problem('The user is the last ADMIN and the new roles lack ADMIN (`LAST_ADMIN`); nothing changed.'),
        ...AUTH_PROBLEMS,
      },
    }),
    async (c) => {
      const { id } = c.req.valid('param');
      const result = await engine.useCases.setCustomerRoles({ customerId: id, roles: c.req.valid('json').roles, actor: actorOf(c) });
      if (!result.ok) throw new ApiProblem(409, 'LAST_ADMIN', 'the last ADMIN cannot lose the ADMIN role; make another account ADMIN first');
      return c.json({ user: toPublicUser(result.customer) }, 200);
    },
  );

  mount(
    app,
    createRoute({
      method: 'patch',
      path: '/users/{id}',
      tags: ['admin'],
      summary: 'Lock or unlock an account',
      description:
        'Locking ends every session of the account; its access tokens are refused within SESSION_CHECK_TTL_MS ' +
        '(default 5 s), usually at once, and it cannot sign in until unlocked.',
      security: BEARER,
      middleware: admin,
      request: { params: IdParam, ...jsonBody(UserPatch) },
      responses: {
        200: jsonContent(z.object({ user: UserSchema }), 'The user.'),
        400: problem('Malformed request (`VALIDATION`).'),
        404: problem('No such user.'),
        ...AUTH_PROBLEMS,
      },
    }),
    async (c) => {
      const { id } = c.req.valid('param');
      const customer = await engine.useCases.setCustomerDisabled({ customerId: id, disabled: c.req.valid('json').disabled });
      return c.json({ user: toPublicUser(customer) }, 200);
    },
  );

  mount(
    app,
    createRoute({
      method: 'get',
      path: '/metrics',
      tags: ['admin'],
      summary: 'Business figures: orders by status, revenue, stock, users',
      security: BEARER,
      middleware: admin,
      responses: { 200: jsonContent(AdminMetrics, 'Current figures.'), ...AUTH_PROBLEMS },
    }),
    async (c) => {
      const metrics = await engine.useCases.getBusinessMetrics();
      const [topRevenue] = metrics.confirmedRevenue;
      return c.json(
        {
          ordersByStatus: metrics.ordersByStatus,
          usersByRole: metrics.usersByRole,
          confirmedRevenue: topRevenue ?? { amount: 0, currency: 'USD' },
          confirmedRevenueByCurrency: [...metrics.confirmedRevenue],
          stock: metrics.stock,
          notificationStreams: hub.connections(),
        },
        200,
      );
    },
  );

  mount(
    app,
    createRoute({
      method: 'get',
      path: '/orders',
      tags: ['admin'],
      summary: 'Every order, filterable',
      security: BEARER,
      middleware: admin,
      request: { query: OrdersQuery },
      responses: { 200: jsonContent(pageOf(StaffOrderSchema, 'AdminOrderPage'), 'A page of orders, each with its customer\'s email.'), ...AUTH_PROBLEMS },
    }),
    async (c) => {
      const { page, size, status, productId, customerId, customerEmail } = c.req.valid('query');
      const result = await engine.useCases.listStaffOrders({
        actor: actorOf(c),
        page,
        size,
        status,
        productId,
        customerId,
        ...(customerEmail === undefined ? {} : { customerEmail }),
      });
      return c.json({ items: result.items.map(staffOrderView), page, size, total: result.total }, 200);
    },
  );

  app.route('/audit', auditRoutes(deps));

  return app;
}
