import { createRoute, z } from '@hono/zod-openapi';
import { describe, expect, it } from 'vitest';
import { mount, router } from './route.js';

describe('declared headers', () => {
  const app = router();
  let handled = 0;
  mount(
    app,
    createRoute({
      method: 'post',
      path: '/',
      request: { headers: z.object({ 'x-count': z.coerce.number().int().min(1), 'x-note': z.string().optional() }) },
      responses: { 200: { description: 'ok' } },
    }),
    (c) => {
      handled += 1;
      return c.json(c.req.valid('header'));
    },
  );

  it('hands the handler the parsed declared headers and nothing else', async () => {
    const response = await app.request('/', { method: 'POST', headers: { 'X-Count': '3', 'x-other': 'ignored' } });
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ 'x-count': 3 });
  });

  it('answers 400 VALIDATION naming the header, without running the handler', async () => {
    const before = handled;
    const response = await app.request('/', { method: 'POST', headers: { 'x-count': '0' } });
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ code: 'VALIDATION', errors: [{ in: 'header', field: 'x-count' }] });
    expect(handled).toBe(before);
  });

  it('documents the route with its headers once', () => {
    const document = app.getOpenAPIDocument({ openapi: '3.0.3', info: { title: 't', version: '1' } });
    const parameters = document.paths['/']?.post?.parameters as { in: string; name: string }[];
    expect(parameters.map((p) => `${p.in}:${p.name}`)).toEqual(['header:x-count', 'header:x-note']);
  });
});
