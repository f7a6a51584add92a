import { createRoute, z } from '@hono/zod-openapi';
import type { AppDeps } from '../http/context.js';
import { mount, router } from '../http/route.js';
import { SERVER_TIME_HEADER } from '../http/server-time.js';
import { jsonContent } from './schemas.js';

export const ServerTimeSchema = z
  .object({
    serverTime: z.string().openapi({ format: 'date-time', description: "The server's time (ISO 8601, milliseconds)." }),
    epochMs: z.number().int().openapi({ description: 'The same instant in milliseconds since the Unix epoch.' }),
  })
  .openapi('ServerTime');

/** `GET /api/time`: the cheapest way for a client to measure its clock offset. */
export function timeRoutes(deps: AppDeps) {
  const app = router();
  mount(
    app,
    createRoute({
      method: 'get',
      path: '/',
      tags: ['time'],
      summary: "The server's time, for a client's clock offset",
      description:
        'Every sale start, `holdUntil` and payment deadline is on this clock. A client measures its offset as ' +
        '`epochMs - (sent + received) / 2` (to within half a round trip) and runs its countdowns on ' +
        `\`Date.now() + offset\`. Every response of the API also carries the same time in the \`${SERVER_TIME_HEADER}\` ` +
        'header (milliseconds since the epoch), readable cross-origin.',
      responses: { 200: jsonContent(ServerTimeSchema, "The server's time.") },
    }),
    (c) => {
      const now = deps.engine.useCases.now();
      c.header('Cache-Control', 'no-store');
      return c.json({ serverTime: now.toISOString(), epochMs: now.getTime() }, 200);
    },
  );
  return app;
}
