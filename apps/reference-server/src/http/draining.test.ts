import { Hono } from 'hono';
import { describe, expect, it } from 'vitest';
import type { AppEnv } from './context.js';
import { closeConnectionsWhenDraining } from './draining.js';

describe('closeConnectionsWhenDraining', () => {
  it('adds Connection: close to every response once the server drains, error responses included', async () => {
    let accepting = true;
    const app = new Hono<AppEnv>();
    app.use('*', closeConnectionsWhenDraining(() => accepting));
    app.get('/', (c) => c.text('ok'));
    app.get('/boom', () => {
      throw new Error('boom');
    });

    expect((await app.request('/')).headers.get('connection')).toBeNull();
    accepting = false;
    expect((await app.request('/')).headers.get('connection')).toBe('close');
    const failed = await app.request('/boom');
    expect(failed.status).toBe(500);
    expect(failed.headers.get('connection')).toBe('close');
  });
});
